// C++ emission of the reconciled models (reconcile.mjs) into include/hl7v2/defs/.
//
// Every segment, data type, group, structure and table is its own inline constexpr variable named by
// its content hash, so a definition that is identical in several versions (XPN in 2.5 and 2.5.1) is one
// object. Each object is written once, in the part header of exactly the versions that use it
// (defs/parts/v2_5-v2_5_1.hpp holds what 2.5 and 2.5.1 share and no other version has); a version
// header (defs/v2_5_1.hpp) includes the parts of its version and adds its indexes. Including only
// v2_5_1.hpp therefore parses and links only what 2.5.1 reaches, and no definition is spelled twice.
import { createHash } from 'node:crypto';
import { byCodeUnits } from './model.mjs';

function hashOf(value) {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

// The body of a C++ string literal for s (UTF-8; octal escapes are always three digits, so a digit after
// one is never read as part of it).
function cxxBody(s) {
  let body = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"' || ch === '\\') body += '\\' + ch;
    else if (c >= 0x20 && c < 0x7f) body += ch;
    else {
      for (const b of Buffer.from(ch, 'utf8')) body += '\\' + b.toString(8).padStart(3, '0');
    }
  }
  return body;
}

function cxxString(s) {
  return `str("${cxxBody(s)}", ${Buffer.byteLength(s, 'utf8')})`;
}

// A long text as adjacent literals of at most ~100 bytes, so that the generated lines stay readable.
function cxxLiteral(s) {
  const pieces = [];
  let piece = '';
  for (const ch of s) {
    piece += ch;
    if (piece.length >= 100) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece || !pieces.length) pieces.push(piece);
  return pieces.map((p) => `"${cxxBody(p)}"`).join('\n  ');
}

// A field's or component's name and key as types.hpp keeps them: one text, the name then `"key":`.
function namedText(x) {
  return `"${cxxBody(x.name)}\\"${cxxBody(x.key)}\\":"`;
}

function sizes(x) {
  const name = Buffer.byteLength(x.name, 'utf8');
  const key = Buffer.byteLength(x.key, 'utf8');
  if (name > 0xffff || key > 0xffff) throw new Error(`name or key too long: ${x.key}`);
  return `${name}, ${key}`;
}

function cxxIdent(s) {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

export function versionIdent(version) {
  return 'v' + version.replace(/\./g, '_');
}

function segmentKey(id) {
  // Same packing as detail::pack_segment_id in types.hpp: up to 4 bytes, first byte highest.
  let k = 0;
  for (let i = 0; i < 4; i++) k = k * 256 + (i < id.length ? id.charCodeAt(i) : 0);
  return k >>> 0;
}

class Emitter {
  /** models: every version's model; a withdrawn field's type may come from an earlier one. */
  constructor(models) {
    this.models = models;
    this.blocks = [];  // {name, body}, every object before the objects that refer to it
    this.typeNames = {};
    this.emitted = new Set();
  }

  guarded(name, body) {
    if (this.emitted.has(name)) return;  // same content twice in one version: the first one serves
    this.emitted.add(name);
    this.blocks.push({ name, body });
  }

  // Types are emitted after the types their components use, so every pointer refers back.
  type(version, id) {
    const cacheKey = `${version} ${id}`;
    if (this.typeNames[cacheKey]) return this.typeNames[cacheKey];
    const t = this.models[version].types[id];
    if (!t) throw new Error(`${version}: data type ${id} is used but not defined`);
    this.typeNames[cacheKey] = 'pending';
    const comps = t.components.map((c) => ({ ...c, typeName: this.type(c.typeFrom, c.type) }));
    const content = { id: t.id, name: t.name, comps: comps.map((c) => [c.name, c.key, c.typeName, c.opt, c.len, c.table]) };
    const name = `t_${cxxIdent(t.id)}_${hashOf(content)}`;
    const body = [];
    if (comps.length) {
      body.push(`inline constexpr component_def ${name}_c[] = {`);
      for (const c of comps) {
        body.push(`  {${namedText(c)}, &${c.typeName}, ${c.len}, ${c.table}, ${sizes(c)}, optionality::${c.opt}},`);
      }
      body.push('};');
      body.push(`inline constexpr type_def ${name}{${cxxString(t.id)}, ${cxxString(t.name)}, ${name}_c, ${comps.length}};`);
    } else {
      body.push(`inline constexpr type_def ${name}{${cxxString(t.id)}, ${cxxString(t.name)}, nullptr, 0};`);
    }
    this.guarded(name, body);
    this.typeNames[cacheKey] = name;
    return name;
  }

  segment(s) {
    const rows = s.fields.map((f) =>
      `  {${namedText(f)}, &${this.type(f.typeFrom, f.type)}, ${f.len}, ${f.position}, ${f.repeats}, ${f.table}, ${sizes(f)}, optionality::${f.opt}},`);
    const name = `s_${cxxIdent(s.id)}_${hashOf([s.id, s.name, rows])}`;
    const body = [];
    if (rows.length) body.push(`inline constexpr field_def ${name}_f[] = {`, ...rows, '};');
    body.push(`inline constexpr segment_def ${name}{${cxxString(s.id)}, ${cxxString(s.name)}, ${rows.length ? `${name}_f` : 'nullptr'}, ${rows.length}};`);
    this.guarded(name, body);
    return name;
  }

  // A group's (or choice's) children array is its own object, named by its content, so a group that
  // is the same in several structures or versions (PATIENT_RESULT in ORU_R01 of 2.5 and 2.5.1, an
  // INSURANCE group across ADT structures) is one array in the binary.
  nodeArray(children, owner) {
    const rows = children.map((n) => {
      if (n.kind === 'segment') return `  {${cxxString(n.id)}, nullptr, ${n.min}, ${n.max}, 0, node_kind::segment},`;
      if (!n.children.length) throw new Error(`${owner}: ${n.kind} ${n.id} has no children`);
      const childArray = this.nodeArray(n.children, owner);
      return `  {${cxxString(n.id)}, ${childArray}, ${n.min}, ${n.max}, ${n.children.length}, node_kind::${n.kind}},`;
    });
    const name = `n_${hashOf(rows)}`;
    this.guarded(name, [`inline constexpr structure_node ${name}[] = {`, ...rows, '};']);
    return name;
  }

  structure(m) {
    const name = `m_${cxxIdent(m.id)}_${hashOf([m.id, m.name, m.children])}`;
    const root = this.nodeArray(m.children, m.id);
    this.guarded(name, [`inline constexpr structure_def ${name}{${cxxString(m.id)}, ${cxxString(m.name)}, ${root}, ${m.children.length}};`]);
    return name;
  }

  // A table's codes and names are one text, with the offsets where each ends (types.hpp says why).
  table(t) {
    let text = '';
    const ends = [];
    let at = 0;
    for (const v of t.values) {
      for (const part of [v.code, v.name]) {
        text += part;
        at += Buffer.byteLength(part, 'utf8');
        ends.push(at);
      }
    }
    const name = `tb_${t.number}_${hashOf([t.number, t.name, t.values.map((v) => [v.code, v.name])])}`;
    const body = [];
    if (t.values.length) {
      body.push(`inline constexpr char ${name}_t[] = ${cxxLiteral(text)};`);
      body.push(`inline constexpr std::uint32_t ${name}_e[] = {`);
      for (let i = 0; i < ends.length; i += 16) body.push(`  ${ends.slice(i, i + 16).join(', ')},`);
      body.push('};');
    }
    const data = t.values.length ? `${name}_t, ${name}_e` : 'nullptr, nullptr';
    body.push(`inline constexpr table_def ${name}{${t.number}, ${t.values.length}, ${cxxString(t.name)}, ${data}};`);
    this.guarded(name, body);
    return name;
  }
}

// The objects of one version (blocks, in dependency order) and the text of its indexes.
function collectVersion(models, version) {
  const model = models[version];
  const e = new Emitter(models);
  const v = versionIdent(model.version);
  const typeIds = Object.keys(model.types).sort(byCodeUnits);
  for (const id of typeIds) e.type(version, id);
  const segNames = Object.keys(model.segments).sort(byCodeUnits).map((id) => [id, e.segment(model.segments[id])]);
  const structNames = Object.keys(model.structures).sort(byCodeUnits).map((id) => [id, e.structure(model.structures[id])]);
  const tableNames = model.tables.map((t) => e.table(t));

  const structIndex = Object.fromEntries(structNames);
  const segEntries = segNames.map(([id, n]) => [segmentKey(id), n]).sort((a, b) => a[0] - b[0]);
  const typeEntries = typeIds.map((id) => `&${e.typeNames[`${version} ${id}`]}`);
  const eventEntries = Object.keys(model.events)
    .sort(byCodeUnits)
    .map((ev) => `  {${cxxString(ev)}, &${structIndex[model.events[ev]]}},`);
  const summary = `// HL7 v${model.version}: ${segNames.length} segments, ${typeEntries.length} data types, ${structNames.length} message structures, ${model.tables.length} tables.`;
  const index = [
    `inline constexpr segment_entry ${v}_segments[] = {`,
    ...segEntries.map(([k, n]) => `  {0x${k.toString(16).padStart(8, '0')}u, &${n}},`),
    '};',
    `inline constexpr const type_def* ${v}_types[] = {`,
    ...typeEntries.map((x) => `  ${x},`),
    '};',
    `inline constexpr const structure_def* ${v}_structures[] = {`,
    ...structNames.map(([, n]) => `  &${n},`),
    '};',
    `inline constexpr event_entry ${v}_events[] = {`,
    ...eventEntries,
    '};',
    `inline constexpr const table_def* ${v}_tables[] = {`,
    ...(tableNames.length ? tableNames.map((n) => `  &${n},`) : ['  nullptr,']),
    '};',
    '}  // namespace hl7v2::defs::detail',
    '',
    'namespace hl7v2::defs {',
    `HL7V2_DEFS_VERSION version_def ${v}{`,
    `  detail::${cxxString(model.version)},`,
    `  {detail::${v}_segments, ${segEntries.length}},`,
    `  {detail::${v}_types, ${typeEntries.length}},`,
    `  {detail::${v}_structures, ${structNames.length}},`,
    `  {detail::${v}_events, ${eventEntries.length}},`,
    `  {detail::${v}_tables, ${tableNames.length}},`,
    '};',
  ];
  return { blocks: e.blocks, index, summary };
}

// A part's file name from the versions that share it: runs of consecutive versions as first-last, joined
// by '+': "v2_5-v2_5_1", "v2_8", "v2_3+v2_5-v2_6".
function partName(versionSet, versions) {
  const idx = versions.map((v, i) => (versionSet.has(v) ? i : -1)).filter((i) => i >= 0);
  const runs = [];
  for (const i of idx) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  return runs
    .map(([a, b]) => (a === b ? versionIdent(versions[a]) : `${versionIdent(versions[a])}-${versionIdent(versions[b])}`))
    .join('+');
}

// The objects an object's body refers to: types (&t_XPN_<hash>) and group arrays (n_<hash>). Its own
// arrays (t_XPN_<hash>_c, s_PID_<hash>_f, ...) end in a suffix and do not match.
const REFERENCE = /\b(t_[A-Za-z0-9_]+_[0-9a-f]{10}|n_[0-9a-f]{10})\b/g;

const GENERATED = (provenance) => [
  `// Generated by cmake/defs/generate.mjs from ${provenance}, reconciled (cmake/defs/README.md)`,
  '// with cmake/defs/overrides.json. Do not edit: regenerate with `./dev regen-defs`.',
];
// Compiled mode (types.hpp): a user's translation unit parses no definitions, the library's define them.
const DEFINES_TABLES = '#if !defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)';

/**
 * Every header of include/hl7v2/defs/ the generator owns: {path relative to defs/: text}, the version
 * headers and their parts.
 */
export function emitAll(models, versions, provenance) {
  const collected = versions.map((version) => ({ version, ...collectVersion(models, version) }));
  const objects = new Map();  // name → {body, versions, order}
  for (const c of collected) {
    for (const b of c.blocks) {
      let o = objects.get(b.name);
      if (!o) objects.set(b.name, (o = { body: b.body, versions: new Set(), order: objects.size }));
      else if (o.body.join('\n') !== b.body.join('\n')) throw new Error(`${b.name}: two bodies under one content name`);
      o.versions.add(c.version);
    }
  }
  const parts = new Map();  // part name → {versions, names}
  for (const [name, o] of objects) {
    o.part = partName(o.versions, versions);
    if (!parts.has(o.part)) parts.set(o.part, { versions: o.versions, names: [] });
    parts.get(o.part).names.push(name);  // in first-met order, which puts every object after what it uses
  }
  const files = {};
  for (const [part, { versions: used, names }] of [...parts].sort((a, b) => byCodeUnits(a[0], b[0]))) {
    const deps = new Set();
    for (const name of names) {
      for (const [, ref] of objects.get(name).body.join('\n').matchAll(REFERENCE)) {
        const target = objects.get(ref);
        if (!target) throw new Error(`${name} refers to ${ref}, which no version defines`);
        if (target.part !== part) deps.add(target.part);
      }
    }
    const list = versions.filter((v) => used.has(v)).join(', ');
    files[`parts/${part}.hpp`] = [
      ...GENERATED(provenance),
      `// The definitions HL7 v${list} ${used.size === 1 ? 'alone has' : 'share, and no other version has'}: ${names.length} objects.`,
      '#pragma once',
      '',
      '#include "hl7v2/defs/types.hpp"',
      ...[...deps].sort(byCodeUnits).map((d) => `#include "hl7v2/defs/parts/${d}.hpp"`),
      '',
      '// clang-format off',
      DEFINES_TABLES,
      'namespace hl7v2::defs::detail {',
      ...names.flatMap((name) => objects.get(name).body),
      '}  // namespace hl7v2::defs::detail',
      '#endif',
      '// clang-format on',
      '',
    ].join('\n');
  }
  for (const c of collected) {
    const v = versionIdent(c.version);
    const own = [...parts].filter(([, p]) => p.versions.has(c.version)).map(([name]) => name).sort(byCodeUnits);
    files[`${v}.hpp`] = [
      ...GENERATED(provenance),
      c.summary,
      '#pragma once',
      '',
      '#include "hl7v2/defs/types.hpp"',
      '',
      '// clang-format off',
      '#if defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)',
      'namespace hl7v2::defs {',
      '/// Compiled mode: defined once, by the hl7v2::definitions library (types.hpp).',
      `extern const version_def ${v};`,
      '}  // namespace hl7v2::defs',
      '#endif',
      DEFINES_TABLES,
      ...own.map((p) => `#include "hl7v2/defs/parts/${p}.hpp"`),
      '',
      'namespace hl7v2::defs::detail {',
      ...c.index,
      '}  // namespace hl7v2::defs',
      '#endif',
      '// clang-format on',
      '',
    ].join('\n');
  }
  return files;
}
