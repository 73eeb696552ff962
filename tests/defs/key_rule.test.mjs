// The generator's JSON key rule (cmake/defs/generate.mjs). Run: node --test key_rule.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { jsonKey, uniqueKeys } from '../../cmake/defs/generate.mjs';

test('descriptions become lower snake_case ASCII', () => {
  assert.equal(jsonKey('Message Control ID'), 'message_control_id');
  assert.equal(jsonKey('Set ID - Patient ID'), 'set_id_patient_id');
  assert.equal(jsonKey('Date/Time of Message'), 'date_time_of_message');
  assert.equal(jsonKey('  --Family + Last Name--  '), 'family_last_name');
});

test('apostrophes are dropped, other non-ASCII separates', () => {
  assert.equal(jsonKey("Mother's Maiden Name"), 'mothers_maiden_name');
  assert.equal(jsonKey('Mother\u2019s Maiden Name'), 'mothers_maiden_name');
  assert.equal(jsonKey('Caf\u00e9 Name'), 'caf_name');
  assert.equal(jsonKey('\u212Aelvin'), 'elvin');  // KELVIN SIGN lowercases to k, but is not ASCII
});

test('leading digit gets the n_ prefix, empty gets the fallback', () => {
  assert.equal(jsonKey('1st Given Name'), 'n_1st_given_name');
  assert.equal(jsonKey('', 'field_3'), 'field_3');
  assert.equal(jsonKey('---', 'field_3'), 'field_3');
});

test('collisions: the first keeps the key, later ones get _<position>', () => {
  const items = uniqueKeys([
    { position: 1, key: 'unused' },
    { position: 2, key: 'unused' },
    { position: 3, key: 'dose' },
    { position: 13, key: 'unused' },
  ]);
  assert.deepEqual(items.map((i) => i.key), ['unused', 'unused_2', 'dose', 'unused_13']);
});

test('a suffixed key that is taken too gets another suffix', () => {
  const items = uniqueKeys([
    { position: 1, key: 'code' },
    { position: 2, key: 'code' },
    { position: 3, key: 'code_2', fixedKey: true },
  ]);
  assert.deepEqual(items.map((i) => i.key), ['code', 'code_2_2', 'code_2']);
});

test('a key set by overrides.json is never renamed', () => {
  const items = uniqueKeys([
    { position: 1, key: 'patient_id' },
    { position: 2, key: 'patient_id', fixedKey: true },
  ]);
  assert.deepEqual(items.map((i) => i.key), ['patient_id_1', 'patient_id']);
});
