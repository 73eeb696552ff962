#!/usr/bin/env bash
# ./dev demo: the main job on the bundled samples. Usage: bash examples/demo.sh BUILD_DIR
#   1. hl7v2 convert: the samples as NDJSON, one message per line
#   2. hl7v2 lake ingest + status: a fresh lake under BUILD_DIR/demo-lake
#   3. the tutorial's query over the lake, with DuckDB when node and @duckdb/node-api are installed
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)"
hl7v2="$build/examples/hl7v2/hl7v2"
samples=("$root"/tests/data/*.hl7)
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "hl7v2 convert tests/data/*.hl7  (NDJSON, first 300 characters of each line)"
"$hl7v2" convert "${samples[@]}" | cut -c1-300

step "hl7v2 lake ingest --lake $build/demo-lake tests/data/*.hl7"
lake="$build/demo-lake"
rm -rf "$lake"
"$hl7v2" lake ingest --lake "$lake" "${samples[@]}"

step "hl7v2 lake status --lake $build/demo-lake"
"$hl7v2" lake status --lake "$lake"

step "the tutorial's query over staging/ (DuckDB)"
modules="$root/tests/integration/node_modules"
if command -v node >/dev/null && [[ -d "$modules/@duckdb/node-api" ]]; then
  LAKE="$lake" NODE_PATH="$modules" node --input-type=module -e "
    import { createRequire } from 'node:module';
    const { DuckDBInstance } = createRequire('$modules/')('@duckdb/node-api');
    const sql = \`SELECT msh.message_control_id, pid.set_id_patient_id, pid.patient_name.given_name,
      pid.patient_name.family_name FROM read_json_auto('\${process.env.LAKE}/staging/structure=ADT_A01/version=2.3/**/*.ndjson',
      hive_partitioning = true) AS staging\`;
    console.log(sql.replace(/\s+/g, ' '));
    const con = await (await DuckDBInstance.create(':memory:')).connect();
    for (const row of (await con.runAndReadAll(sql)).getRows()) console.log(row.join(' | '));
  "
else
  echo "DuckDB is not installed: run ./dev deps (npm ci in tests/integration), then ./dev demo again."
  echo "Or with the duckdb CLI: duckdb -c \"SELECT msh.message_control_id, pid.set_id_patient_id, pid.patient_name.given_name, pid.patient_name.family_name FROM read_json_auto('$lake/staging/structure=ADT_A01/version=2.3/**/*.ndjson', hive_partitioning = true) AS staging\""
fi
