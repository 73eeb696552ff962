"""Writes a normalized facts file (shared by the extraction scripts in this directory).

The file is JSON, deterministic (keys sorted, no floats, no timestamps) and line-oriented so a
diff shows which definition changed: one line per segment, data type, structure and table."""

import json


def _dump(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def write(path, provenance, versions):
    """provenance: dict (repository, commit, licence, script, ...); versions: {version: {section:
    {id: value}}} where section is segments, types, structures, tables or events."""
    lines = ['{', '"provenance":' + _dump(provenance) + ',', '"versions":{']
    vkeys = sorted(versions, key=lambda v: [int(x) for x in v.split('.')])
    for vi, v in enumerate(vkeys):
        lines.append(_dump(v) + ':{')
        sections = sorted(versions[v])
        for si, s in enumerate(sections):
            lines.append(_dump(s) + ':{')
            items = versions[v][s]
            keys = sorted(items)
            for ki, k in enumerate(keys):
                lines.append(_dump(k) + ':' + _dump(items[k]) + (',' if ki + 1 < len(keys) else ''))
            lines.append('}' + (',' if si + 1 < len(sections) else ''))
        lines.append('}' + (',' if vi + 1 < len(vkeys) else ''))
    lines.append('}', )
    lines.append('}')
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write('\n'.join(lines) + '\n')
