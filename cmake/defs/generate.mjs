// Generates include/hl7v2/defs/v2_*.hpp and defs/parts/ from three sources of HL7 v2 definitions, reconciled
// fact by fact, plus the reviewed fixes in overrides.json (README.md says how).
//
//   node generate.mjs [--out DIR] [--report FILE]
//     DIR    where the headers go (default ../../include/hl7v2/defs)
//     FILE   where the reconciliation report goes (default ./RECONCILIATION.md, and then the
//            summary table in README.md is refreshed too)
//   node generate.mjs --log
//     every disagreement, what each source said and how it was resolved, one per line
//
// The modules: model.mjs reads the sources into one shape, reconcile.mjs decides every fact,
// emit.mjs writes C++; keys.mjs is the JSON key rule. Output is deterministic: every map is
// walked in sorted order and nothing depends on time or on the machine.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { emitAll } from './emit.mjs';
import { loadSources, VERSIONS } from './model.mjs';
import { reconcileAll } from './reconcile.mjs';
import { renderReport, renderSummary, SUMMARY_BEGIN, SUMMARY_END } from './report.mjs';

export { jsonKey, LEADING_DIGIT_PREFIX, uniqueKeys } from './keys.mjs';
export { VERSIONS };

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = { out: resolve(here, '../../include/hl7v2/defs'), report: join(here, 'RECONCILIATION.md'), log: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--report') args.report = resolve(argv[++i]);
    else if (argv[i] === '--log') args.log = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Everything the generator decides, for tools (tests, the CHANGELOG script) to inspect. */
export async function buildModels() {
  const overrides = JSON.parse(readFileSync(join(here, 'overrides.json'), 'utf8'));
  const sources = await loadSources();
  const { models, tally } = reconcileAll(sources, overrides);
  const provenance = ['npm', 'hl7apy', 'nhapi'].map((s) => sources[s].provenance).join(', ');
  return { sources, models, tally, overrides, provenance };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { sources, models, tally, provenance } = await buildModels();
  if (args.log) {
    process.stdout.write(tally.log.map((r) => r.join(' | ')).join('\n') + '\n');
    return;
  }
  // The parts are named by the versions that share them: a regeneration may drop some, so the folder is
  // written anew.
  mkdirSync(args.out, { recursive: true });
  const partsDir = join(args.out, 'parts');
  rmSync(partsDir, { recursive: true, force: true });
  mkdirSync(partsDir);
  const files = emitAll(models, VERSIONS, provenance);
  for (const [rel, text] of Object.entries(files)) writeFileSync(join(args.out, rel), text);
  console.log(`wrote ${Object.keys(files).length} headers into ${args.out} (${readdirSync(partsDir).length} in parts/)`);
  writeFileSync(args.report, renderReport(tally, sources, provenance));
  console.log(`wrote ${args.report}`);
  // A regeneration in place also refreshes the summary table README.md carries.
  if (args.report === join(here, 'RECONCILIATION.md')) {
    const readme = join(here, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const a = text.indexOf(SUMMARY_BEGIN);
    const b = text.indexOf(SUMMARY_END);
    if (a < 0 || b < a) throw new Error('README.md lacks the reconciliation summary markers');
    const next = text.slice(0, a) + renderSummary(tally, sources) + text.slice(b + SUMMARY_END.length);
    if (next !== text) {
      writeFileSync(readme, next);
      console.log(`updated the summary in ${readme}`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`generate.mjs: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}

