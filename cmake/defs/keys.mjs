// The JSON key rule (documented in README.md; include/hl7v2/defs/keys.hpp implements the same
// rule, and tests/defs checks that both agree on every generated key).
export const LEADING_DIGIT_PREFIX = 'n_';

/** Description → JSON key: lower snake_case ASCII; apostrophes dropped; every run of other
 *  characters that are not ASCII letters or digits becomes one '_'; trimmed of '_'; a key that
 *  would start with a digit gets the prefix "n_"; an empty result gives `fallback`. */
export function jsonKey(description, fallback = '') {
  let out = '';
  let pendingSep = false;
  for (const ch of description) {
    if (ch === "'" || ch === '\u2019') continue;
    const lower = ch.toLowerCase();
    if (/^[a-z0-9]$/.test(lower) && ch.charCodeAt(0) < 128) {
      if (pendingSep && out.length > 0) out += '_';
      pendingSep = false;
      out += lower;
    } else {
      pendingSep = true;
    }
  }
  if (out === '') return fallback;
  if (/^[0-9]/.test(out)) out = LEADING_DIGIT_PREFIX + out;
  return out;
}

/** Keys inside one segment or type must be unique: the first field (lowest position) keeps the
 *  plain key, every later field with the same key gets "_<position>" appended (again, in the
 *  unlikely case that is taken too). Keys set in overrides.json are never renamed. */
export function uniqueKeys(items) {
  const seen = new Set(items.filter((it) => it.fixedKey).map((it) => it.key));
  for (const it of items) {
    if (it.fixedKey) continue;
    while (seen.has(it.key)) it.key = `${it.key}_${it.position}`;
    seen.add(it.key);
  }
  return items;
}
