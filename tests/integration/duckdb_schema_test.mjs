// Issue 10 §10: one shape per key inside a staging partition. A lake is built from the real-world set
// (tests/realworld/messages), and every structure=S/version=V prefix of its staging zone (the unit the
// named layout promises one schema for) is read with DuckDB's read_json_auto: no column, at any depth,
// may come out as JSON (DuckDB's type for values of mixed shapes) unless every value it holds is null.
// Usage: node duckdb_schema_test.mjs CLI MESSAGES_DIR WORK
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, freshDir, query } from './duckdb_common.mjs';

const [bin, messages, work] = process.argv.slice(2);
freshDir(work);
const lake = join(work, 'lake');
cli(bin, ['lake', 'ingest', '--lake', lake, '--no-progress', messages]);

// A DuckDB type text ("STRUCT(a VARCHAR, \"b c\" JSON[])") as a tree: {kind, fields | element}.
function parseType(text) {
  let i = 0;
  const ws = () => { while (text[i] === ' ') i++; };
  const name = () => {
    ws();
    if (text[i] === '"') {
      let s = '';
      for (i++; ; i++) {
        if (text[i] === '"' && text[i + 1] === '"') { s += '"'; i++; } else if (text[i] === '"') { i++; break; } else s += text[i];
      }
      return s;
    }
    const start = i;
    while (i < text.length && !' ,()[]'.includes(text[i])) i++;
    return text.slice(start, i);
  };
  const type = () => {
    ws();
    let t;
    if (text.startsWith('STRUCT(', i)) {
      i += 7;
      const fields = [];
      for (;;) {
        ws();
        if (text[i] === ')') { i++; break; }
        const key = name();
        fields.push([key, type()]);
        ws();
        if (text[i] === ',') i++;
      }
      t = { kind: 'struct', fields };
    } else {
      t = { kind: name() };
      if (text[i] === '(') { while (text[i] !== ')') i++; i++; }  // DECIMAL(18,3)
    }
    while (text[i] === '[' && text[i + 1] === ']') { i += 2; t = { kind: 'list', element: t }; }
    return t;
  };
  return type();
}

// Paths (arrays of keys, '[]' for list elements) to the JSON-typed leaves of a type.
function jsonPaths(t, path = [], out = []) {
  if (t.kind === 'JSON') out.push(path);
  else if (t.kind === 'struct') for (const [k, f] of t.fields) jsonPaths(f, [...path, k], out);
  else if (t.kind === 'list') jsonPaths(t.element, [...path, '[]'], out);
  return out;
}

// Does any record hold a non-null value at the path?
function holdsData(value, path) {
  if (value === null || value === undefined) return false;
  if (path.length === 0) return true;
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) && value.some((v) => holdsData(v, rest));
  return typeof value === 'object' && !Array.isArray(value) && holdsData(value[head], rest);
}

const staging = join(lake, 'staging');
let partitions = 0, records = 0, columns = 0;
const failures = [];
for (const s of readdirSync(staging).sort()) {
  for (const v of readdirSync(join(staging, s)).sort()) {
    const dir = join(staging, s, v);
    const files = [];
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name)); else if (e.name.endsWith('.ndjson')) files.push(join(d, e.name));
      }
    };
    walk(dir);
    const rows = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l)));
    const described = await query(`DESCRIBE SELECT * FROM read_json_auto('${dir}/**/*.ndjson', sample_size = -1,
      maximum_sample_files = -1, hive_partitioning = false)`);
    partitions++;
    records += rows.length;
    for (const { column_name, column_type } of described) {
      columns++;
      for (const path of jsonPaths(parseType(column_type))) {
        const full = [column_name, ...path];
        if (rows.some((r) => holdsData(r, full))) failures.push(`${s}/${v}: ${full.join('.')} is JSON`);
      }
    }
  }
}
console.log(`${partitions} partitions, ${records} records, ${columns} top-level columns`);
if (partitions < 10 || records < 150) {
  console.error('FAIL the lake holds fewer partitions or records than the real-world set gives');
  process.exit(1);
}
if (failures.length) {
  console.error(`FAIL ${failures.length} columns with data inferred as JSON:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('ok   no column with data is inferred as JSON in any structure/version partition');
