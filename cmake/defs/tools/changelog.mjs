// Lists what changes for users of the named and grouped JSON between two generations of the
// definitions headers: field and component keys renamed, fields whose JSON shape changed (a value
// became an array or an object, or back), and group names (the grouped layout's keys).
//
//   node tools/changelog.mjs --old REV|DIR [--new DIR]     (markdown on stdout)
//
// REV is a git revision of this repository (its include/hl7v2/defs is read with git show); DIR a
// directory holding v2_*.hpp. --new defaults to the working tree's include/hl7v2/defs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseHeader } from './headers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const VERSIONS = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'];
const file = (v) => `v${v.replace(/\./g, '_')}.hpp`;

function load(where) {
  const out = {};
  for (const v of VERSIONS) {
    const text = existsSync(join(where, file(v)))
      ? readFileSync(join(where, file(v)), 'utf8')
      : execFileSync('git', ['-C', repo, 'show', `${where}:include/hl7v2/defs/${file(v)}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
    out[v] = parseHeader(text);
  }
  return out;
}

function args(argv) {
  const a = { new: join(repo, 'include/hl7v2/defs') };
  for (let i = 0; i < argv.length; i++) a[argv[i].replace(/^--/, '')] = argv[++i];
  return a;
}

/** Collects `what` (a string) per element, then lists each with the versions it holds in. */
class Grouped {
  constructor() {
    this.items = new Map();
  }

  add(element, what, version) {
    const k = `${element}\u0000${what}`;
    if (!this.items.has(k)) this.items.set(k, { element, what, versions: [] });
    this.items.get(k).versions.push(version);
  }

  get size() {
    return this.items.size;
  }

  count() {
    let n = 0;
    for (const x of this.items.values()) n += x.versions.length;
    return n;
  }

  lines() {
    const order = (e) => e.replace(/(\d+)/g, (d) => d.padStart(4, '0'));
    return [...this.items.values()]
      .sort((a, b) => (order(a.element) < order(b.element) ? -1 : order(a.element) > order(b.element) ? 1 : a.what < b.what ? -1 : 1))
      .map((x) => `- ${x.element} ${x.what} (${versionRanges(x.versions)})`);
  }
}

function versionRanges(vs) {
  const idx = [...new Set(vs)].map((v) => VERSIONS.indexOf(v)).sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < idx.length; i++) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j] + 1) j++;
    out.push(j > i ? `${VERSIONS[idx[i]]}–${VERSIONS[idx[j]]}` : VERSIONS[idx[i]]);
    i = j;
  }
  return out.join(', ');
}

/** The JSON kind of a field's value in the named layout: string, object, or an array of either. */
function shape(h, f) {
  const t = h.types[f.type];
  const one = t && t.components.length > 0 ? 'object' : 'string';
  return f.repeats === 1 ? one : `array of ${one}s`;
}

const typeOf = (h, f) => h.types[f.type]?.id ?? '?';

function groupPaths(nodes, prefix, out) {
  let i = 0;
  for (const n of nodes) {
    i++;
    if (n.kind === 'group') out.set(`${prefix}${i}`, n.id);
    if (n.children) groupPaths(n.children, `${prefix}${i}.`, out);
  }
  return out;
}

function main() {
  const a = args(process.argv.slice(2));
  const before = load(a.old);
  const after = load(a.new);
  const fieldKeys = new Grouped();
  const compKeys = new Grouped();
  const shapes = new Grouped();
  const types = new Grouped();
  const groups = new Grouped();
  for (const v of VERSIONS) {
    const o = before[v];
    const n = after[v];
    for (const [id, seg] of Object.entries(n.segments)) {
      const old = o.segments[id];
      if (!old) continue;
      for (const f of seg.fields) {
        const of = old.fields.find((x) => x.position === f.position);
        if (!of) continue;
        if (of.key !== f.key) fieldKeys.add(`${id}-${f.position}`, `\`${of.key}\` → \`${f.key}\``, v);
        const s0 = shape(o, of);
        const s1 = shape(n, f);
        const t0 = typeOf(o, of);
        const t1 = typeOf(n, f);
        if (s0 !== s1) shapes.add(`${id}-${f.position} \`${f.key}\``, `${s0} → ${s1}${t0 !== t1 ? ` (${t0} → ${t1})` : ''}`, v);
        else if (t0 !== t1 && s0.includes('object')) types.add(`${id}-${f.position} \`${f.key}\``, `${t0} → ${t1}`, v);
      }
    }
    for (const [tid, obj] of Object.entries(n.typeIndex)) {
      const oldObj = o.typeIndex[tid];
      if (!oldObj) continue;
      const t = n.types[obj];
      const ot = o.types[oldObj];
      t.components.forEach((c, i) => {
        const oc = ot.components[i];
        if (oc && oc.key !== c.key) compKeys.add(`${tid}.${i + 1}`, `\`${oc.key}\` → \`${c.key}\``, v);
      });
    }
    for (const [sid, s] of Object.entries(n.structures)) {
      const os = o.structures[sid];
      if (!os) continue;
      const g0 = [...groupPaths(os.children, '', new Map()).values()];
      const g1 = [...groupPaths(s.children, '', new Map()).values()];
      const gone = g0.filter((g) => !g1.includes(g));
      const added = g1.filter((g) => !g0.includes(g));
      if (gone.length || added.length) {
        groups.add(sid, `${gone.map((g) => `\`${g}\``).join(', ') || '(none)'} → ${added.map((g) => `\`${g}\``).join(', ') || '(none)'}`, v);
      }
    }
  }
  const out = [];
  out.push(`#### Field keys (${fieldKeys.count()} in ${fieldKeys.size} changes)`, '', ...fieldKeys.lines(), '');
  out.push(`#### Component keys (${compKeys.count()} in ${compKeys.size} changes)`, '', ...compKeys.lines(), '');
  out.push(`#### Field shapes: a value became an array, an object or a string (${shapes.count()} in ${shapes.size} changes)`, '', ...shapes.lines(), '');
  out.push(`#### Composite fields whose data type changed, so their component keys follow the new type (${types.count()} in ${types.size} changes)`, '', ...types.lines(), '');
  out.push(`#### Group names in the grouped layout (${groups.count()} structures)`, '', ...groups.lines(), '');
  process.stdout.write(out.join('\n'));
}

main();
