// hl7apy key-path agreement: how many key paths of our named JSON name the same element as hl7apy
// does (cmake/defs/README.md, "Key-path agreement with hl7apy", says how it is computed).
//
//   node tools/keypaths.mjs --cli build/dev/examples/hl7v2/hl7v2 --defs include/hl7v2/defs \
//        [--samples DIR] [--json-dir DIR] [--details FILE]
//
// --json-dir reads FILE.json (the output of `hl7v2 convert FILE`) instead of running the CLI, so
// an older build's output can be measured against the headers it was built from.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseHeader } from './headers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const VERSIONS = ['2.1', '2.2', '2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8'];

function args(argv) {
  const a = { samples: '/work/shared/samples/realworld', details: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    a[k] = argv[++i];
  }
  return a;
}

const num = (v) => v.split('.').map(Number);
const le = (a, b) => {
  const x = num(a);
  const y = num(b);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return true;
};

/** find_version of all.hpp: the newest version not newer than MSH-12. */
function findVersion(text) {
  const t = String(text ?? '').split('^')[0].trim();
  if (!/^2(\.\d+){1,2}$/.test(t)) return null;
  let best = VERSIONS[0];
  for (const v of VERSIONS) if (le(v, t)) best = v;
  return best;
}

// hl7apy's names, with the conventions of cmake/defs/reconcile.mjs nameForm evened out.
function form(key, typeIds, apy) {
  let tokens = key.toLowerCase().split('_').filter(Boolean);
  const out = [];
  for (const t of tokens) {
    if (t === 's' && out.length) out[out.length - 1] += 's';
    else if (t !== 'and') out.push(t);
  }
  tokens = out;
  if (apy) {
    const eg = tokens.findIndex((t, i) => t === 'e' && tokens[i + 1] === 'g');
    if (eg > 0) tokens = tokens.slice(0, eg);
  }
  return tokens;
}

function sameName(ours, pos, apyName, typeIds) {
  if (apyName === null || apyName === undefined) return null;
  const raw = ours === apyName.toLowerCase();
  // Our collision suffix "_<position>" is ours alone.
  const plain = ours.endsWith(`_${pos}`) ? ours.slice(0, -String(pos).length - 1) : ours;
  const a = form(plain, typeIds, false).join('_');
  const b = form(apyName, typeIds, true);
  const bNoType = b.length > 1 && typeIds.has(b[b.length - 1].toUpperCase()) ? b.slice(0, -1).join('_') : null;
  return { raw, conv: raw || a === b.join('_') || a === bNoType };
}

function main() {
  const a = args(process.argv.slice(2));
  const defsDir = resolve(a.defs);
  const defs = {};
  for (const v of VERSIONS) defs[v] = parseHeader(readFileSync(join(defsDir, `v${v.replace(/\./g, '_')}.hpp`), 'utf8'));
  const apy = JSON.parse(readFileSync(join(here, '..', 'sources', 'hl7apy.json'), 'utf8')).versions;
  const segmentFor = (v, id) => {
    if (defs[v].segments[id]) return defs[v];
    for (const w of VERSIONS) if (!le(w, v) && defs[w].segments[id]) return defs[w];
    return null;
  };
  const files = readdirSync(a.samples).filter((f) => f.endsWith('.hl7')).sort();
  const totals = { leaves: 0, compared: 0, raw: 0, conv: 0, positional: 0, noApy: 0, messages: 0 };
  const distinct = new Map();
  const misses = new Map();
  for (const f of files) {
    let out;
    if (a.jsonDir) {
      const p = join(a.jsonDir, `${f}.json`);
      out = existsSync(p) ? readFileSync(p, 'utf8') : '';
    } else {
      try {
        out = execFileSync(resolve(a.cli), ['convert', join(a.samples, f)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch (e) {
        out = e.stdout ?? '';
      }
    }
    for (const line of out.split('\n')) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      const msh = msg.msh;
      if (!msh) continue;
      const v0 = VERSIONS.find((v) => defs[v].segments.MSH);
      const vidKey = defs[v0].segments.MSH.fields[11]?.key;
      let vid = msh[vidKey] ?? Object.values(msh)[11];
      for (const v of VERSIONS) {
        const k = defs[v].segments.MSH.fields[11]?.key;
        if (k && msh[k] !== undefined) vid = msh[k];
      }
      if (vid && typeof vid === 'object') vid = Object.values(vid)[0];
      const version = findVersion(vid);
      if (!version) continue;
      totals.messages++;
      const apyV = apy[version];
      const typeIds = new Set(Object.keys(defs[version].typeIndex));
      for (const [segKey, segVal] of Object.entries(msg)) {
        const segId = segKey.replace(/\(\d+\)$/, '').toUpperCase();
        const owner = segmentFor(version, segId);
        for (const occ of Array.isArray(segVal) ? segVal : [segVal]) {
          if (!occ || typeof occ !== 'object') continue;
          for (const [fKey, fVal] of Object.entries(occ)) {
            const fd = owner?.segments[segId].fields.find((x) => x.key === fKey);
            const apyField = apyV?.segments[segId]?.fields.find((x) => x.pos === fd?.position);
            const leaves = [];
            const descend = (val, typeObj, keys, apyTypeId, apyNames, positions) => {
              if (val === null || typeof val !== 'object' || Array.isArray(val)) {
                if (Array.isArray(val) && keys.length === 1 && owner && fd.repeats !== 1) {
                  for (const r of val) descend(r, typeObj, keys, apyTypeId, apyNames, positions);
                  return;
                }
                leaves.push({ keys, apyNames, positions });
                return;
              }
              const t = owner.types[typeObj];
              for (const [ck, cv] of Object.entries(val)) {
                const ci = t?.components.findIndex((c) => c.key === ck) ?? -1;
                if (ci < 0) {
                  leaves.push({ keys: [...keys, ck], apyNames: null, positions, positional: true });
                  continue;
                }
                const apyComp = apyTypeId && apyV?.types[apyTypeId]?.components.find((c) => c.pos === ci + 1);
                descend(cv, t.components[ci].type, [...keys, ck], apyComp?.type ?? null,
                  apyNames && [...apyNames, apyComp?.name ?? null], [...positions, ci + 1]);
              }
            };
            if (!fd) {
              leaves.push({ keys: [fKey], positional: true });
            } else {
              const apyType = apyField && apyField.type !== 'WD' ? apyField.type : null;
              descend(fVal, fd.type, [fKey], apyType, apyField ? [apyField.name] : null, [fd.position]);
            }
            for (const leaf of leaves) {
              totals.leaves++;
              if (leaf.positional) {
                totals.positional++;
                continue;
              }
              if (!leaf.apyNames || leaf.apyNames.some((n) => n === null || n === undefined)) {
                totals.noApy++;
                continue;
              }
              totals.compared++;
              let raw = true;
              let conv = true;
              leaf.keys.forEach((k, i) => {
                const r = sameName(k, leaf.positions[i], leaf.apyNames[i], typeIds);
                raw &&= r.raw;
                conv &&= r.conv;
              });
              if (raw) totals.raw++;
              if (conv) totals.conv++;
              const path = `${version} ${segId}-${leaf.positions.join('.')} ${leaf.keys.join('.')}`;
              distinct.set(path, { raw, conv });
              if (!conv) {
                const k = `${path} | hl7apy ${leaf.apyNames.join('.')}`;
                misses.set(k, (misses.get(k) ?? 0) + 1);
              }
            }
          }
        }
      }
    }
  }
  const pct = (n, d) => (d ? ((100 * n) / d).toFixed(1) : '-');
  const d = [...distinct.values()];
  const res = {
    messages: totals.messages,
    leaves: totals.leaves,
    positional: totals.positional,
    noHl7apyName: totals.noApy,
    compared: totals.compared,
    exact: totals.raw,
    exactPct: pct(totals.raw, totals.compared),
    conventions: totals.conv,
    conventionsPct: pct(totals.conv, totals.compared),
    distinctPaths: d.length,
    distinctExactPct: pct(d.filter((x) => x.raw).length, d.length),
    distinctConventionsPct: pct(d.filter((x) => x.conv).length, d.length),
  };
  console.log(JSON.stringify(res, null, 1));
  if (a.details) {
    const rows = [...misses.entries()].sort((x, y) => y[1] - x[1]).map(([k, n]) => `${n}\t${k}`);
    writeFileSync(a.details, rows.join('\n') + '\n');
  }
}

main();
