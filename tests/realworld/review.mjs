#!/usr/bin/env node
// Reviews the validation errors of the real-world set from the facts, not from our definitions.
//
//   HL7V2_REALWORLD_DUMP=/tmp/found.tsv build/dev/tests/realworld/test_realworld
//   node tests/realworld/review.mjs /tmp/found.tsv            # prints each judgment, writes nothing
//   node tests/realworld/review.mjs /tmp/found.tsv --write    # rewrites validation_expected.tsv
//   node tests/realworld/review.mjs --check                    # the list is what the rules say (ctest)
//
// Every error validation reports is judged again against the message and the sources' own facts
// (cmake/defs/sources/hl7apy.json, nhapi.json, and the npm dictionaries in cmake/defs/node_modules),
// read here independently of the generator and of the C++ headers. The message is read by a small ER7
// reader of its own (no escapes needed: only emptiness, counts and primitive texts are looked at). The
// rule that decided an entry is named at the start of its reason:
//
//   [field-R]       required_missing of a field: the field is empty in the message (absent, or present with
//                   no text; "" is present) and every source that defines it in the version says required
//                   (hl7apy + nHapi; 2.7.1: nHapi + npm, hl7apy having no 2.7.1). All say optional: false.
//   [component-R]   required_missing of a component / subcomponent: the field and its repetition hold data,
//                   that component is empty, and the version's data type marks it required in every source
//                   that gives component optionality there (npm from 2.5, hl7apy from 2.6; nHapi never
//                   does, and a source giving every component the same optionality says nothing). HL7's
//                   rule: a data type's R component must be valued when the field is (v2.5 ch. 2.A). HAPI
//                   does not check component optionality at all: a stricter receiver than HAPI, on purpose.
//   [msh-9.3]       the component-R rule on MSH-9.3 (MSG.3: R from 2.6 per hl7apy, 2.7 per npm). Validation
//                   reports it as an error only when MSH-9.1/9.2 give no structure either (otherwise it is a
//                   warning, not listed here).
//   [repetitions]   too_many_repetitions: the field really has more repetitions than every source allows
//                   (hl7apy max, nHapi reps; 2.7.1: nHapi + npm). Any source allows them all: false.
//   [format]        bad_number / bad_date / bad_time / bad_datetime / bad_sequence_id: the text breaks the
//                   standard's grammar (v2.5 ch. 2.A, re-implemented below: NM [+|-]digits[.digits], DT
//                   YYYY[MM[DD]], TM HH[MM[SS[.S{1,4}]]][+/-ZZZZ], DTM YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+/-ZZZZ],
//                   calendar-valid; no blanks).
//   [structure]     missing_segment / unexpected_segment / out_of_order / too_many_segments: the fewest
//                   findings that make the message's segment sequence fit hl7apy's and nHapi's structure for
//                   the version, computed exactly on an automaton built from each tree (a required node left
//                   out costs 1, a segment with no place costs 1; Z-segments left out, as validation leaves
//                   them). Fits a source (0): false. Needs as many findings in every source as validation
//                   reports for the message: genuine. Otherwise: judged by hand. nHapi writes a choice as a
//                   run of required segments: read back as hl7apy's choice, or no opinion.
//   [frame]         no_message_header / bad_segment_id / unknown_version: the frame really starts without
//                   MSH, a line really starts with no segment id, MSH-12 really names no version.
//   [..., split]    the sources split on the fact: decided once in SPLIT_FACTS, with the reason.
//   [fixed: ...]    an error validation no longer reports since the fix named (verdict false; FIXES).
// Messages with an empty MSH-12 are judged in the default version (2.5.1), as validation reads them.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const defs = join(here, '..', '..', 'cmake', 'defs');
const VERSIONS = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'];
const DEFAULT_VERSION = '2.5.1';

// ---------------------------------------------------------------- sources
const hl7apy = JSON.parse(readFileSync(join(defs, 'sources', 'hl7apy.json'), 'utf8')).versions;
const nhapi = JSON.parse(readFileSync(join(defs, 'sources', 'nhapi.json'), 'utf8')).versions;
const require = createRequire(join(defs, 'package.json'));
let dictionary;
try {
  dictionary = require.resolve('hl7v2-dictionary');
} catch {
  console.log('SKIPPED: cmake/defs/node_modules is missing (cd cmake/defs && npm ci)');
  process.exit(0);
}
const npm = (await import(pathToFileURL(dictionary).href)).dictionaries;
const npmStructures = require('hl7-dictionary');

// One field or component as a source says it: required (true/false/null = no opinion), max repetitions
// (0 = unbounded), type.
const fromApy = (f) => ({ req: f.min >= 1, max: f.max < 0 ? 0 : f.max, type: f.type });
const fromNhapi = (f) => ({ req: f.required, max: f.reps, type: f.type });
const fromNpm = (f) => ({
  req: f.opt ? f.opt === 'R' : null,
  max: f.rep === 'infinite' ? 0 : (f.rep ?? 1),
  type: f.type,
});

// Which sources speak for a version: hl7apy has no 2.7.1; npm's 2.8 is its 2.7.1 (no opinion).
function sourcesFor(v) {
  const s = [];
  if (hl7apy[v]) s.push('hl7apy');
  if (nhapi[v]) s.push('nhapi');
  if (v === '2.7.1') s.push('npm');
  return s;
}

function segmentFields(source, v, id) {
  if (source === 'hl7apy') {
    const seg = hl7apy[v]?.segments?.[id];
    return seg ? Object.fromEntries(seg.fields.map((f) => [f.pos, fromApy(f)])) : null;
  }
  if (source === 'nhapi') {
    const seg = nhapi[v]?.segments?.[id];
    return seg && seg.fields.length ? Object.fromEntries(seg.fields.map((f) => [f.pos, fromNhapi(f)])) : null;
  }
  const seg = npm[v]?.segments?.[id];
  return seg ? Object.fromEntries(Object.entries(seg.fields ?? {}).map(([p, f]) => [p, fromNpm(f)])) : null;
}

// The version whose definition of a segment applies: the message's, else the nearest later one that
// has it (as validation does for a segment the version leaves out).
function segmentVersion(v, id) {
  for (const w of VERSIONS.slice(VERSIONS.indexOf(v))) {
    if (sourcesFor(w).some((s) => segmentFields(s, w, id))) return w;
  }
  return null;
}

function fieldFacts(v, id, pos) {
  const w = segmentVersion(v, id);
  const out = {};
  if (!w) return { version: null, facts: out };
  for (const s of sourcesFor(w)) {
    const fields = segmentFields(s, w, id);
    if (fields && fields[pos]) out[s] = fields[pos];
  }
  return { version: w, facts: out };
}

// Component optionality a source really gives in a version: null when it gives every component of
// every type the same value there (its default, not data).
const componentOpinion = {};
function typeComponents(source, v, type) {
  if (source === 'hl7apy') {
    const t = hl7apy[v]?.types?.[type];
    return t ? Object.fromEntries(t.components.map((c) => [c.pos, fromApy(c)])) : null;
  }
  if (source === 'npm') {
    const t = npm[v]?.types?.[type];
    return t?.fields ? Object.fromEntries(Object.entries(t.fields).map(([p, c]) => [p, fromNpm(c)])) : null;
  }
  const t = nhapi[v]?.types?.[type];
  return t ? Object.fromEntries(t.components.map((c) => [c.pos, { req: null, max: 1, type: c.type }])) : null;
}
function givesComponentOptionality(source, v) {
  const key = `${source} ${v}`;
  if (key in componentOpinion) return componentOpinion[key];
  const values = new Set();
  const types = source === 'hl7apy' ? hl7apy[v]?.types : source === 'npm' ? npm[v]?.types : null;
  for (const id of Object.keys(types ?? {})) {
    for (const c of Object.values(typeComponents(source, v, id) ?? {})) values.add(c.req);
  }
  return (componentOpinion[key] = values.size > 1);
}
function componentSources(v) {
  const s = ['nhapi'];
  if (hl7apy[v]) s.unshift('hl7apy');
  if (npm[v] && v !== '2.8') s.push('npm');
  return s;
}

// ---------------------------------------------------------------- structures
function structureTree(source, v, id) {
  if (source === 'hl7apy') return hl7apy[v]?.structures?.[id] ?? null;
  return nhapi[v]?.structures?.[id] ?? null;
}
function structureSources(v) {
  // hl7apy has no 2.7.1: its 2.7 (and 2.8) stand in, as in the generator.
  return v === '2.7.1' ? [['hl7apy', '2.7'], ['hl7apy', '2.8'], ['nhapi', v]] : [['hl7apy', v], ['nhapi', v]];
}
function eventStructure(v, type, trigger, msh93) {
  const defined = (id) => structureSources(v).some(([s, w]) => structureTree(s, w, id));
  if (msh93 && defined(msh93)) return msh93;
  const key = `${type}_${trigger}`;
  if (nhapi[v]?.events?.[key] && defined(nhapi[v].events[key])) return nhapi[v].events[key];
  if (defined(key)) return key;
  const table = npmStructures.tables['354']?.values ?? {};
  for (const [id, events] of Object.entries(table)) {
    if (id.startsWith(`${type}_`) && String(events).split(/[ ,]+/).includes(trigger) && defined(id)) return id;
  }
  return defined(type) ? type : null;
}

// ---------------------------------------------------------------- messages
// Frames as the framer does: a message starts at MSH; batch envelope segments (FHS BHS BTS FTS) stand
// apart; lines before any MSH form a frame of their own (an error frame). Only message and error frames
// are counted, as test_realworld counts them.
function frames(text) {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/[\x0b\x1c]/g, '\r')
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '');
  const out = [];
  let cur = null;
  for (const line of lines) {
    const id = line.slice(0, 3);
    if (['FHS', 'BHS', 'BTS', 'FTS'].includes(id)) {
      cur = null;
      continue;
    }
    if (id === 'MSH' || cur === null) {
      cur = [];
      out.push(cur);
    }
    cur.push(line);
  }
  return out.map(parseMessage);
}

function parseMessage(lines) {
  const msh = lines[0].startsWith('MSH') ? lines[0] : null;
  const fs = msh ? msh[3] : '|';
  const enc = msh ? msh.slice(4).split(fs)[0] : '^~\\&';
  const d = { field: fs, comp: enc[0] ?? '^', rep: enc[1] ?? '~', sub: enc[3] ?? '&' };
  const segments = lines.map((line) => {
    const id = line.slice(0, 3);
    const parts = line.split(fs);
    // MSH-1 is the separator itself: MSH-n is parts[n-1].
    const fields = id === 'MSH' ? [null, fs, ...parts.slice(1)] : parts;
    return { id, fields };
  });
  const m = { d, segments, ok: msh !== null };
  if (msh) {
    const f = (n) => segments[0].fields[n] ?? '';
    const comps = (s) => s.split(d.rep)[0].split(d.comp);
    m.version = comps(f(12))[0].trim();
    [m.type, m.trigger, m.structure] = comps(f(9));
  }
  return m;
}

function resolveVersion(text) {
  if (text === '') return DEFAULT_VERSION;
  const parse = (s) => (/^\d+(\.\d+)+$/.test(s) ? s.split('.').map(Number) : null);
  const n = parse(text);
  if (!n) return null;
  const cmp = (a, b) => {
    for (let i = 0; i < Math.max(a.length, b.length); ++i) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  let best = null;
  for (const v of VERSIONS) if (cmp(parse(v), n) <= 0) best = v;
  return best;
}

// "OBX(3)-5(2)-1-2" → { seg: 'OBX', occ: 3, field: 5, rep: 2, comp: 1, sub: 2 }
function parsePath(p) {
  const m = /^([A-Z0-9]{2,4})(?:\((\d+)\))?(?:-(\d+)(?:\((\d+)\))?(?:-(\d+)(?:-(\d+))?)?)?$/.exec(p);
  if (!m) return null;
  return { seg: m[1], occ: Number(m[2] ?? 1), field: m[3] ? Number(m[3]) : null, rep: m[4] ? Number(m[4]) : null, comp: m[5] ? Number(m[5]) : null, sub: m[6] ? Number(m[6]) : null };
}

function segmentAt(msg, id, occ) {
  let n = 0;
  for (const s of msg.segments) if (s.id === id && ++n === occ) return s;
  return null;
}

// ---------------------------------------------------------------- primitive grammars (HL7 v2.5 ch. 2.A)
const daysIn = (y, m) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
function validDate(s) {
  if (!/^\d{4}(\d{2}(\d{2})?)?$/.test(s)) return false;
  if (s.length >= 6) {
    const mo = Number(s.slice(4, 6));
    if (mo < 1 || mo > 12) return false;
    if (s.length === 8) {
      const day = Number(s.slice(6, 8));
      if (day < 1 || day > daysIn(Number(s.slice(0, 4)), mo)) return false;
    }
  }
  return true;
}
function validOffset(z) {
  return z === undefined || (/^[+-]\d{4}$/.test(z) && Number(z.slice(1, 3)) <= 23 && Number(z.slice(3)) <= 59);
}
function validTimeBody(t) {
  const m = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?$/.exec(t);
  return !!m && Number(m[1]) <= 23 && (m[2] === undefined || Number(m[2]) <= 59) && (m[3] === undefined || Number(m[3]) <= 59);
}
const grammars = {
  bad_number: (s) => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s),
  bad_sequence_id: (s) => /^\d+$/.test(s),
  bad_date: validDate,
  bad_time: (s) => {
    const m = /^([^+-]*)([+-].*)?$/.exec(s);
    return validTimeBody(m[1]) && validOffset(m[2]);
  },
  bad_datetime: (s) => {
    const m = /^(\d{4}(?:\d{2}(?:\d{2})?)?)(\d[^+-]*)?([+-].*)?$/.exec(s);
    if (!m || !validDate(m[1]) || !validOffset(m[3])) return false;
    return m[2] === undefined || (m[1].length === 8 && validTimeBody(m[2]));
  },
};

// ---------------------------------------------------------------- judgments by hand
// Facts on which the sources split, decided once (by continuity with the neighbouring versions, where
// every source agrees, and the HL7 database behind nHapi), keyed by "version element".
const SPLIT_FACTS = {
  '2.3 IN1-2': {
    req: true,
    why: 'R in 2.3 per nHapi (the HL7 database); hl7apy and npm give O in 2.3 only, every source gives R in 2.2 and 2.3.1',
  },
  '2.6 MSG.3': {
    req: true,
    why: 'R in 2.6 per hl7apy; npm gives O in 2.6 only (R in 2.7, as hl7apy in 2.6-2.8)',
  },
};

// Errors that validation reported before a fix and no longer does: each was false, for this cause.
// (An unreviewed error that disappears for no listed cause is dropped with a note: the matcher placed the
// segment differently with as few findings, a new error takes its place and is judged on its own.)
const FIXES = [
  {
    test: (e, v) => e.code === 'missing_segment' && e.path === 'OBX' && ['2.2', '2.3', '2.3.1', '2.4'].includes(v),
    why: '[fixed: empty group] ORU_R01 OBSERVATION {[OBX] {[NTE]}} is required but all its parts are optional: an order without OBX fits (hl7apy and nHapi); the matcher reported the group missing',
  },
];
const VARIES_PLACEHOLDER =
  '[fixed: varies placeholder] a "varies" field that no field of the message types (QPD-3 "user parameters (in successive fields)") is shaped by the query profile (HL7 ch. 5.5.4; IHE PDQ repeats QPD-3): the single repetition hl7apy and nHapi give is a placeholder';

// ---------------------------------------------------------------- the rules
const say = (sources) => Object.entries(sources).map(([s, f]) => `${s} ${f.req ? 'R' : 'O'}`).join(', ');
const srcNames = (list) => list.join(' and ');

function judge(e, msg) {
  if (e.code === 'no_message_header' && msg && !msg.ok)
    return { verdict: 'genuine', why: `[frame] segments with no MSH before them (after a batch header, or none at all): a message without its header` };
  if (e.code === 'bad_segment_id' && msg?.segments.some((x) => !/^[A-Z][A-Z0-9]{2}$/.test(x.id)))
    return { verdict: 'genuine', why: `[frame] a line does not start with a segment id (three upper-case letters or digits)` };
  if (!msg || !msg.ok) return null;
  const v = resolveVersion(msg.version);
  if (e.code === 'unknown_version' && !v && msg.version !== '')
    return { verdict: 'genuine', why: `[frame] MSH-12 names no HL7 v2 version (not "major.minor[.patch]")` };
  if (!v) return null;
  const vnote = msg.version === '' ? ` (MSH-12 empty: default ${v})` : '';
  if (STRUCTURE_CODES.includes(e.code)) return judgeStructure(e, msg, v, vnote, structureFindings(e));
  const p = parsePath(e.path);
  if (!p) return null;
  const seg = segmentAt(msg, p.seg, p.occ);
  if (!seg) return { verdict: 'unreviewed', why: `[review] ${p.seg}(${p.occ}) not found: framing differs` };

  if (e.code === 'required_missing') return judgeRequired(e, msg, v, vnote, p, seg);
  if (e.code === 'too_many_repetitions') {
    const raw = seg.fields[p.field] ?? '';
    const reps = raw === '' ? 0 : raw.split(msg.d.rep).length;
    const { version: w, facts } = fieldFacts(v, p.seg, p.field);
    const allowed = Object.entries(facts).map(([s, f]) => [s, f.max]);
    if (reps < p.rep) return { verdict: 'unreviewed', why: `[repetitions] only ${reps} repetitions in the message` };
    const varies = Object.values(facts).every((f) => /^(varies|\*)$/i.test(f.type));
    if (varies && Object.keys(facts).length && !(p.seg === 'OBX' && p.field === 5)) return { verdict: 'false', why: VARIES_PLACEHOLDER };
    if (allowed.length === 0) return null;
    const tooMany = allowed.filter(([, max]) => max !== 0 && reps > max);
    const desc = allowed.map(([s, max]) => `${s} ${max === 0 ? 'unbounded' : `max ${max}`}`).join(', ');
    if (tooMany.length === allowed.length)
      return { verdict: 'genuine', why: `[repetitions] ${reps} repetitions; ${p.seg}-${p.field} in ${w}: ${desc}${vnote}` };
    if (tooMany.length === 0)
      return { verdict: 'false', why: `[repetitions] ${reps} repetitions; ${p.seg}-${p.field} in ${w}: ${desc}${vnote}` };
    return { verdict: 'unreviewed', why: `[manual needed] repetitions split: ${desc}` };
  }
  if (e.code in grammars) {
    const raw = seg.fields[p.field] ?? '';
    const rep = raw.split(msg.d.rep)[(p.rep ?? 1) - 1] ?? '';
    let value = rep.split(msg.d.comp)[(p.comp ?? 1) - 1] ?? '';
    if (p.sub) value = value.split(msg.d.sub)[p.sub - 1] ?? '';
    else value = value.split(msg.d.sub)[0];
    const ok = grammars[e.code](value);
    // The type the sources give (OBX-5: the one OBX-2 names; a component: the data type's component).
    const { version: w, facts } = fieldFacts(v, p.seg, p.field);
    let types = [...new Set(Object.values(facts).map((f) => f.type))];
    if (p.seg === 'OBX' && p.field === 5) types = [(seg.fields[2] ?? '').split(msg.d.comp)[0]];
    else if (p.comp) types = [...new Set(componentSources(w).map((s) => typeComponents(s, w, types[0])?.[p.comp]?.type).filter(Boolean))];
    const expected = { bad_number: ['NM'], bad_sequence_id: ['SI'], bad_date: ['DT'], bad_time: ['TM'], bad_datetime: ['TS', 'DTM'] }[e.code];
    if (types.length !== 1 || !expected.includes(types[0]))
      return { verdict: 'unreviewed', why: `[manual needed] the sources type it ${types.join('/')}` };
    const what = p.seg === 'OBX' && p.field === 5 ? `OBX-5 as the type OBX-2 names (${types[0]})` : `${p.seg}-${p.field}${p.comp ? `-${p.comp}` : ''} (${types[0]} in ${w})`;
    return ok
      ? { verdict: 'false', why: `[format] the text is valid for ${what}; our check refused it` }
      : { verdict: 'genuine', why: `[format] the text of ${what} breaks the standard's grammar for it (${e.code})${vnote}` };
  }
  return null;
}

function judgeRequired(e, msg, v, vnote, p, seg) {
  const raw = seg.fields[p.field] ?? '';
  if (p.comp === null) {
    if (raw !== '') return { verdict: 'false', why: `[field-R] ${p.seg}-${p.field} holds data` };
    const { version: w, facts } = fieldFacts(v, p.seg, p.field);
    const n = Object.keys(facts).length;
    const req = Object.values(facts).filter((f) => f.req).length;
    const where = w === v ? v : `${w} (the segment is not in ${v})`;
    if (n >= 2 && req === n)
      return { verdict: 'genuine', why: `[field-R] empty in the message; R in ${where} per ${srcNames(Object.keys(facts))}${vnote}` };
    if (n === 1 && req === 1)
      return { verdict: 'genuine', why: `[field-R] empty in the message; R in ${where} per ${Object.keys(facts)[0]}, the only source defining it${vnote}` };
    if (req === 0 && n > 0)
      return { verdict: 'false', why: `[field-R] empty in the message, but O in ${where} per ${srcNames(Object.keys(facts))}${vnote}` };
    const split = SPLIT_FACTS[`${w} ${p.seg}-${p.field}`];
    if (split)
      return { verdict: split.req ? 'genuine' : 'false', why: `[field-R, split] empty in the message; ${split.why}${vnote}` };
    return { verdict: 'unreviewed', why: `[manual needed] field optionality split in ${where}: ${say(facts)}` };
  }
  // A component (or subcomponent) of a present field.
  const rep = raw.split(msg.d.rep)[(p.rep ?? 1) - 1] ?? '';
  if (rep === '') return { verdict: 'false', why: `[component-R] the repetition is empty: no component is required` };
  const comps = p.seg === 'MSH' && p.field === 2 ? [rep] : rep.split(msg.d.comp);
  const comp = comps[p.comp - 1] ?? '';
  const { version: w, facts } = fieldFacts(v, p.seg, p.field);
  const types = [...new Set(Object.values(facts).map((f) => f.type))];
  let type = types.length === 1 ? types[0] : null;
  if (!type) return { verdict: 'unreviewed', why: `[manual needed] field type split: ${types.join('/')}` };
  let pos = p.comp;
  let label = `${type}.${pos}`;
  if (p.sub !== null) {
    if (comp === '') return { verdict: 'false', why: `[component-R] the component is empty: no subcomponent is required` };
    if ((comp.split(msg.d.sub)[p.sub - 1] ?? '') !== '') return { verdict: 'false', why: `[component-R] the subcomponent holds data` };
    const inner = componentSources(w).map((s) => typeComponents(s, w, type)?.[p.comp]?.type).filter(Boolean);
    type = [...new Set(inner)].length === 1 ? inner[0] : null;
    if (!type) return { verdict: 'unreviewed', why: `[manual needed] component type split` };
    pos = p.sub;
    label = `${label} (${type}.${pos})`;
  } else if (comp !== '') {
    return { verdict: 'false', why: `[component-R] the component holds data` };
  }
  const opinions = {};
  for (const s of componentSources(w)) {
    if (!givesComponentOptionality(s, w)) continue;
    const c = typeComponents(s, w, type)?.[pos];
    if (c) opinions[s] = c.req;
  }
  const names = Object.keys(opinions);
  const rule = p.seg === 'MSH' && p.field === 9 && p.comp === 3 ? 'msh-9.3' : 'component-R';
  const extra = rule === 'msh-9.3' ? '; and MSH-9.1/9.2 name no structure of the version to derive it from' : '';
  if (names.length && names.every((s) => opinions[s]))
    return { verdict: 'genuine', why: `[${rule}] the field holds data, ${label} is empty; ${label} is R in ${w} per ${srcNames(names)} (nHapi gives no component optionality)${extra}${vnote}` };
  if (names.length && names.every((s) => !opinions[s]))
    return { verdict: 'false', why: `[component-R] ${label} is O in ${w} per ${srcNames(names)}${vnote}` };
  if (!names.length) return { verdict: 'false', why: `[component-R] no source gives ${label} as R in ${w}${vnote}` };
  const split = SPLIT_FACTS[`${w} ${type}.${pos}`];
  if (split)
    return { verdict: split.req ? 'genuine' : 'false', why: `[${rule}, split] the field holds data, ${label} is empty; ${split.why}${extra}${vnote}` };
  return { verdict: 'unreviewed', why: `[manual needed] component optionality split in ${w}: ${JSON.stringify(opinions)}` };
}

// nHapi writes a choice <A|B|C> as the run "A B C" of required segments. Where hl7apy has a choice of
// segments and nHapi that run in the same place, the run is read back as hl7apy's choice (same bounds);
// a choice of groups nHapi cannot be read back: no opinion.
function nhapiWithChoices(nodes, apyNodes) {
  const choices = [];
  const collect = (list) => {
    for (const n of list ?? []) {
      if (n.choice) choices.push(n);
      if (n.ch) collect(n.ch);
    }
  };
  collect(apyNodes);
  if (!choices.length) return nodes;
  let ok = true;
  const rewrite = (list) => {
    const out = [];
    for (let i = 0; i < list.length; ) {
      const c = choices.find((ch) => ch.ch.every((alt, k) => alt.seg && list[i + k]?.seg === alt.seg));
      if (c) {
        out.push({ choice: true, min: c.min, max: c.max === -1 ? 0 : c.max, ch: list.slice(i, i + c.ch.length).map((n) => ({ ...n, min: 1, max: 1 })) });
        i += c.ch.length;
        continue;
      }
      const n = list[i++];
      out.push(n.ch ? { ...n, ch: rewrite(n.ch) } : n);
    }
    return out;
  };
  const result = rewrite(nodes);
  const count = (list) => list.reduce((k, n) => k + (n.choice ? 1 : 0) + (n.ch && !n.choice ? count(n.ch) : 0), 0);
  if (choices.some((c) => !c.ch.every((a) => a.seg)) || count(result) !== choices.length) ok = false;
  return ok ? result : null;
}

// The fewest structure findings that make the segment sequence fit a tree: a required node (segment,
// group or choice) left out costs 1 (one missing_segment, as validation reports a whole missing group
// once), a segment that has no place costs 1 (unexpected / out of order / too many). Computed on an
// automaton with weighted empty moves, exactly (no preference, no lookahead limit).
function fewestFindings(tree, unbounded, tokens) {
  const edges = []; // [from, to, token|null, cost]
  let states = 0;
  const state = () => states++;
  const quantify = (s, e, n) => {
    const max = n.max === unbounded || n.max === 0 ? Infinity : n.max;
    if (max > 1) edges.push([e, s, null, 0]);
    edges.push([s, e, null, n.min >= 1 ? 1 : 0]);
  };
  const build = (nodes) => {
    const s = state();
    let cur = s;
    for (const n of nodes) {
      const a = state(), b = state();
      edges.push([cur, a, null, 0]);
      if (n.seg) edges.push([a, b, n.seg, 0]);
      else if (n.choice) {
        for (const alt of n.ch) {
          const [x, y] = build([{ ...alt, min: 1, max: 1 }]);
          edges.push([a, x, null, 0], [y, b, null, 0]);
        }
      } else {
        const [x, y] = build(n.ch);
        edges.push([a, x, null, 0], [y, b, null, 0]);
      }
      quantify(a, b, n);
      cur = b;
    }
    return [s, cur];
  };
  const [start, end] = build(tree);
  const eps = Array.from({ length: states }, () => []);
  const moves = Array.from({ length: states }, () => []);
  for (const [f, t, tok, c] of edges) (tok === null ? eps : moves)[f].push([t, tok, c]);
  const close = (d) => {
    const queue = d.map((c, s) => [c, s]).filter(([c]) => c < Infinity);
    while (queue.length) {
      queue.sort((x, y) => x[0] - y[0]);
      const [c, s] = queue.shift();
      if (c > d[s]) continue;
      for (const [t, , w] of eps[s]) if (c + w < d[t]) { d[t] = c + w; queue.push([d[t], t]); }
    }
    return d;
  };
  let d = close(Array.from({ length: states }, (_, s) => (s === start ? 0 : Infinity)));
  for (const tok of tokens) {
    const next = d.map((c) => c + 1); // the segment has no place
    for (let s = 0; s < states; ++s) {
      if (d[s] === Infinity) continue;
      for (const [t, seg] of moves[s]) if ((seg === tok || seg === 'Hxx') && d[s] < next[t]) next[t] = d[s];
    }
    d = close(next);
  }
  return d[end];
}

const STRUCTURE_CODES = ['missing_segment', 'unexpected_segment', 'out_of_order', 'too_many_segments'];

function judgeStructure(e, msg, v, vnote, reported) {
  const sid = eventStructure(v, msg.type, msg.trigger, msg.structure);
  if (!sid) return { verdict: 'unreviewed', why: `[manual needed] no structure for the message type` };
  const tokens = msg.segments.map((s) => s.id).filter((id) => !/^Z/.test(id));
  const results = [];
  for (const [s, w] of structureSources(v)) {
    let tree = structureTree(s, w, sid);
    if (!tree) continue;
    if (s === 'nhapi') tree = nhapiWithChoices(tree, structureTree('hl7apy', v === '2.7.1' ? '2.7' : v, sid));
    if (!tree) {
      results.push([s, null]);
      continue;
    }
    results.push([s, fewestFindings(tree, s === 'hl7apy' ? -1 : 0, tokens)]);
  }
  const opinions = results.filter(([, r]) => r !== null);
  const desc = `${sid} (${v})`;
  if (!opinions.length) return { verdict: 'unreviewed', why: `[manual needed] no source defines ${desc}` };
  const names = [...new Set(opinions.map(([n]) => n))];
  const noChoice = results.some(([, r]) => r === null) ? '; nHapi: a choice of groups, no opinion' : '';
  const least = Math.min(...opinions.map(([, r]) => r));
  if (least === 0)
    return { verdict: 'false', why: `[structure] the segment sequence fits ${desc} in ${opinions.filter(([, r]) => r === 0).map(([n]) => n).join(' and ')}${vnote}` };
  if (opinions.every(([, r]) => r === reported))
    return { verdict: 'genuine', why: `[structure] fits neither source's ${desc}: ${reported} finding(s) at least to make it fit, per ${names.join(' and ')}, and validation reports ${reported}${noChoice}${vnote}` };
  return { verdict: 'unreviewed', why: `[manual needed] fewest findings ${opinions.map(([n, r]) => `${n} ${r}`).join(', ')}; reported ${reported}` };
}

// ---------------------------------------------------------------- main
const args = process.argv.slice(2);
const input = args.find((a) => !a.startsWith('--')) ?? join(here, 'validation_expected.tsv');
const write = args.includes('--write');
const rows = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#') && !l.startsWith('file\t'))
  .map((l) => {
    const [file, message, path, code, verdict, why] = l.split('\t');
    return { file, message: Number(message), path, code, verdict, why: why ?? '' };
  });
const structureFindings = (e) =>
  rows.filter((r) => r.file === e.file && r.message === e.message && r.verdict !== 'false' && STRUCTURE_CODES.includes(r.code)).length;
const cache = {};
const messagesOf = (file) => (cache[file] ??= frames(readFileSync(join(here, 'messages', file), 'latin1')));

const counts = {};
const out = [];
for (const e of rows) {
  const msg0 = messagesOf(e.file)[e.message];
  const fix = e.verdict === 'false' && FIXES.find((f) => f.test(e, msg0?.ok ? resolveVersion(msg0.version) : null));
  const j = fix ? { verdict: 'false', why: fix.why } : judge(e, msg0);
  let verdict = e.verdict, why = e.why;
  if (j) {
    if ((e.verdict === 'genuine' || e.verdict === 'false') && j.verdict !== e.verdict && j.verdict !== 'unreviewed')
      console.log(`DISAGREES with the list (${e.verdict}): ${e.file} ${e.message} ${e.path} ${e.code}: ${j.why}`);
    if (e.verdict !== 'genuine' || j.verdict === 'genuine') ({ verdict, why } = j);
  } else if (e.verdict === 'unreviewed' || e.verdict === '?') {
    verdict = 'unreviewed';
    why = why || `not reviewed yet (class ${e.code})`;
  }
  if (verdict === '?') verdict = 'unreviewed';
  const rule = /^\[([^\]]+)\]/.exec(why)?.[1] ?? 'listed';
  counts[`${verdict} ${e.code} ${rule}`] = (counts[`${verdict} ${e.code} ${rule}`] ?? 0) + 1;
  if (args.includes('--verbose') || verdict !== 'genuine') console.log(`${verdict}\t${e.file}\t${e.message}\t${e.path}\t${e.code}\t${why}`);
  out.push({ ...e, verdict, why });
}
for (const k of Object.keys(counts).sort()) console.log(`${String(counts[k]).padStart(4)}  ${k}`);

// Entries of the committed list that this run no longer reports.
const listed = join(here, 'validation_expected.tsv');
const keyOf = (e) => `${e.file}\t${e.message}\t${e.path}\t${e.code}`;
if (input !== listed) {
  const now = new Map();
  for (const e of rows) now.set(keyOf(e), (now.get(keyOf(e)) ?? 0) + 1);
  const before = readFileSync(listed, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('file\t'))
    .map((l) => {
      const [file, message, path, code, verdict, why] = l.split('\t');
      return { file, message: Number(message), path, code, verdict, why: why ?? '' };
    });
  for (const e of before) {
    const k = keyOf(e);
    if ((now.get(k) ?? 0) > 0) {
      now.set(k, now.get(k) - 1);
      continue;
    }
    const msg = messagesOf(e.file)[e.message];
    const v = msg?.ok ? resolveVersion(msg.version) : null;
    const fix = FIXES.find((f) => f.test(e, v)) ?? (e.code === 'too_many_repetitions' && judge(e, msg)?.verdict === 'false' ? judge(e, msg) : null);
    if (fix) {
      out.push({ ...e, verdict: 'false', why: fix.why });
      counts[`false ${e.code} fixed`] = (counts[`false ${e.code} fixed`] ?? 0) + 1;
    } else {
      console.log(`no longer reported, dropped (${e.verdict}): ${e.file} ${e.message} ${e.path} ${e.code}`);
    }
  }
  for (const k of Object.keys(counts).sort()) if (k.endsWith(' fixed')) console.log(`${String(counts[k]).padStart(4)}  ${k}`);
}

// --check: the committed list must be what the rules say (verdict and reason of every entry).
if (args.includes('--check')) {
  let differ = 0;
  rows.forEach((e, i) => {
    if (e.verdict !== out[i].verdict || e.why !== out[i].why) {
      ++differ;
      console.error(`differs: ${keyOf(e)}: listed ${e.verdict} "${e.why}", the rules say ${out[i].verdict} "${out[i].why}"`);
    }
  });
  if (rows.some((e) => e.verdict === 'unreviewed' || e.verdict === '?')) ++differ;
  console.log(differ ? `${differ} entries differ from the rules` : `all ${rows.length} entries as the rules judge them`);
  process.exit(differ ? 1 : 0);
}

if (write) {
  const header = [
    '# The validation errors found on tests/realworld/messages, each with a verdict: genuine (the message',
    '# really breaks HL7 v2 as the reason says), false (the validator is wrong), unreviewed (not yet judged).',
    '# Regenerate the list with HL7V2_REALWORLD_DUMP=FILE test_realworld, then judge it with',
    '# `node tests/realworld/review.mjs FILE --write` (the rule in brackets is review.mjs\'s).',
    'file\tmessage\tpath\tcode\tverdict\twhy',
  ];
  const lines = out.map((e) => [e.file, e.message, e.path, e.code, e.verdict, e.why].join('\t'));
  writeFileSync(join(here, 'validation_expected.tsv'), `${[...header, ...lines].join('\n')}\n`);
}
