// Reconciliation: one model per HL7 version from the three sources of model.mjs, every fact
// decided by a stated rule (README.md "Reconciliation rules") or by a reviewed entry of
// overrides.json, with a tally of what was compared, agreed and how each disagreement was
// resolved. The C++ emission (emit.mjs) only sees the resulting models.
import { jsonKey, uniqueKeys } from './keys.mjs';
import { SOURCES, VERSIONS, byCodeUnits, versionIndex } from './model.mjs';

const OPT_NAMES = { R: 'required', O: 'optional', C: 'conditional', X: 'not_used', B: 'backward', W: 'withdrawn' };
const FIRST_WITHDRAWING_VERSION = '2.7';
const FIRST_COMPONENT_OPTIONALITY = '2.5';
// hl7apy writes HL79999 where HL7 gives no table ("no suggested values").
const NO_TABLE_PLACEHOLDER = 9999;

// ---------------------------------------------------------------------------------------------
// Tally: per version, per fact class
// ---------------------------------------------------------------------------------------------
export class Tally {
  constructor() {
    this.versions = {};
    this.log = []; // every disagreement: [version, class, where, how, chosen, groups]
  }

  note(version, cls, how, where, d) {
    if (where !== undefined && how !== 'agree' && how !== 'single' && how !== 'none') {
      const groups = d?.groups?.map((g) => `${g.sources.join('+')}=${typeof g.value === 'object' ? JSON.stringify(g.value) : g.value}`).join(' ') ?? '';
      this.log.push([version, cls, where, how, d?.value, groups]);
    }
    const v = (this.versions[version] ??= {});
    const c = (v[cls] ??= { facts: 0, single: 0, compared: 0, agreed: 0, disagreed: 0, by: {} });
    c.facts++;
    if (how === 'single') c.single++;
    else if (how !== 'none') {
      c.compared++;
      if (how === 'agree') c.agreed++;
      else {
        c.disagreed++;
        c.by[how] = (c.by[how] ?? 0) + 1;
      }
    }
  }

  override(version, cls) {
    const v = (this.versions[version] ??= {});
    const c = (v[cls] ??= { facts: 0, single: 0, compared: 0, agreed: 0, disagreed: 0, by: {} });
    c.overrides = (c.overrides ?? 0) + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// One decision
// ---------------------------------------------------------------------------------------------
const keyOf = (v) => JSON.stringify(v);

/** cands: [[source, value]] of the sources that have the fact (value not null).
 *  opts.context: the value every source gives in the context version (undefined if none);
 *  opts.tie: (groups) → group, for a tie the other rules leave; opts.tieName names that rule.
 *  Returns {value, how, groups}. */
export function decide(cands, opts = {}) {
  const present = cands.filter(([, v]) => v !== null && v !== undefined);
  if (present.length === 0) return { value: null, how: 'none' };
  const groups = [];
  for (const [src, value] of present) {
    const k = keyOf(value);
    let g = groups.find((x) => x.key === k);
    if (!g) groups.push((g = { key: k, value, sources: [] }));
    g.sources.push(src);
  }
  if (present.length === 1) return { value: present[0][1], how: 'single', groups };
  if (groups.length === 1) return { value: groups[0].value, how: 'agree', groups };
  groups.sort((a, b) => b.sources.length - a.sources.length);
  const majority = groups[0].sources.length > groups[1].sources.length ? groups[0] : null;
  if (opts.context !== undefined && opts.context !== null) {
    const k = keyOf(opts.context);
    const match = groups.filter((g) => g.key === k);
    if (match.length === 1 && match[0] !== majority) return { value: match[0].value, how: 'continuity', groups };
  }
  if (majority) return { value: majority.value, how: 'majority', groups };
  const top = groups.filter((g) => g.sources.length === groups[0].sources.length);
  const pick = opts.tie(top);
  return { value: pick.value, how: `tie: ${opts.tieName}`, groups };
}

/** Tie rule: the group holding the first source of `order`. */
function preferSources(order) {
  return (groups) => {
    for (const s of order) {
      const g = groups.find((x) => x.sources.includes(s));
      if (g) return g;
    }
    return groups[0];
  };
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------
/** HL7 appends a data type or an example to some names: "ID Number (ST)", "Degree (e.g.,
 *  MD)". Names are given without them (as npm gives them), so keys do not change with them. */
export function stripAnnotations(text, typeIds) {
  let t = text.trim();
  for (;;) {
    const open = t.match(/\s*\(\s*e\.\s*g\.[^()]*$/i); // nHapi's "Degree (e.g., MD" lost its ")"
    if (open) {
      t = t.slice(0, open.index).trim();
      continue;
    }
    const m = t.match(/\s*\(([^()]*)\)\s*$/);
    if (!m) return t;
    const inner = m[1].trim();
    if (!(/^e\.\s*g\./i.test(inner) || typeIds.has(inner))) return t;
    t = t.slice(0, m.index).trim();
  }
}

/** The form in which element names are compared: the JSON key of the name without its
 *  annotations, with the sources' conventions evened out: a lone "s" joins the word before it
 *  (hl7apy spells "Mother's" MOTHER_S, npm "Mother s", and "Site(s)" gives site_s), and "and"
 *  words are left out (HL7's "&" is dropped by the key rule, some sources spell it "and"). */
export function nameForm(name, typeIds) {
  if (name === null || name === undefined) return null;
  const tokens = jsonKey(stripAnnotations(name, typeIds)).split('_').filter(Boolean);
  const out = [];
  for (const t of tokens) {
    if (t === 's' && out.length) out[out.length - 1] += 's';
    else if (t !== 'and') out.push(t);
  }
  return out.length ? out.join('_') : null;
}

/** hl7apy's names have no parentheses left ("ID_NUMBER_ST", "DEGREE_E_G_MD"): its name agrees
 *  with a text source's when it is that name with the annotation. */
function hl7apyForm(name, typeIds, textForms) {
  const full = nameForm(name, typeIds);
  if (full === null || textForms.includes(full)) return full;
  const tokens = full.split('_');
  const eg = tokens.findIndex((t, i) => t === 'e' && tokens[i + 1] === 'g');
  const cands = [];
  if (eg > 0) cands.push(tokens.slice(0, eg).join('_'));
  if (tokens.length > 1 && typeIds.has(tokens[tokens.length - 1].toUpperCase())) cands.push(tokens.slice(0, -1).join('_'));
  return cands.find((c) => textForms.includes(c)) ?? full;
}

const loneS = (text) => jsonKey(text).split('_').includes('s');

function titleFromForm(form) {
  return form
    .split('_')
    .map((t) => t.charAt(0).toUpperCase() + t.slice(1))
    .join(' ');
}

// ---------------------------------------------------------------------------------------------
// Per-version source views
// ---------------------------------------------------------------------------------------------
function contextVersion(v) {
  const i = versionIndex(v);
  return i + 1 < VERSIONS.length ? VERSIONS[i + 1] : VERSIONS[i - 1];
}

/** A source says nothing about an attribute in a version when it gives every element of that
 *  kind one and the same value: that is its default, not data (hl7apy's component optionality
 *  before 2.6, npm's before 2.5). */
function informative(sources, version, kind, attr) {
  const out = {};
  for (const name of SOURCES) {
    const d = sources[name].versions[version];
    if (!d) continue;
    const owners = Object.values(kind === 'field' ? d.segments : d.types);
    const seen = new Set();
    let n = 0;
    for (const o of owners) {
      for (const e of kind === 'field' ? o.fields : o.components) {
        const x = e[attr];
        if (x === null || x === undefined) continue;
        seen.add(keyOf(x));
        n++;
      }
    }
    out[name] = !(n >= 10 && seen.size <= 1);
  }
  return out;
}

function elementsOf(sources, version, kind, id) {
  const out = {};
  for (const name of SOURCES) {
    const d = sources[name].versions[version];
    const owner = d && (kind === 'field' ? d.segments[id] : d.types[id]);
    if (owner) out[name] = kind === 'field' ? owner.fields : owner.components;
  }
  return out;
}

function tableOf(e) {
  if (e.table === null || e.table === undefined) return null;
  return e.table === NO_TABLE_PLACEHOLDER ? 0 : e.table;
}

function withdrawnSays(src, version, e) {
  if (versionIndex(version) < versionIndex(FIRST_WITHDRAWING_VERSION)) return null;
  if (src === 'hl7apy') return e.withdrawn === true;
  // npm marks the fields HL7 2.7 withdrew with B and a placeholder type ST.
  if (src === 'npm') return e.opt === 'B' || e.opt === 'W';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Fields and components
// ---------------------------------------------------------------------------------------------
/** How many positions an owner has: the largest position that more than half of the sources
 *  having the owner reach; with two sources, the larger (a source that stops early is
 *  incomplete, not a statement that the field does not exist). */
function positionCount(lists) {
  const counts = Object.values(lists).map((l) => (l.length ? l[l.length - 1].pos : 0));
  if (counts.length <= 2) return { n: Math.max(...counts), differs: new Set(counts).size > 1 };
  const sorted = [...counts].sort((a, b) => b - a);
  const need = Math.floor(counts.length / 2) + 1;
  return { n: sorted[need - 1], differs: new Set(counts).size > 1 };
}

class VersionBuilder {
  constructor(sources, version, models, overrides, tally) {
    this.sources = sources;
    this.v = version;
    this.models = models; // earlier versions, already reconciled
    this.prev = models[VERSIONS[versionIndex(version) - 1]] ?? null;
    this.ctxVersion = contextVersion(version);
    this.overrides = overrides;
    this.tally = tally;
    this.informative = {
      field: Object.fromEntries(['req', 'max', 'len', 'table'].map((a) => [a, informative(sources, version, 'field', a)])),
      component: Object.fromEntries(['req', 'len', 'table'].map((a) => [a, informative(sources, version, 'component', a)])),
    };
    // HL7 gives components an optionality from 2.5 on; before, every component is optional (npm
    // says O throughout, hl7apy marks TS.1 and TS.2 of 2.1 required).
    if (versionIndex(version) < versionIndex(FIRST_COMPONENT_OPTIONALITY)) {
      this.informative.component.req = Object.fromEntries(SOURCES.map((x) => [x, false]));
    }
    // Every data type id the sources know in this version (for names' annotations).
    this.typeIds = new Set(['ST', 'ID', 'IS', 'NM', 'SI', 'TX', 'FT', 'DT', 'TM', 'TS', 'DTM']);
    for (const x of SOURCES) {
      const d = sources[x].versions[version];
      if (!d) continue;
      Object.keys(d.types).forEach((t) => this.typeIds.add(t));
      for (const seg of Object.values(d.segments)) for (const f of seg.fields) if (f.type) this.typeIds.add(f.type);
    }
  }

  /** The value every source gives for an element attribute in the context version. */
  context(kind, id, pos, pick) {
    const lists = elementsOf(this.sources, this.ctxVersion, kind, id);
    const vals = [];
    for (const [src, list] of Object.entries(lists)) {
      const e = list.find((x) => x.pos === pos);
      if (!e) continue;
      const x = pick(src, e);
      if (x !== null && x !== undefined) vals.push(keyOf(x));
    }
    if (vals.length < 2 || new Set(vals).size !== 1) return undefined;
    return JSON.parse(vals[0]);
  }

  elements(kind, id) {
    const lists = elementsOf(this.sources, this.v, kind, id);
    const cls = kind === 'field' ? 'fields' : 'components';
    const { n, differs } = positionCount(lists);
    if (Object.keys(lists).length > 1) this.tally.note(this.v, `${cls}: count`, differs ? 'count rule' : 'agree', id, { value: n, groups: Object.entries(lists).map(([s, l]) => ({ sources: [s], value: l.length ? l[l.length - 1].pos : 0 })) });
    const inf = this.informative[kind];
    const out = [];
    for (let pos = 1; pos <= n; pos++) {
      const at = {};
      for (const [src, list] of Object.entries(lists)) {
        const e = list.find((x) => x.pos === pos);
        if (e) at[src] = e;
      }
      const srcs = Object.keys(at);
      const cands = (pick, attr) => srcs.map((s) => [s, attr && inf[attr] && !inf[attr][s] ? null : pick(s, at[s])]);
      const ctx = (pick) => this.context(kind, id, pos, pick);
      const where = kind === 'field' ? `${id}-${pos}` : `${id}.${pos}`;
      const note = (what, d) => this.tally.note(this.v, `${cls}: ${what}`, d.how, where, d);

      // Name (and so the key): majority of the name forms; ties to nHapi, then npm.
      // Name (and so the key): majority of the name forms; ties to npm (the key stays as it
      // was), then nHapi. The text: nHapi's (the HL7 database's) where it has the chosen form
      // and is not all capitals (nHapi's 2.1), else npm's.
      const types = this.typeIds;
      const textForms = ['npm', 'nhapi'].filter((s) => at[s]).map((s) => nameForm(at[s].name, types));
      const form = (s, e) => (s === 'hl7apy' ? hl7apyForm(e.name, types, textForms) : nameForm(e.name, types));
      const dn = decide(cands(form), { tie: preferSources(['npm', 'nhapi', 'hl7apy']), tieName: 'npm' });
      note('name', dn);
      let name = '';
      if (dn.value !== null) {
        // The text: npm's (so the key stays), unless npm lost an apostrophe ("Mother s") or
        // lacks the element or the chosen name, then nHapi's; without annotations.
        const ok = (s) => at[s] && nameForm(at[s].name, types) === dn.value;
        const src = ok('npm') && !(loneS(at.npm.name) && ok('nhapi')) ? 'npm' : ok('nhapi') ? 'nhapi' : null;
        name = src ? stripAnnotations(at[src].name, types) : titleFromForm(dn.value);
      }

      // Withdrawn (2.7+): a source that says so wins (the others still list the old
      // definition); a field withdrawn stays withdrawn.
      let withdrawn = false;
      if (versionIndex(this.v) >= versionIndex(FIRST_WITHDRAWING_VERSION)) {
        const says = srcs.map((s) => withdrawnSays(s, this.v, at[s])).filter((x) => x !== null);
        const prevWithdrawn = this.previousElement(kind, id, pos)?.opt === 'withdrawn';
        withdrawn = says.includes(true) || prevWithdrawn;
        let how = says.length === 0 ? 'none' : says.length === 1 ? 'single' : new Set(says).size === 1 ? 'agree' : 'withdrawn if any says so';
        if (prevWithdrawn && !says.includes(true)) how = 'stays withdrawn';
        this.tally.note(this.v, `${cls}: withdrawn`, how, where, { value: withdrawn, groups: srcs.map((s) => ({ sources: [s], value: withdrawnSays(s, this.v, at[s]) })) });
      }

      // Type: continuity, majority; ties npm, hl7apy, nHapi.
      const dt = decide(cands((s, e) => e.type), {
        context: ctx((s, e) => e.type),
        tie: preferSources(['npm', 'hl7apy', 'nhapi']),
        tieName: 'npm, hl7apy, nHapi',
      });
      if (!withdrawn) note('type', dt);

      // Required or not: continuity, majority; the letter from npm when it agrees.
      const dr = decide(cands((s, e) => e.req, 'req'), { context: ctx((s, e) => e.req), tie: preferSources(['nhapi', 'npm', 'hl7apy']), tieName: 'nHapi' });
      if (!withdrawn) note('optionality', dr);

      // Length: the sources that give one; when they differ, the larger.
      const dl = decide(cands((s, e) => e.len, 'len'), {
        tie: (groups) => groups.reduce((a, b) => (b.value > a.value ? b : a)),
        tieName: 'larger',
      });
      if (!withdrawn) note('length', dl);

      // Table: continuity, majority; a number over none; hl7apy, nHapi, npm.
      const dtb = decide(cands((s, e) => tableOf(e), 'table'), {
        context: ctx((s, e) => tableOf(e)),
        tie: (groups) => {
          const numbered = groups.filter((g) => g.value !== 0);
          if (numbered.length === 1) return numbered[0];
          return preferSources(['hl7apy', 'nhapi', 'npm'])(numbered.length ? numbered : groups);
        },
        tieName: 'a number over none, then hl7apy',
      });
      if (!withdrawn) note('table', dtb);

      const item = {
        position: pos,
        name,
        type: dt.value ?? 'ST',
        typeFrom: this.v,
        opt: this.letter(at, dr.value === true, kind, id, pos),
        len: dl.value ?? 0,
        table: dtb.value ?? 0,
      };
      if (kind === 'field') {
        // Repetition: whether it repeats (continuity, majority, ties nHapi), then the bound: a
        // count a source gives over "unbounded" (HL7's "Y/n" loses its n in some sources).
        const rep = (s, e) => (e.max === null ? null : e.max !== 1);
        const dp = decide(cands(rep, 'max'), { context: ctx(rep), tie: preferSources(['nhapi', 'npm', 'hl7apy']), tieName: 'nHapi' });
        if (!withdrawn) note('repetition', dp);
        let repeats = 1;
        if (dp.value === true) {
          const counts = srcs.map((s) => [s, at[s].max !== null && at[s].max > 1 ? at[s].max : null]);
          const unbounded = srcs.filter((s) => at[s].max === 0).length;
          const dc = decide(counts, { tie: preferSources(['nhapi', 'hl7apy', 'npm']), tieName: 'nHapi' });
          let how = dc.how;
          if (dc.how === 'none') how = unbounded >= 2 ? 'agree' : unbounded === 1 ? 'single' : 'none';
          else if (unbounded && (dc.how === 'agree' || dc.how === 'single')) how = 'a count over unbounded';
          else if (dc.how === 'single') how = 'single';
          if (!withdrawn) this.tally.note(this.v, `${cls}: repetition count`, how, where, { value: dc.value ?? 0, groups: srcs.map((s) => ({ sources: [s], value: at[s].max })) });
          repeats = dc.value ?? 0;
        }
        item.repeats = repeats;
      }
      if (withdrawn) this.withdraw(item, kind, id, pos);
      out.push(item);
    }
    return out;
  }

  previousElement(kind, id, pos) {
    if (!this.prev) return null;
    const owner = kind === 'field' ? this.prev.segments[id] : this.prev.types[id];
    return owner && (kind === 'field' ? owner.fields : owner.components).find((x) => x.position === pos);
  }

  /** A withdrawn element keeps the shape under which it last carried data: the type (from that
   *  version, with that version's components), repetition, length and table of the latest
   *  earlier version where it was not withdrawn. */
  withdraw(item, kind, id, pos) {
    const last = this.previousElement(kind, id, pos);
    item.opt = 'withdrawn';
    if (!last) {
      item.type = 'ST';
      return;
    }
    item.type = last.type;
    item.typeFrom = last.typeFrom;
    item.len = last.len;
    item.table = last.table;
    if (kind === 'field') item.repeats = last.repeats;
  }

  letter(at, required, kind, id, pos) {
    const npm = at.npm?.opt;
    if (npm && (npm === 'R') === required && npm !== 'W') return OPT_NAMES[npm === 'B' && versionIndex(this.v) >= versionIndex(FIRST_WITHDRAWING_VERSION) ? 'O' : npm];
    if (!at.npm) {
      const prev = this.previousElement(kind, id, pos)?.opt;
      if (prev && prev !== 'withdrawn' && (prev === 'required') === required) return prev;
    }
    return required ? 'required' : 'optional';
  }
}

// ---------------------------------------------------------------------------------------------
// overrides.json: fields and components
// ---------------------------------------------------------------------------------------------
const OVERRIDABLE = ['name', 'key', 'type', 'opt', 'repeats', 'len', 'table'];

function checkNote(where, o) {
  if (!o.note || !/\S/.test(o.note)) throw new Error(`${where}: a note citing the standard is required`);
}

function applyElementOverrides(version, segments, types, overrides, tally) {
  for (const [i, o] of (overrides.fields ?? []).entries()) {
    const where = `overrides.json fields[${i}]`;
    checkNote(where, o);
    if (!o.versions.includes(version)) continue;
    const owner = o.segment ? segments[o.segment] : types[o.type_id];
    if (!owner) throw new Error(`${where}: ${o.segment ?? o.type_id} not in ${version}`);
    const list = o.segment ? owner.fields : owner.components;
    const item = list.find((f) => f.position === o.position);
    if (!item) throw new Error(`${where}: position ${o.position} not in ${version}`);
    let changed = false;
    for (const [k, v] of Object.entries(o.set)) {
      if (!OVERRIDABLE.includes(k)) throw new Error(`${where}: cannot set ${k}`);
      if (k === 'key') {
        item.fixedKey = true;
        changed = true;
      } else if (item[k] !== v) changed = true;
      item[k] = v;
    }
    if (!changed) throw new Error(`${where}: ${version} already has ${JSON.stringify(o.set)} by the rules; remove the entry`);
    tally.override(version, o.segment ? 'fields: override' : 'components: override');
  }
}

// ---------------------------------------------------------------------------------------------
// Message structures
// ---------------------------------------------------------------------------------------------
const flatten = (nodes) => nodes.flatMap((n) => (n.kind === 'choice' ? flatten(n.children) : [n]));
// The skeleton: segment ids and group nesting, choices flattened to their alternatives (nHapi
// writes a choice as its alternatives in a row), group names left out (compared on their own).
const skeleton = (nodes) =>
  flatten(nodes)
    .map((n) => (n.kind === 'segment' ? anySegment(n.id) : `[${skeleton(n.children)}]`))
    .join(' ');
const anySegment = (id) => id;
const hasChoice = (nodes) => nodes.some((n) => n.kind === 'choice' || (n.children && hasChoice(n.children)));

// Not names: hl7apy's for groups HL7 leaves unnamed ("OBXNTE_SUPPGRP"), the "XX" npm and nHapi
// write for one in 2.3, and names that only string the group's segment ids together ("OBXNTE",
// "PSSPSGPSLADJ", which nHapi and npm use for unnamed groups).
const segmentIds = (nodes, out = new Set()) => {
  for (const n of nodes) {
    if (n.kind === 'segment') out.add(n.id);
    else segmentIds(n.children, out);
  }
  return out;
};
function inventedGroupName(src, node) {
  const name = node.id;
  if ((src === 'hl7apy' && /SUPPGRP/.test(name)) || /^X+$/.test(name)) return true;
  if (name.length % 3 !== 0 || !/^[A-Z0-9]+$/.test(name)) return false;
  const ids = segmentIds(node.children);
  for (let i = 0; i < name.length; i += 3) if (!ids.has(name.slice(i, i + 3))) return false;
  return true;
}

function structureReconcile(b, id, tally, use) {
  const v = b.v;
  const have = SOURCES.filter((s) => b.sources[s].versions[v]?.structures[id]);
  if (use && !have.includes(use)) throw new Error(`overrides.json structures: ${use} has no ${v} ${id}`);
  const trees = Object.fromEntries(have.map((s) => [s, b.sources[s].versions[v].structures[id].nodes]));
  // hl7apy in the neighbouring versions: context where this version has no hl7apy (2.7.1).
  const neighbours = [VERSIONS[versionIndex(v) - 1], VERSIONS[versionIndex(v) + 1]]
    .map((x) => x && b.sources.hl7apy.versions[x]?.structures[id]?.nodes)
    .filter(Boolean);
  // Segments and nesting: majority; ties: the skeleton hl7apy gives (here, else in a
  // neighbouring version), else nHapi's.
  const ds = decide(
    have.map((s) => [s, skeleton(trees[s])]),
    {
      tie: (groups) =>
        groups.find((g) => g.sources.includes('hl7apy')) ??
        groups.find((g) => neighbours.some((n) => skeleton(n) === g.value)) ??
        preferSources(['nhapi', 'npm'])(groups),
      tieName: 'hl7apy (here or in the neighbouring version), else nHapi',
    },
  );
  tally.note(v, 'structures: segments and nesting', ds.how, id, { value: '', groups: ds.groups?.map((g) => ({ ...g, value: '\n      ' + g.value })) });
  if (use) {
    if (skeleton(trees[use]) === ds.value) throw new Error(`overrides.json structures: ${v} ${id} is ${use}'s by the rules already`);
    ds.value = skeleton(trees[use]);
    tally.override(v, 'structures: override');
  }
  const voters = have.filter((s) => skeleton(trees[s]) === ds.value);
  // The tree to build on: one that writes choices as choices (hl7apy, npm; for a version
  // without hl7apy, hl7apy's tree of a neighbouring version with the same skeleton), else any.
  const order = ['hl7apy', 'npm', 'nhapi'];
  let baseSrc = voters.includes('hl7apy') && hasChoice(trees.hl7apy) ? 'hl7apy' : null;
  let baseTree = baseSrc && trees.hl7apy;
  if (!baseSrc && !b.sources.hl7apy.versions[v]) {
    baseTree = neighbours.find((n) => skeleton(n) === ds.value && hasChoice(n));
    if (baseTree) baseSrc = 'hl7apy (neighbouring version)';
  }
  if (!baseSrc && voters.includes('npm') && hasChoice(trees.npm)) {
    baseSrc = 'npm';
    baseTree = trees.npm;
  }
  if (!baseSrc) {
    baseSrc = order.find((s) => voters.includes(s));
    baseTree = trees[baseSrc];
  }

  // Walk the base tree with every voter's tree in step (their flattened shapes are the same).
  // For every group: its name; for every node: required, repeating, the bound.
  const build = (baseNodes, peerNodes, path) => {
    const flatPeers = Object.fromEntries(Object.entries(peerNodes).map(([s, ns]) => [s, flatten(ns)]));
    const at = (k) => Object.fromEntries(Object.entries(flatPeers).map(([s, f]) => [s, f[k]]));
    let k = 0;
    const out = [];
    for (const n of baseNodes) {
      if (n.kind === 'choice') {
        const cpath = `${path}/<${n.children.map((c) => c.id).join('|')}>`;
        const alts = n.children.map((alt) => buildNode(alt, at(k++), true, cpath));
        // A choice's own bounds: hl7apy's (nHapi has no choices, npm writes 0..* on all).
        const peers = Object.entries(peerNodes)
          .filter(([s]) => s === 'hl7apy')
          .map(([s, ns]) => [s, findChoice(ns, n)])
          .filter(([, c]) => c);
        out.push({ kind: 'choice', id: '', ...cardinality(peers, n, 'choice', cpath), children: alts });
        continue;
      }
      out.push(buildNode(n, at(k++), false, path));
    }
    return out;
  };
  const findChoice = (list, n) => {
    for (const x of list) {
      if (x.kind === 'choice' && skeleton(x.children) === skeleton(n.children)) return x;
      if (x.children) {
        const r = findChoice(x.children, n);
        if (r) return r;
      }
    }
    return null;
  };
  const cardinality = (pairs, baseNode, what, path, inChoice = false) => {
    if (!pairs.length) {
      // npm writes 0..* on every choice and alternative: HL7's choice is exactly one of them.
      if (baseSrc === 'npm' && (what === 'choice' || inChoice)) return { min: 1, max: 1 };
      return { min: baseNode.min, max: baseNode.max };
    }
    const req = decide(pairs.map(([s, x]) => [s, x.min >= 1]), { tie: preferSources(['hl7apy', 'nhapi', 'npm']), tieName: 'hl7apy' });
    tally.note(v, `structures: ${what} required`, req.how, `${id} ${path}`, req);
    const rep = decide(pairs.map(([s, x]) => [s, x.max !== 1]), { tie: preferSources(['hl7apy', 'nhapi', 'npm']), tieName: 'hl7apy' });
    tally.note(v, `structures: ${what} repeating`, rep.how, `${id} ${path}`, rep);
    let max = 1;
    if (rep.value) {
      const counts = pairs.filter(([, x]) => x.max > 1).map(([s, x]) => [s, x.max]);
      max = decide(counts, { tie: preferSources(['hl7apy', 'npm', 'nhapi']), tieName: 'hl7apy' }).value ?? 0;
    }
    return { min: req.value ? 1 : 0, max };
  };
  const buildNode = (n, peers, inChoice, parent) => {
    const path = `${parent}/${n.id}`;
    // nHapi writes a choice's alternatives as required segments of the enclosing group and npm
    // writes 0..* on them: neither has an opinion there.
    const pairs = Object.entries(peers).filter(([s, x]) => x && !(inChoice && (s === 'nhapi' || s === 'npm')));
    const what = n.kind === 'segment' ? 'segment' : 'group';
    if (n.kind === 'segment') return { kind: 'segment', id: n.id, ...cardinality(pairs, n, what, path, inChoice) };
    const dn = decide(
      pairs.map(([s, x]) => [s, inventedGroupName(s, x) ? null : x.id]),
      { tie: preferSources(['nhapi', 'npm', 'hl7apy']), tieName: 'nHapi' },
    );
    tally.note(v, 'structures: group name', dn.how, `${id} ${path}`, dn);
    const childPeers = Object.fromEntries(Object.entries(peers).filter(([, x]) => x).map(([s, x]) => [s, x.children]));
    return {
      kind: 'group',
      id: dn.value ?? n.id,
      ...cardinality(pairs, n, what, path, inChoice),
      children: build(n.children, childPeers, dn.value ?? n.id),
    };
  };
  const nodes = build(baseTree, Object.fromEntries(voters.map((s) => [s, trees[s]])), '');
  const name = b.sources.npm.versions[v]?.structures[id]?.name ?? '';
  return { id, name, children: nodes, from: baseSrc };
}

// ---------------------------------------------------------------------------------------------
// Trigger events
// ---------------------------------------------------------------------------------------------
function eventsReconcile(b, structureIds, overrides, tally) {
  const v = b.v;
  const npm = b.sources.npm.versions[v]?.events ?? null;
  const nh = b.sources.nhapi.versions[v]?.events ?? null;
  const apy = b.sources.hl7apy.versions[v]?.structures ?? null;
  const forced = {};
  for (const [i, o] of (overrides.events ?? []).entries()) {
    checkNote(`overrides.json events[${i}]`, o);
    if (o.versions.includes(v)) Object.assign(forced, o.map);
  }
  const events = {};
  const all = new Set([...Object.keys(npm ?? {}), ...Object.keys(nh ?? {})]);
  for (const ev of [...all].sort(byCodeUnits)) {
    const cands = [
      ['npm', npm?.[ev] ?? null],
      ['nhapi', nh?.[ev] ?? null],
    ];
    const d = decide(cands, {
      // hl7apy lists structures, not events: a target it defines beats one it does not.
      tie: (groups) => groups.find((g) => apy && apy[g.value]) ?? preferSources(['nhapi', 'npm'])(groups),
      tieName: 'the target hl7apy defines, else nHapi',
    });
    let target = d.value;
    if (forced[ev]) {
      if (forced[ev] === target) throw new Error(`overrides.json events: ${v} ${ev} → ${target} already by the rules`);
      target = forced[ev];
      tally.override(v, 'events: override');
    }
    tally.note(v, 'events', d.how, ev, d);
    if (structureIds.has(target)) events[ev] = target;
  }
  // A structure without an event of its name is reached by its own id (ACK, "ORU").
  for (const id of structureIds) if (!events[id] && !Object.values(events).includes(id)) events[id] = id;
  return events;
}

// ---------------------------------------------------------------------------------------------
// One version
// ---------------------------------------------------------------------------------------------
function buildVersion(sources, v, models, overrides, tally) {
  const b = new VersionBuilder(sources, v, models, overrides, tally);

  // Structures: those two sources define, and those one source alone defines under an id no
  // other source maps elsewhere as an event (nHapi's and npm's per-event copies are events).
  const structIds = new Set();
  const copies = new Set();
  for (const s of ['npm', 'nhapi']) {
    const ev = sources[s].versions[v]?.events ?? {};
    for (const [e, t] of Object.entries(ev)) if (e !== t) copies.add(e);
  }
  // A structure one source alone has must also look like one: an id such as ADT_A01 (or a bare
  // message type, npm's "ORU") that starts with MSH (npm 2.6 has an "OMG_019" without MSH).
  const wellFormed = (id, nodes) => /^[A-Z][A-Z0-9]{2}(_[A-Z][A-Z0-9]{2})?$/.test(id) && nodes[0]?.id === 'MSH';
  for (const s of SOURCES) {
    for (const [id, st] of Object.entries(sources[s].versions[v]?.structures ?? {})) {
      const n = SOURCES.filter((x) => sources[x].versions[v]?.structures[id]).length;
      if (n >= 2 || (!copies.has(id) && wellFormed(id, st.nodes))) structIds.add(id);
    }
  }
  // overrides.json may name the source whose segments and nesting a structure takes.
  const use = {};
  for (const [i, o] of (overrides.structures ?? []).entries()) {
    checkNote(`overrides.json structures[${i}]`, o);
    if (o.use && o.versions.includes(v)) use[o.structure] = o.use;
  }
  const structures = {};
  for (const id of [...structIds].sort(byCodeUnits)) structures[id] = structureReconcile(b, id, tally, use[id]);
  applyStructureOverrides(v, structures, overrides, tally);
  const used = new Set();
  const collect = (nodes) => nodes.forEach((n) => (n.kind === 'segment' ? used.add(n.id) : collect(n.children)));
  Object.values(structures).forEach((st) => collect(st.children));

  // Segments: those two sources define, and those one source defines that an earlier version has
  // and a structure of this version still names (2.7's QRD: withdrawn, hl7apy lists it without
  // fields). One source alone is not enough otherwise: npm carries 2.1's ORO and RX1 on to 2.7.1,
  // hl7apy gives 2.1 a PD1. A structure may name a segment its version leaves out; messages then
  // read it with the nearest later version's definition (all.hpp find_segment_with_fallback).
  const segIds = new Set();
  const present = SOURCES.filter((s) => sources[s].versions[v]);
  for (const s of present) Object.keys(sources[s].versions[v].segments).forEach((id) => segIds.add(id));
  const segments = {};
  for (const id of [...segIds].sort(byCodeUnits)) {
    const n = present.filter((s) => sources[s].versions[v].segments[id]).length;
    const earlier = Object.values(models).some((m) => m.segments[id]);
    const keep = n >= Math.min(2, present.length) || (used.has(id) && earlier);
    const how = n === present.length ? 'agree' : n >= 2 ? 'two sources' : keep ? 'one source, kept: withdrawn but named by a structure' : 'one source: left out';
    tally.note(v, 'segments', how, id, { value: keep, groups: [{ sources: present.filter((s) => sources[s].versions[v].segments[id]), value: 'defines it' }] });
    if (!keep) continue;
    const name = sources.npm.versions[v]?.segments[id]?.name || sources.nhapi.versions[v]?.segments[id]?.name || '';
    segments[id] = { id, name, fields: b.elements('field', id) };
  }

  // Data types: those the segments reach; a type is composite when a source gives components.
  const types = {};
  const reach = (id) => {
    if (types[id]) return;
    const composite = SOURCES.some((s) => (sources[s].versions[v]?.types[id]?.components.length ?? 0) > 0);
    const name = sources.npm.versions[v]?.types[id]?.name || sources.nhapi.versions[v]?.types[id]?.name || '';
    types[id] = { id, name, components: [] };
    if (composite) types[id].components = b.elements('component', id);
    for (const c of types[id].components) if (c.typeFrom === v) reach(c.type);
  };
  for (const s of Object.values(segments)) for (const f of s.fields) if (f.typeFrom === v) reach(f.type);
  applyElementOverrides(v, segments, types, overrides, tally);
  // An override may introduce a type.
  for (const s of Object.values(segments)) for (const f of s.fields) if (f.typeFrom === v) reach(f.type);
  for (const t of Object.values(types)) for (const c of t.components) if (c.typeFrom === v) reach(c.type);

  const keyed = (items) => {
    for (const it of items) if (!it.fixedKey) it.key = jsonKey(it.name, `field_${it.position}`);
    return uniqueKeys(items);
  };
  for (const s of Object.values(segments)) keyed(s.fields);
  for (const t of Object.values(types)) keyed(t.components);

  const events = eventsReconcile(b, structIds, overrides, tally);

  const tables = tablesFor(sources, v, segments, types, models, tally);
  return { version: v, segments, types, structures, events, tables };
}

// ---------------------------------------------------------------------------------------------
// overrides.json: structures
// ---------------------------------------------------------------------------------------------
function applyStructureOverrides(version, structures, overrides, tally) {
  for (const [i, o] of (overrides.structures ?? []).entries()) {
    const where = `overrides.json structures[${i}]`;
    checkNote(where, o);
    if (!o.versions.includes(version) || o.use) continue;
    const s = structures[o.structure];
    if (!s) throw new Error(`${where}: ${o.structure} not in ${version}`);
    // path: group names and segment ids from the top, "/"-separated; "#2" picks a later one, "<>"
    // the choice at that level.
    let nodes = s.children;
    let node = null;
    for (const part of o.path.split('/')) {
      const [name, nth] = part.split('#');
      // "<>" is a choice at that level.
      const matches = name === '<>' ? nodes.filter((n) => n.kind === 'choice') : flatten(nodes).filter((n) => n.id === name);
      node = matches[(Number(nth) || 1) - 1];
      if (!node) throw new Error(`${where}: ${o.path} not in ${version} ${o.structure}`);
      nodes = node.children ?? [];
    }
    let changed = false;
    for (const [k, val] of Object.entries(o.set)) {
      if (!['min', 'max', 'name'].includes(k) || (k === 'name' && node.kind !== 'group')) throw new Error(`${where}: cannot set ${k}`);
      const field = k === 'name' ? 'id' : k;
      if (node[field] !== val) changed = true;
      node[field] = val;
    }
    if (!changed) throw new Error(`${where}: ${version} already has ${JSON.stringify(o.set)} by the rules; remove the entry`);
    tally.override(version, 'structures: override');
  }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------
const FIRST_VERSIONED_TABLES = '2.3.1';

function tablesFor(sources, v, segments, types, models, tally) {
  const numbers = new Set();
  const note = (x) => {
    if (x.table) numbers.add(x.table);
  };
  Object.values(segments).forEach((s) => s.fields.forEach(note));
  Object.values(types).forEach((t) => t.components.forEach(note));
  const npmTables = sources.npm.versions[v]?.unversionedTables ?? sources.npm.versions['2.7.1'].unversionedTables;
  // hl7apy's tables are per version (2.3.1 on; 2.1–2.3 take 2.3.1's, the earliest); npm's are
  // one unversioned set (mostly 2.7's). A version's table holds the codes of both: the versioned
  // set brings what the version allowed and npm lacks (0125's CE and TS in 2.3/2.4), npm's what
  // hl7apy lacks, so validation never refuses a code a source lists.
  const versioned = versionIndex(v) >= versionIndex(FIRST_VERSIONED_TABLES) ? v : FIRST_VERSIONED_TABLES;
  const apy = sources.hl7apy.versions[versioned]?.tables ?? {};
  const out = [];
  for (const n of [...numbers].sort((x, y) => x - y)) {
    const a = apy[String(n)];
    const m = npmTables[String(n)];
    if (!a && !m) continue;
    const codes = [...new Set([...Object.keys(a?.values ?? {}), ...Object.keys(m?.values ?? {})])];
    const where = `table ${String(n).padStart(4, '0')}`;
    if (a && m) {
      const same = sameSet(Object.keys(a.values), Object.keys(m.values));
      tally.note(v, 'tables', same ? 'agree' : 'union of both', where, { value: codes.length, groups: [{ sources: ['hl7apy'], value: Object.keys(a.values).length }, { sources: ['npm'], value: Object.keys(m.values).length }] });
    } else tally.note(v, 'tables', 'single');
    const values = codes.sort(byCodeUnits).map((code) => ({ code, name: m?.values[code] ?? '' }));
    out.push({ number: n, name: (m?.name || a?.name || '').trim(), values });
  }
  return out;
}

function sameSet(a, b) {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

// ---------------------------------------------------------------------------------------------
export function reconcileAll(sources, overrides) {
  const tally = new Tally();
  const models = {};
  for (const v of VERSIONS) models[v] = buildVersion(sources, v, models, overrides, tally);
  return { models, tally };
}
