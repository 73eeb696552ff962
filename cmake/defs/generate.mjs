// Generates include/hl7v2/defs/v2_*.hpp from the HL7 v2 dictionary packages pinned in
// package-lock.json, plus the reviewed fixes in overrides.json.
//
//   node generate.mjs [--out DIR]      (default DIR: ../../include/hl7v2/defs)
//
// Sources (see README.md for why):
//   hl7v2-dictionary  segments, fields, data types for 2.1 .. 2.8
//   hl7-dictionary    message structures (ordered arrays keep repeated segments) and HL7 tables
//
// Output is deterministic: every map is walked in sorted order and nothing depends on time or
// on the machine.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const VERSIONS = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'];

// ---------------------------------------------------------------------------------------------
// JSON key rule (documented in README.md; include/hl7v2/defs/keys.hpp implements the same rule)
// ---------------------------------------------------------------------------------------------
export const LEADING_DIGIT_PREFIX = 'n_';

/** Description → JSON key: lower snake_case ASCII; apostrophes dropped; every run of other
 *  characters that are not ASCII letters or digits becomes one '_'; trimmed of '_'; a key that
 *  would start with a digit gets the prefix "n_"; an empty result gives `fallback`. */
export function jsonKey(description, fallback = '') {
  let out = '';
  let pendingSep = false;
  for (const ch of description) {
    if (ch === "'" || ch === '\u2019') continue;
    const lower = ch.toLowerCase();
    if (/^[a-z0-9]$/.test(lower) && ch.charCodeAt(0) < 128) {
      if (pendingSep && out.length > 0) out += '_';
      pendingSep = false;
      out += lower;
    } else {
      pendingSep = true;
    }
  }
  if (out === '') return fallback;
  if (/^[0-9]/.test(out)) out = LEADING_DIGIT_PREFIX + out;
  return out;
}

/** Keys inside one segment or type must be unique: the first field (lowest position) keeps the
 *  plain key, every later field with the same key gets "_<position>" appended (again, in the
 *  unlikely case that is taken too). Keys set in overrides.json are never renamed. */
export function uniqueKeys(items) {
  const seen = new Set(items.filter((it) => it.fixedKey).map((it) => it.key));
  for (const it of items) {
    if (it.fixedKey) continue;
    while (seen.has(it.key)) it.key = `${it.key}_${it.position}`;
    seen.add(it.key);
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Reading the sources into one normalized model per version
// ---------------------------------------------------------------------------------------------
const OPTIONALITY = { R: 'required', O: 'optional', C: 'conditional', X: 'not_used', B: 'backward' };

function normField(position, f) {
  return {
    position,
    name: (f.desc ?? '').trim(),
    type: f.type,
    opt: OPTIONALITY[f.opt] ?? 'unspecified',
    repeats: f.rep === 'infinite' ? 0 : (f.rep ?? 1),
    len: f.len ?? 0,
    table: f.table ?? 0,
  };
}

function byPosition(fields) {
  return Object.keys(fields ?? {})
    .map(Number)
    .sort((a, b) => a - b)
    .map((p) => normField(p, fields[String(p)]));
}

function normStructureNodes(nodes) {
  return nodes.map((n) =>
    n.children
      ? { group: true, id: n.name, min: n.min ?? 0, max: n.max ?? 0, children: normStructureNodes(n.children) }
      : { group: false, id: n.name, min: n.min ?? 0, max: n.max ?? 0 });
}

function loadSources() {
  const require = createRequire(join(here, 'package.json'));
  const pkgVersion = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  return import(pathToFileURL(require.resolve('hl7v2-dictionary')).href).then((a) => ({
    segmentsAndTypes: a.dictionaries,
    older: require('hl7-dictionary'),
    provenance: `hl7v2-dictionary ${pkgVersion('hl7v2-dictionary')}, hl7-dictionary ${pkgVersion('hl7-dictionary')}`,
  }));
}

// hl7v2-dictionary stores message structures as objects keyed by segment id, which loses a
// segment that occurs twice in one group; hl7-dictionary keeps ordered arrays. Its newest
// version is 2.7.1, and hl7v2-dictionary's 2.8 messages are a copy of its own 2.7.1, so 2.8
// takes hl7-dictionary's 2.7.1 structures (same content, without the loss).
const STRUCTURE_SOURCE_VERSION = { '2.8': '2.7.1' };

function buildModel(src, version, overrides) {
  const dict = src.segmentsAndTypes[version];
  const segments = {};
  for (const id of Object.keys(dict.segments).sort()) {
    segments[id] = { id, name: (dict.segments[id].desc ?? '').trim(), fields: byPosition(dict.segments[id].fields) };
  }
  const allTypes = {};
  for (const id of Object.keys(dict.types).sort()) {
    allTypes[id] = { id, name: (dict.types[id].desc ?? '').trim(), components: byPosition(dict.types[id].fields) };
  }
  applyOverrides(version, segments, allTypes, overrides);

  // The dictionary's type list for a version is cumulative (2.5.1 still lists v2.2's CM_*
  // types); keep only the types this version's segments reach.
  const types = {};
  const reach = (id) => {
    if (types[id]) return;
    const t = allTypes[id];
    if (!t) throw new Error(`${version}: data type ${id} is used but not defined`);
    types[id] = t;
    t.components.forEach((c) => reach(c.type));
  };
  Object.values(segments).forEach((s) => s.fields.forEach((f) => reach(f.type)));

  for (const s of Object.values(segments)) uniqueKeysFor(s.fields);
  for (const t of Object.values(types)) uniqueKeysFor(t.components);

  const msgs = src.older.definitions[STRUCTURE_SOURCE_VERSION[version] ?? version].messages;
  const structures = {};
  for (const id of Object.keys(msgs).sort()) {
    structures[id] = { id, name: (msgs[id].desc ?? '').trim(), children: normStructureNodes(msgs[id].segments.segments) };
  }
  const forced = {};
  for (const [i, o] of (overrides.events ?? []).entries()) {
    if (!o.note) throw new Error(`overrides.json events[${i}]: a note citing the standard is required`);
    if (o.versions.includes(version)) Object.assign(forced, o.map);
  }
  const events = mapEventsToStructures(structures, src.older.tables['354'], forced);

  const tableNumbers = new Set();
  const noteTable = (x) => { if (x.table) tableNumbers.add(x.table); };
  Object.values(segments).forEach((s) => s.fields.forEach(noteTable));
  Object.values(types).forEach((t) => t.components.forEach(noteTable));
  const tables = [...tableNumbers]
    .filter((n) => src.older.tables[String(n)])
    .sort((a, b) => a - b)
    .map((n) => {
      const t = src.older.tables[String(n)];
      const values = Object.keys(t.values).sort(byCodeUnits).map((code) => ({ code, name: String(t.values[code]).trim() }));
      return { number: n, name: (t.desc ?? '').trim(), values };
    });

  return { version, segments, types: sortedObject(types), structures, events, tables };
}

function sortedObject(o) {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

// Ordinal comparison (what std::string_view::compare does), not locale order.
function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uniqueKeysFor(items) {
  for (const it of items) {
    if (it.key === undefined) it.key = jsonKey(it.name, `${'field'}_${it.position}`);
  }
  uniqueKeys(items);
}

// The dictionaries list one message per trigger event ("ADT_A04"), each a copy of its
// structure. HL7 table 0354 says which events share a structure ("ADT_A01": "A01, A04, A08,
// A13"). An event maps to that shared structure only when the dictionary's copy is identical to
// it (so the data, not the table, has the last word); otherwise it stays its own structure.
// `forced` (from overrides.json) maps events whose copy differs from the shared structure only
// by a known dictionary error.
function mapEventsToStructures(structures, table354, forced) {
  const shape = (s) => JSON.stringify(s.children);
  const events = {};
  const sharedBy = {};
  for (const [structId, list] of Object.entries(table354?.values ?? {})) {
    const [msgType] = structId.split('_');
    for (const trig of String(list).split(/[\s,]+/).filter((x) => /^[A-Z0-9]+$/.test(x))) {
      (sharedBy[`${msgType}_${trig}`] ??= []).push(structId);
    }
  }
  for (const id of Object.keys(structures).sort()) {
    if (forced[id]) {
      if (!structures[forced[id]]) throw new Error(`overrides.json events: ${forced[id]} does not exist`);
      events[id] = forced[id];
      continue;
    }
    const target = (sharedBy[id] ?? []).sort().find((s) => s !== id && structures[s] && shape(structures[s]) === shape(structures[id]));
    events[id] = target ?? id;
  }
  for (const [ev, target] of Object.entries(events)) if (target !== ev) delete structures[ev];
  // A structure that another event was mapped to must still exist.
  for (const target of Object.values(events)) if (!structures[target]) throw new Error(`structure ${target} lost`);
  return events;
}

// ---------------------------------------------------------------------------------------------
// overrides.json: reviewed fixes of the dictionary data
// ---------------------------------------------------------------------------------------------
const OVERRIDABLE = { name: 'name', key: 'key', type: 'type', opt: 'opt', repeats: 'repeats', len: 'len', table: 'table' };

function applyOverrides(version, segments, types, overrides) {
  for (const [i, o] of overrides.fields.entries()) {
    if (!o.versions.includes(version)) continue;
    const where = `overrides.json fields[${i}]`;
    if (!o.note) throw new Error(`${where}: a note citing the standard is required`);
    const owner = o.segment ? segments[o.segment] : types[o.type_id];
    if (!owner) throw new Error(`${where}: ${o.segment ?? o.type_id} not in ${version}`);
    const list = o.segment ? owner.fields : owner.components;
    const item = list.find((f) => f.position === o.position);
    if (!item) throw new Error(`${where}: position ${o.position} not in ${version}`);
    for (const [k, v] of Object.entries(o.set)) {
      if (!(k in OVERRIDABLE)) throw new Error(`${where}: cannot set ${k}`);
      item[OVERRIDABLE[k]] = v;
      if (k === 'key') item.fixedKey = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C++ emission
// ---------------------------------------------------------------------------------------------
// Every segment, data type, structure and table is emitted as its own inline constexpr variable
// named by its content hash and wrapped in an include guard of the same name. A definition that
// is identical in several versions (XPN in 2.5 and 2.5.1, all of 2.7.1 in 2.8) is therefore one
// object when several version headers are included, yet each version header stays complete on
// its own: including only v2_5_1.hpp parses and links only what v2_5_1 reaches.
function hashOf(value) {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);
}

function cxxString(s) {
  let body = '';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"' || ch === '\\') body += '\\' + ch;
    else if (c >= 0x20 && c < 0x7f) body += ch;
    else {
      for (const b of Buffer.from(ch, 'utf8')) body += '\\' + b.toString(8).padStart(3, '0');
    }
  }
  return `str("${body}", ${Buffer.byteLength(s, 'utf8')})`;
}

function cxxIdent(s) {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

class Emitter {
  constructor() {
    this.lines = [];
    this.typeNames = {};
  }

  guarded(name, body) {
    const guard = `HL7V2_DEFS_${name.toUpperCase()}`;
    this.lines.push(`#ifndef ${guard}`, `#define ${guard}`, ...body, '#endif');
  }

  // Types are emitted after the types their components use, so every pointer refers back.
  type(t, types) {
    if (this.typeNames[t.id]) return this.typeNames[t.id];
    this.typeNames[t.id] = 'pending';
    const comps = t.components.map((c) => {
      const sub = types[c.type];
      const subName = this.type(sub, types);
      return { ...c, typeName: subName };
    });
    const content = { id: t.id, name: t.name, comps: comps.map((c) => [c.name, c.key, c.typeName, c.opt, c.len, c.table]) };
    const name = `t_${cxxIdent(t.id)}_${hashOf(content)}`;
    const body = [];
    if (comps.length) {
      body.push(`inline constexpr component_def ${name}_c[] = {`);
      for (const c of comps) {
        body.push(`  {${cxxString(c.name)}, ${cxxString(c.key)}, &${c.typeName}, optionality::${c.opt}, ${c.len}, ${c.table}},`);
      }
      body.push('};');
      body.push(`inline constexpr type_def ${name}{${cxxString(t.id)}, ${cxxString(t.name)}, ${name}_c, ${comps.length}};`);
    } else {
      body.push(`inline constexpr type_def ${name}{${cxxString(t.id)}, ${cxxString(t.name)}, nullptr, 0};`);
    }
    this.guarded(name, body);
    this.typeNames[t.id] = name;
    return name;
  }

  segment(s) {
    const rows = s.fields.map((f) =>
      `  {${f.position}, ${cxxString(f.name)}, ${cxxString(f.key)}, &${this.typeNames[f.type]}, optionality::${f.opt}, ${f.repeats}, ${f.len}, ${f.table}},`);
    const name = `s_${cxxIdent(s.id)}_${hashOf([s.id, s.name, rows])}`;
    const body = [];
    if (rows.length) body.push(`inline constexpr field_def ${name}_f[] = {`, ...rows, '};');
    body.push(`inline constexpr segment_def ${name}{${cxxString(s.id)}, ${cxxString(s.name)}, ${rows.length ? `${name}_f` : 'nullptr'}, ${rows.length}};`);
    this.guarded(name, body);
    return name;
  }

  structure(m) {
    const name = `m_${cxxIdent(m.id)}_${hashOf([m.id, m.name, m.children])}`;
    const body = [];
    let groupNo = 0;
    // Children arrays are written before the array that points at them.
    const nodes = (children) => {
      const rows = children.map((n) => {
        if (!n.group) return `  {node_kind::segment, ${cxxString(n.id)}, ${n.min}, ${n.max}},`;
        const childArray = nodes(n.children);
        return `  {node_kind::group, ${cxxString(n.id)}, ${n.min}, ${n.max}, ${childArray}, ${n.children.length}},`;
      });
      const arrayName = `${name}_n${groupNo++}`;
      body.push(`inline constexpr structure_node ${arrayName}[] = {`, ...rows, '};');
      return arrayName;
    };
    const root = nodes(m.children);
    body.push(`inline constexpr structure_def ${name}{${cxxString(m.id)}, ${cxxString(m.name)}, ${root}, ${m.children.length}};`);
    this.guarded(name, body);
    return name;
  }

  table(t) {
    const rows = t.values.map((v) => `  {${cxxString(v.code)}, ${cxxString(v.name)}},`);
    const name = `tb_${t.number}_${hashOf([t.number, t.name, rows])}`;
    const body = [];
    if (rows.length) body.push(`inline constexpr table_value ${name}_v[] = {`, ...rows, '};');
    body.push(`inline constexpr table_def ${name}{${t.number}, ${cxxString(t.name)}, ${rows.length ? `${name}_v` : 'nullptr'}, ${rows.length}};`);
    this.guarded(name, body);
    return name;
  }
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

function emitVersion(model, provenance) {
  const e = new Emitter();
  const v = versionIdent(model.version);
  for (const t of Object.values(model.types)) e.type(t, model.types);
  const segNames = Object.values(model.segments).map((s) => [s.id, e.segment(s)]);
  const structNames = Object.keys(model.structures).sort().map((id) => [id, e.structure(model.structures[id])]);
  const tableNames = model.tables.map((t) => e.table(t));

  const structIndex = Object.fromEntries(structNames);
  const segEntries = segNames
    .map(([id, n]) => [segmentKey(id), n])
    .sort((a, b) => a[0] - b[0]);
  const typeEntries = Object.keys(model.types).sort(byCodeUnits).map((id) => `&${e.typeNames[id]}`);
  const eventEntries = Object.keys(model.events).sort(byCodeUnits)
    .map((ev) => `  {${cxxString(ev)}, &${structIndex[model.events[ev]]}},`);

  const out = [
    `// Generated by cmake/defs/generate.mjs from ${provenance} and cmake/defs/overrides.json.`,
    '// Do not edit: regenerate with `./dev regen-defs`.',
    `// HL7 v${model.version}: ${segNames.length} segments, ${typeEntries.length} data types, ${structNames.length} message structures, ${model.tables.length} tables.`,
    '#pragma once',
    '',
    '#include "hl7v2/defs/types.hpp"',
    '',
    '// clang-format off',
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
    `inline constexpr version_def ${v}{`,
    `  detail::${cxxString(model.version)},`,
    `  {detail::${v}_segments, ${segEntries.length}},`,
    `  {detail::${v}_types, ${typeEntries.length}},`,
    `  {detail::${v}_structures, ${structNames.length}},`,
    `  {detail::${v}_events, ${eventEntries.length}},`,
    `  {detail::${v}_tables, ${tableNames.length}},`,
    '};',
    '}  // namespace hl7v2::defs',
    '// clang-format on',
    '',
  ];
  return out.join('\n');
}

function parseArgs(argv) {
  const args = { out: resolve(here, '../../include/hl7v2/defs') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const overrides = JSON.parse(readFileSync(join(here, 'overrides.json'), 'utf8'));
  const src = await loadSources();
  mkdirSync(args.out, { recursive: true });
  for (const version of VERSIONS) {
    const model = buildModel(src, version, overrides);
    const file = join(args.out, `${versionIdent(version)}.hpp`);
    writeFileSync(file, emitVersion(model, src.provenance));
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`generate.mjs: ${err.message}`);
    process.exit(1);
  });
}
