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
  }

  guarded(name, body) {
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
        body.push(`  {${cxxString(c.name)}, ${cxxString(c.key)}, &${c.typeName}, optionality::${c.opt}, ${c.len}, ${c.table}},`);
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
      `  {${f.position}, ${cxxString(f.name)}, ${cxxString(f.key)}, &${this.type(f.typeFrom, f.type)}, optionality::${f.opt}, ${f.repeats}, ${f.len}, ${f.table}},`);
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
        if (n.kind === 'segment') return `  {node_kind::segment, ${cxxString(n.id)}, ${n.min}, ${n.max}},`;
        if (!n.children.length) throw new Error(`${m.id}: ${n.kind} ${n.id} has no children`);
        const childArray = nodes(n.children);
        return `  {node_kind::${n.kind}, ${cxxString(n.id)}, ${n.min}, ${n.max}, ${childArray}, ${n.children.length}},`;
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
