// Reads a generated definitions header (include/hl7v2/defs/v2_*.hpp) back into plain objects, so
// tools can compare two generations (CHANGELOG keys) or map named-JSON keys to positions. It
// knows only the emission format of emit.mjs.
const STR = /str\("((?:[^"\\]|\\.)*)", (\d+)\)/g;

function unescape(body) {
  const bytes = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function strings(line) {
  return [...line.matchAll(STR)].map((m) => unescape(m[1]));
}

/** → {version, segments: {id: {name, fields: [{position, name, key, type, opt, repeats, len, table}]}},
 *     types: {objectName: {id, name, components: [{name, key, type, opt, len, table}]}},
 *     typeIndex: {id: objectName}, structures: {id: {name, children}}, events: {event: structureId}}
 *  where a field's or component's `type` is the object name of its type. */
export function parseHeader(text) {
  const lines = text.split('\n');
  const arrays = {}; // object name → rows (raw lines)
  const types = {};
  const segmentsByObject = {};
  const structuresByObject = {};
  let version = null;
  const segIndex = [];
  const typeIndex = [];
  const structIndex = [];
  const events = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m = line.match(/^inline constexpr (\w+) (\w+)\[\] = \{$/);
    if (m) {
      const rows = [];
      while (lines[++i] !== '};') rows.push(lines[i]);
      const [, kind, name] = m;
      if (kind === 'segment_entry') segIndex.push(...rows.map((r) => r.match(/&(\w+)\}/)[1]));
      else if (kind === 'event_entry') events.push(...rows.map((r) => [strings(r)[0], r.match(/&(\w+)\}/)[1]]));
      else if (kind === 'const type_def*') typeIndex.push(...rows.map((r) => r.match(/&(\w+)/)[1]));
      else arrays[name] = { kind, rows };
      continue;
    }
    m = line.match(/^inline constexpr const (\w+)\* (\w+)\[\] = \{$/);
    if (m) {
      const rows = [];
      while (lines[++i] !== '};') rows.push(lines[i]);
      if (m[1] === 'type_def') typeIndex.push(...rows.map((r) => r.match(/&(\w+)/)[1]));
      else if (m[1] === 'structure_def') structIndex.push(...rows.map((r) => r.match(/&(\w+)/)[1]));
      continue;
    }
    m = line.match(/^inline constexpr (type_def|segment_def|structure_def) (\w+)\{(.*)\};$/);
    if (m) {
      const [, kind, name, body] = m;
      const [id, desc] = strings(body);
      const ref = body.replace(STR, '').match(/,\s*,\s*(\w+), (\d+)$/);
      const rows = ref && ref[1] !== 'nullptr' ? arrays[ref[1]].rows : [];
      if (kind === 'type_def') {
        types[name] = {
          id,
          name: desc,
          components: rows.map((r) => {
            const [n, key] = strings(r);
            const rest = r.replace(STR, '').match(/&(\w+), optionality::(\w+), (\d+), (\d+)\}/);
            return { name: n, key, type: rest[1], opt: rest[2], len: Number(rest[3]), table: Number(rest[4]) };
          }),
        };
      } else if (kind === 'segment_def') {
        segmentsByObject[name] = {
          id,
          name: desc,
          fields: rows.map((r) => {
            const [n, key] = strings(r);
            const rest = r.replace(STR, '').match(/\{(\d+), , , &(\w+), optionality::(\w+), (\d+), (\d+), (\d+)\}/);
            return { position: Number(rest[1]), name: n, key, type: rest[2], opt: rest[3], repeats: Number(rest[4]), len: Number(rest[5]), table: Number(rest[6]) };
          }),
        };
      } else {
        const nodes = (arrayName) =>
          arrays[arrayName].rows.map((r) => {
            const [nid] = strings(r);
            const parts = r.replace(STR, '').match(/\{node_kind::(\w+), , (\d+), (\d+)(?:, (\w+), (\d+))?\}/);
            const n = { kind: parts[1], id: nid, min: Number(parts[2]), max: Number(parts[3]) };
            if (parts[4]) n.children = nodes(parts[4]);
            return n;
          });
        structuresByObject[name] = { id, name: desc, children: ref ? nodes(ref[1]) : [] };
      }
      continue;
    }
    m = line.match(/^inline constexpr version_def \w+\{$/);
    if (m) version = strings(lines[i + 1])[0];
  }
  const segments = {};
  for (const o of segIndex) segments[segmentsByObject[o].id] = segmentsByObject[o];
  const typeIds = {};
  for (const o of typeIndex) typeIds[types[o].id] = o;
  const structures = {};
  const structIds = {};
  for (const o of structIndex) {
    structures[structuresByObject[o].id] = structuresByObject[o];
    structIds[o] = structuresByObject[o].id;
  }
  return {
    version,
    segments,
    types,
    typeIndex: typeIds,
    structures,
    events: Object.fromEntries(events.map(([e, o]) => [e, structIds[o]])),
  };
}
