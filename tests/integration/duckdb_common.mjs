// Shared by the DuckDB query tests: run the CLI, query with DuckDB, compare.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export function cli(bin, args, options = {}) {
  const r = spawnSync(bin, args, { maxBuffer: 1 << 30, ...options });
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  }
  return r;
}

export function freshDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function query(sql) {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) {
    console.error(`FAIL ${what}\n  expected ${e}\n  actual   ${a}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}

// HL7 2.3 PID-5 repeats; its key holds the first repetition, so the tutorial's query reads as published.
export const tutorialQuery = (from) =>
  `SELECT msh.message_control_id, pid.set_id_patient_id, pid.patient_name.given_name AS given_name, pid.patient_name.family_name AS family_name FROM ${from}`;
