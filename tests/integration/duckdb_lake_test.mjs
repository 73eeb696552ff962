// Issue 5 §5: a lake ingest of the samples and a generated corpus, queried with DuckDB over
// staging/**/*.ndjson with Hive partitions: counts per message type match the manifests, and the
// tutorial query finds its row. Usage: node duckdb_lake_test.mjs CLI DATA WORK
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectEqual, freshDir, query, tutorialQuery } from './duckdb_common.mjs';

const [bin, data, work] = process.argv.slice(2);
freshDir(work);

// A small generated corpus: ADT and ORU in two versions.
const corpus = join(work, 'corpus');
mkdirSync(corpus);
const kinds = ['ADT^A01^ADT_A01', 'ADT^A08^ADT_A01', 'ORU^R01^ORU_R01'];
for (let f = 0; f < 4; f++) {
  let text = '';
  for (let i = 0; i < 250; i++) {
    const n = f * 250 + i, kind = kinds[n % 3], version = n % 2 ? '2.5.1' : '2.4';
    text += `MSH|^~\\&|GEN|FAC|LAKE|FAC|20250101120000||${kind}|GEN${n}|P|${version}\r` +
      `PID|${n % 9 + 1}||MRN${n}^^^FAC^MR||NAME${n}^GIVEN${n}||19800101|F\r` +
      (kind.startsWith('ORU') ? `OBR|1|P${n}|F${n}|1^X^LN\rOBX|1|NM|718-7^Hb^LN||13.${n % 10}|g/dL\r` : `PV1|1|O\r`);
  }
  writeFileSync(join(corpus, `feed_${f}.hl7`), text);
}

const lake = join(work, 'lake');
const samples = ['blog_adt_a01.hl7', 'oru_r01_lab.hl7', 'lf_feed_two_messages.hl7'].map((n) => join(data, n));
cli(bin, ['lake', 'ingest', '--lake', lake, '--no-progress', ...samples, corpus]);

// Expected counts per message type, from the manifests.
const expected = {};
for (const f of readdirSync(join(lake, 'manifest')).filter((f) => f.endsWith('.json'))) {
  const m = JSON.parse(readFileSync(join(lake, 'manifest', f), 'utf8'));
  for (const [key, n] of Object.entries(m.partitions)) {
    const type = key.split('/').find((k) => k.startsWith('message_type=')).replace('message_type=', '');
    expected[type] = (expected[type] ?? 0) + n;
  }
}
const staging = `read_json_auto('${lake}/staging/**/*.ndjson', hive_partitioning = true, union_by_name = true)`;
const counts = await query(`SELECT message_type, count(*)::INTEGER AS n FROM ${staging} GROUP BY message_type ORDER BY message_type`);
const wanted = Object.keys(expected).sort().map((t) => ({ message_type: t, n: expected[t] }));
expectEqual(counts, wanted, 'counts per message type match the manifests');
if (wanted.reduce((s, r) => s + r.n, 0) !== 1000 + 4) {
  console.error('FAIL manifests do not account for every staged message');
  process.exit(1);
}

// The named layout has one schema per message structure and version, the staging zone's first two
// partition levels: the tutorial's query runs over one of them, as a Glue table per partition would.
const v23 = `read_json_auto('${lake}/staging/structure=ADT_A01/version=2.3/**/*.ndjson', hive_partitioning = true)`;
const rows = await query(`${tutorialQuery(`${v23} AS staging`)} WHERE msh.message_control_id = 'MSGID10001'`);
expectEqual(rows, [{ message_control_id: 'MSGID10001', set_id_patient_id: '1', given_name: 'JOHN', family_name: 'DOE' }],
  'tutorial query over the lake (version 2.3 partition)');
// Over every version at once, the mixed shapes are read as JSON and extracted with ->>.
const all = await query(`SELECT msh->>'message_control_id' AS id, _source_sha256 IS NOT NULL AS traced FROM ${staging}
  WHERE msh->>'message_control_id' = 'MSGID10001'`);
expectEqual(all, [{ id: 'MSGID10001', traced: true }], 'tutorial message found once across the whole lake');

const versions = await query(`SELECT version, count(*)::INTEGER AS n FROM ${staging} WHERE message_type = 'ADT_A08' GROUP BY version ORDER BY version`);
expectEqual(versions.map((r) => r.version), ['2.4', '2.5.1'], 'partition columns are queryable');
// ADT^A08 has the structure ADT_A01, so its records share ADT_A01's partitions (and schema).
const structures = await query(`SELECT DISTINCT structure FROM ${staging} WHERE message_type = 'ADT_A08'`);
expectEqual(structures, [{ structure: 'ADT_A01' }], 'messages are partitioned by their resolved structure');
