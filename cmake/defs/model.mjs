// The sources, read into one normalized shape per source and version, so that reconcile.mjs can
// compare them fact by fact. Nothing here decides between sources.
//
//   npm     hl7v2-dictionary (segments, fields, data types) + hl7-dictionary (message structures,
//           HL7 tables, and the per-event copies that give trigger event → structure), pinned in
//           package-lock.json and read from node_modules
//   hl7apy  sources/hl7apy.json, extracted by extract/hl7apy.py from crs4/hl7apy (MIT)
//   nhapi   sources/nhapi.json, extracted by extract/nhapi.py from nHapiNET/nHapi (MPL-2.0)
//
// Normalized shape (a member that is null means "this source says nothing about it"):
//   segments[id]   = {id, name, fields: [element]}
//   types[id]      = {id, name, components: [element]}      (composite types; primitives absent)
//   element        = {pos, name, type, req, opt, max, len, table, withdrawn}
//                    req: boolean; opt: 'R'|'O'|'C'|'X'|'B'|'W'; max: 0 = unbounded, n = at most n
//   structures[id] = {id, name, nodes: [node]}
//   node           = {kind: 'segment'|'group'|'choice', id, min, max (0 = unbounded), children?}
//                    (a choice's id is '', its children the alternatives)
//   events[ev]     = structure id, or null when the source has no event table
//   tables[n]      = {number, name, values: {code: description|null}}, or null
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const VERSIONS = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'];
export const SOURCES = ['npm', 'hl7apy', 'nhapi'];

/** Ordinal comparison (what std::string_view::compare does), not locale order. */
export function byCodeUnits(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function versionIndex(v) {
  const i = VERSIONS.indexOf(v);
  if (i < 0) throw new Error(`unknown version ${v}`);
  return i;
}

// The sources spell a few type ids differently; these are the same type.
const TYPE_ALIASES = { Varies: 'VARIES', varies: 'VARIES' };
// nHapi's TS.1 class is a helper, not an HL7 type id: no type fact.
const NO_TYPE = new Set(['TSComponentOne']);

function typeId(t) {
  if (t === null || t === undefined || NO_TYPE.has(t)) return null;
  return TYPE_ALIASES[t] ?? t;
}

function element(e) {
  return {
    pos: e.pos,
    name: e.name ?? null,
    type: typeId(e.type),
    req: e.req ?? null,
    opt: e.opt ?? null,
    max: e.max ?? null,
    len: e.len ?? null,
    table: e.table ?? null,
    withdrawn: e.withdrawn ?? null,
  };
}

function positionsChecked(where, list) {
  list.sort((a, b) => a.pos - b.pos);
  for (let i = 1; i < list.length; i++) {
    if (list[i].pos === list[i - 1].pos) throw new Error(`${where}: position ${list[i].pos} twice`);
  }
  return list;
}

// HL7 writes "Hxx" for "any HL7 segment" in a message structure; the sources spell it
// ANYHL7SEGMENT (hl7apy), GenericSegment (npm and nHapi in 2.3) or Hxx. "Zxx" (any Z segment)
// is kept as it is.
export const ANY_SEGMENT = 'Hxx';
const SEGMENT_ALIASES = { ANYHL7SEGMENT: ANY_SEGMENT, GenericSegment: ANY_SEGMENT };

/** Node shapes shared by every source: segment ids normalized, group names upper case, and a
 *  "choice" of a single alternative (hl7apy 2.5.1 drops the Hxx of <OBR | Hxx>) is that
 *  alternative. */
function node(kind, id, min, max, children) {
  if (kind === 'segment') return { kind, id: id === null ? null : SEGMENT_ALIASES[id] ?? id, min, max };
  if (kind !== 'segment' && children.length === 0) return null; // hl7apy's empty QBP group (2.4 QBP_Q13)
  if (kind === 'choice' && children.length === 1) {
    const only = children[0];
    return only.min === 1 && only.max === 1 ? { ...only, min, max } : only;
  }
  return { kind, id: kind === 'group' ? id.toUpperCase() : '', min, max, children };
}

// ---------------------------------------------------------------------------------------------
// npm
// ---------------------------------------------------------------------------------------------
function npmNodes(nodes) {
  return nodes.flatMap((n) => {
    let x;
    if (n.compounds) x = node('choice', '', n.min ?? 0, n.max ?? 0, npmNodes(n.compounds));
    else if (n.children) x = node('group', n.name, n.min ?? 0, n.max ?? 0, npmNodes(n.children));
    else x = node('segment', n.name, n.min ?? 0, n.max ?? 0);
    return x ? [x] : [];
  });
}

// The dictionaries hold one message per trigger event ("ADT_A04"), each a copy of its structure.
// HL7 table 0354 says which events share a structure ("ADT_A01": "A01, A04, A08, A13"). An event
// maps to that shared structure only when the dictionary's copy is identical to it (so the data,
// not the table, has the last word); otherwise the event is a structure of its own.
function npmEvents(messages, table354) {
  const shape = (s) => JSON.stringify(s.nodes);
  const sharedBy = {};
  for (const [structId, list] of Object.entries(table354?.values ?? {})) {
    const [msgType] = structId.split('_');
    for (const trig of String(list).split(/[\s,]+/).filter((x) => /^[A-Z0-9]+$/.test(x))) {
      (sharedBy[`${msgType}_${trig}`] ??= []).push(structId);
    }
  }
  const events = {};
  for (const id of Object.keys(messages).sort(byCodeUnits)) {
    const target = (sharedBy[id] ?? [])
      .sort(byCodeUnits)
      .find((s) => s !== id && messages[s] && shape(messages[s]) === shape(messages[id]));
    events[id] = target ?? id;
  }
  const structures = {};
  for (const [ev, target] of Object.entries(events)) if (target === ev) structures[ev] = messages[ev];
  return { events, structures };
}

const NPM_OPT = { R: 'R', O: 'O', C: 'C', X: 'X', B: 'B', W: 'W' };

export async function loadNpm() {
  const require = createRequire(join(here, 'package.json'));
  const pkgVersion = (name) => JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  const dict = (await import(pathToFileURL(require.resolve('hl7v2-dictionary')).href)).dictionaries;
  const older = require('hl7-dictionary');
  const tables = {};
  for (const [n, t] of Object.entries(older.tables)) {
    const values = {};
    for (const [code, desc] of Object.entries(t.values ?? {})) values[code] = String(desc).trim();
    tables[n] = { number: Number(n), name: (t.desc ?? '').trim(), values };
  }
  const el = (pos, f) =>
    element({
      pos,
      name: (f.desc ?? '').trim(),
      type: f.type,
      opt: NPM_OPT[f.opt] ?? null,
      req: f.opt ? f.opt === 'R' : null,
      max: f.rep === 'infinite' ? 0 : (f.rep ?? 1),
      len: f.len ?? null,
      table: f.table ?? 0,
    });
  const byPos = (where, fields) =>
    positionsChecked(where, Object.keys(fields ?? {}).map((p) => el(Number(p), fields[p])));
  const versions = {};
  for (const v of VERSIONS) {
    // hl7v2-dictionary's 2.8 is byte for byte its 2.7.1 (and that its 2.7), and hl7-dictionary
    // stops at 2.7.1: npm has no 2.8 of its own.
    if (v === '2.8') continue;
    const d = dict[v];
    const segments = {};
    for (const id of Object.keys(d.segments)) {
      segments[id] = { id, name: (d.segments[id].desc ?? '').trim(), fields: byPos(`npm ${v} ${id}`, d.segments[id].fields) };
    }
    const types = {};
    for (const id of Object.keys(d.types)) {
      const comps = byPos(`npm ${v} ${id}`, d.types[id].fields);
      types[id] = { id, name: (d.types[id].desc ?? '').trim(), components: comps };
    }
    const messages = {};
    for (const [id, m] of Object.entries(older.definitions[v].messages)) {
      messages[id] = { id, name: (m.desc ?? '').trim(), nodes: npmNodes(m.segments.segments) };
    }
    const { events, structures } = npmEvents(messages, older.tables['354']);
    // hl7-dictionary's tables are one unversioned set: no per-version facts.
    versions[v] = { segments, types, structures, events, tables: null, unversionedTables: tables };
  }
  return {
    name: 'npm',
    provenance: `hl7v2-dictionary ${pkgVersion('hl7v2-dictionary')}, hl7-dictionary ${pkgVersion('hl7-dictionary')}`,
    versions,
  };
}

// ---------------------------------------------------------------------------------------------
// Facts files
// ---------------------------------------------------------------------------------------------
function readFacts(file) {
  return JSON.parse(readFileSync(join(here, 'sources', file), 'utf8'));
}

function stripPrefix(structId, name) {
  const prefix = `${structId}_`.toUpperCase();
  return name.toUpperCase().startsWith(prefix) ? name.slice(prefix.length) : name;
}

function factsNodes(structId, nodes, unbounded) {
  return nodes.flatMap((n) => {
    const max = n.max === unbounded ? 0 : n.max;
    let x;
    if (n.seg !== undefined) x = node('segment', NHAPI_SEGMENT_CLASSES[n.seg] ?? n.seg, n.min, max);
    else if (n.choice !== undefined) x = node('choice', '', n.min, max, factsNodes(structId, n.ch, unbounded));
    else x = node('group', stripPrefix(structId, n.grp), n.min, max, factsNodes(structId, n.ch, unbounded));
    return x ? [x] : [];
  });
}

export function loadHl7apy() {
  const facts = readFacts('hl7apy.json');
  const versions = {};
  for (const [v, d] of Object.entries(facts.versions)) {
    const el = (where, f) => {
      const withdrawn = f.type === 'WD';
      return element({
        pos: f.pos,
        name: f.name,
        type: withdrawn ? null : f.type,
        req: f.min >= 1,
        max: withdrawn ? null : f.max === -1 ? 0 : f.max,
        len: f.len ?? null,
        table: f.table,
        withdrawn,
      });
    };
    const segments = {};
    for (const [id, s] of Object.entries(d.segments)) {
      if (!s.fields.length) continue; // 2.7's QRD, QRF: listed without fields
      segments[id] = { id, name: null, fields: positionsChecked(`hl7apy ${v} ${id}`, s.fields.map((f) => el(id, f))) };
    }
    const types = {};
    for (const [id, t] of Object.entries(d.types)) {
      types[id] = { id, name: null, components: positionsChecked(`hl7apy ${v} ${id}`, t.components.map((c) => el(id, c))) };
    }
    const structures = {};
    for (const [id, nodes] of Object.entries(d.structures)) {
      structures[id] = { id, name: null, nodes: factsNodes(id, nodes, -1) };
    }
    const tables = {};
    for (const [n, t] of Object.entries(d.tables)) {
      tables[n] = { number: Number(n), name: t.name, values: Object.fromEntries(t.codes.map((c) => [c, null])) };
    }
    versions[v] = { segments, types, structures, events: null, tables: Object.keys(tables).length ? tables : null };
  }
  return { name: 'hl7apy', provenance: provenanceText(facts.provenance), versions };
}

const NHAPI_SEGMENT_CLASSES = { CON1: 'CON' };

export function loadNhapi() {
  const facts = readFacts('nhapi.json');
  const versions = {};
  for (const [v, d] of Object.entries(facts.versions)) {
    const segments = {};
    for (const [file, s] of Object.entries(d.segments)) {
      // nHapi names the CON segment's class CON1 (CON is a reserved file name on Windows).
      const id = NHAPI_SEGMENT_CLASSES[file] ?? file;
      const fields = s.fields.map((f) =>
        element({
          pos: f.pos,
          name: f.name,
          type: f.type,
          req: f.required,
          max: f.reps,
          len: f.len > 0 ? f.len : null,
          // nHapi passes a table number only to ID and IS fields, 0 when it has none.
          table: f.table > 0 ? f.table : null,
        }));
      if (fields.length) segments[id] = { id, name: s.name || null, fields: positionsChecked(`nhapi ${v} ${id}`, fields) };
    }
    const types = {};
    for (const [id, t] of Object.entries(d.types)) {
      if (!t.components.length) continue;
      const comps = t.components.map((c) =>
        element({ pos: c.pos, name: c.name, type: c.type, table: c.table > 0 ? c.table : null }));
      types[id] = { id, name: t.name || null, components: positionsChecked(`nhapi ${v} ${id}`, comps) };
    }
    const structures = {};
    for (const [id, nodes] of Object.entries(d.structures)) {
      structures[id] = { id, name: null, nodes: factsNodes(id, nodes, 0) };
    }
    // nHapi maps events HL7 withdrew to "NUL": no structure.
    const events = Object.fromEntries(Object.entries(d.events).filter(([, t]) => t !== 'NUL'));
    versions[v] = { segments, types, structures, events, tables: null };
  }
  return { name: 'nhapi', provenance: provenanceText(facts.provenance), versions };
}

function provenanceText(p) {
  return `${p.repository.replace('https://github.com/', '')}@${p.commit.slice(0, 12)} (${p.licence})`;
}

export async function loadSources() {
  return { npm: await loadNpm(), hl7apy: loadHl7apy(), nhapi: loadNhapi() };
}
