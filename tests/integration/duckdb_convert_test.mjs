// Issue 4 §6: the tutorial's message converted with `hl7v2 convert` and read by DuckDB (read_json_auto)
// answers the tutorial's query with MSGID10001 | 1 | JOHN | DOE.
// Usage: node duckdb_convert_test.mjs CLI DATA WORK
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectEqual, freshDir, query, tutorialQuery } from './duckdb_common.mjs';

const [bin, data, work] = process.argv.slice(2);
freshDir(work);
const out = join(work, 'staging.ndjson');
writeFileSync(out, cli(bin, ['convert', join(data, 'blog_adt_a01.hl7')]).stdout);
const rows = await query(tutorialQuery(`read_json_auto('${out}') AS staging`));
expectEqual(rows, [{ message_control_id: 'MSGID10001', set_id_patient_id: '1', given_name: 'JOHN', family_name: 'DOE' }],
  'tutorial query over hl7v2 convert output');
