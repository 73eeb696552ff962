// C++ emission of the reconciled models (reconcile.mjs) into include/hl7v2/defs/v2_*.hpp.
//
// Every segment, data type, structure and table is emitted as its own inline constexpr variable
// named by its content hash and wrapped in an include guard of the same name. A definition that
// is identical in several versions (XPN in 2.5 and 2.5.1) is therefore one object when several
// version headers are included, yet each version header stays complete on its own: including
// only v2_5_1.hpp parses and links only what v2_5_1 reaches.
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
    this.lines = [];
    this.typeNames = {};
    this.emitted = new Set();
  }

  guarded(name, body) {
    if (this.emitted.has(name)) return;  // same content twice in one version: the first one serves
    this.emitted.add(name);
    const guard = `HL7V2_DEFS_${name.toUpperCase()}`;
    this.lines.push(`#ifndef ${guard}`, `#define ${guard}`, ...body, '#endif');
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

/** The header text for one version. */
export function emitVersion(models, version, provenance) {
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

  const out = [
    `// Generated by cmake/defs/generate.mjs from ${provenance}, reconciled (cmake/defs/README.md)`,
    '// with cmake/defs/overrides.json. Do not edit: regenerate with `./dev regen-defs`.',
    `// HL7 v${model.version}: ${segNames.length} segments, ${typeEntries.length} data types, ${structNames.length} message structures, ${model.tables.length} tables.`,
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
    '#if !defined(HL7V2_DEFINITIONS_COMPILED) || defined(HL7V2_DEFINITIONS_IMPLEMENTATION)',
    'namespace hl7v2::defs::detail {',
    ...e.lines,
    '',
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
    '}  // namespace hl7v2::defs',
    '#endif',
    '// clang-format on',
    '',
  ];
  return out.join('\n');
}
