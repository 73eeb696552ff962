#!/usr/bin/env python3
"""Extracts HL7 v2 definition facts from a snapshot of hl7apy (crs4/hl7apy, MIT) into
cmake/defs/sources/hl7apy.json.

    python3 extract/hl7apy.py --git-dir /work/.mirror/crs4+hl7apy/repo [--commit SHA] [--out FILE]

The snapshot is read with `git show` (no work tree needed). hl7apy's tables are Python dict
literals (hl7apy/v2_x/{segments,fields,datatypes,groups,messages,tables}.py); they are parsed
with the `ast` module and evaluated by the small literal evaluator below, never imported or
executed. What is written is facts only (ids, types, names, cardinalities, table numbers and
codes), normalized as described in cmake/defs/README.md ("Facts files").
"""

import argparse
import ast
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import factsfile  # noqa: E402

REPOSITORY = 'https://github.com/crs4/hl7apy'
LICENCE = 'MIT'
# hl7apy directory → HL7 version. hl7apy has no 2.7.1; 2.8.1 and 2.8.2 are beyond our range.
VERSIONS = {'v2_1': '2.1', 'v2_2': '2.2', 'v2_3': '2.3', 'v2_3_1': '2.3.1', 'v2_4': '2.4',
            'v2_5': '2.5', 'v2_5_1': '2.5.1', 'v2_6': '2.6', 'v2_7': '2.7', 'v2_8': '2.8'}


class Ref:
    """A reference such as FIELDS['PID_5'] inside a literal: kept symbolic, resolved later."""

    def __init__(self, table, key):
        self.table, self.key = table, key


def literal(node):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        return [literal(x) for x in node.elts]
    if isinstance(node, ast.Dict):
        return {literal(k): literal(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -literal(node.operand)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        key = node.slice.value if isinstance(node.slice, ast.Index) else node.slice
        return Ref(node.value.id, literal(key))
    raise ValueError(f'unsupported literal at line {node.lineno}: {ast.dump(node)[:80]}')


def assignments(source, names):
    """The top-level `NAME = {...}` literals of a module, by name."""
    out = {}
    for stmt in ast.parse(source).body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            if stmt.targets[0].id in names:
                out[stmt.targets[0].id] = literal(stmt.value)
    return out


def git_show(git_dir, commit, path):
    r = subprocess.run(['git', '--git-dir', git_dir, 'show', f'{commit}:{path}'], capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout.decode('utf-8')


def table_number(t):
    if t is None:
        return 0
    if not (isinstance(t, str) and t.startswith('HL7') and t[3:].isdigit()):
        raise ValueError(f'unexpected table reference {t!r}')
    return int(t[3:])


def element(defn):
    """(kind, struct, TYPE, LONG_NAME, table, max_length) → normalized element facts."""
    if len(defn) == 7:  # 2.1 RX1_30 lists two types ('TX', 'CE'): no type fact
        kind, _struct, _t1, _t2, long_name, table, max_length = defn
        type_id = None
    else:
        kind, _struct, type_id, long_name, table, max_length = defn
    e = {'type': type_id, 'name': long_name, 'table': table_number(table)}
    if isinstance(max_length, int) and max_length > 0:  # hl7apy gives -1 (none) everywhere today
        e['len'] = max_length
    return e


def split_kind(value):
    """('sequence', children), ('sequence',) (no children) or a bare children tuple (2.1 ORO)."""
    if value and isinstance(value[0], str):
        return value[0], value[1] if len(value) > 1 else []
    return 'sequence', value


def position(child_name):
    return int(child_name.rsplit('_', 1)[1])


def extract_version(git_dir, commit, d):
    base = f'hl7apy/{d}'
    src = {n: git_show(git_dir, commit, f'{base}/{n}.py') for n in
           ('datatypes', 'fields', 'segments', 'groups', 'messages', 'tables')}
    dt = assignments(src['datatypes'], {'DATATYPES', 'DATATYPES_STRUCTS'})
    fields = assignments(src['fields'], {'FIELDS'})['FIELDS']
    segments = assignments(src['segments'], {'SEGMENTS'})['SEGMENTS']
    groups = assignments(src['groups'], {'GROUPS'})['GROUPS']
    messages = assignments(src['messages'], {'MESSAGES'})['MESSAGES']
    tables = assignments(src['tables'], {'TABLES'})['TABLES'] if src['tables'] else {}

    out_types = {}
    for type_id, comps in dt['DATATYPES_STRUCTS'].items():
        rows = []
        for name, ref, (mn, mx), kind in comps:
            assert kind == 'CMP' and isinstance(ref, Ref) and ref.table == 'DATATYPES', (type_id, name)
            e = element(dt['DATATYPES'][ref.key])
            e.update(pos=position(name), min=mn, max=mx)
            rows.append(e)
        out_types[type_id] = {'components': rows}

    out_segments = {}
    for seg_id, value in segments.items():
        kind, children = split_kind(value)
        if kind == 'choice':
            continue  # ANYHL7SEGMENT (2.7+): a placeholder for "any segment", not a segment
        rows = []
        for name, ref, (mn, mx), what in children:
            assert what == 'FIE' and isinstance(ref, Ref) and ref.table == 'FIELDS', (seg_id, name)
            e = element(fields[ref.key])
            e.update(pos=position(name), min=mn, max=mx)
            rows.append(e)
        out_segments[seg_id] = {'fields': rows}

    def nodes(children, trail):
        out = []
        for name, _ref, (mn, mx), what in children:
            if what == 'SEG':
                out.append({'seg': name, 'min': mn, 'max': mx})
            elif what == 'GRP':
                if name in trail:
                    raise ValueError(f'{d}: group {name} contains itself')
                gkind, gchildren = groups[name]
                key = {'sequence': 'grp', 'choice': 'choice'}[gkind]
                out.append({key: name, 'min': mn, 'max': mx, 'ch': nodes(gchildren, trail | {name})})
            else:
                raise ValueError(f'{d}: unexpected child kind {what}')
        return out

    out_structures = {}
    for msg_id, (kind, children) in messages.items():
        assert kind == 'sequence', msg_id
        out_structures[msg_id] = nodes(children, frozenset())

    out_tables = {}
    for t, (desc, codes) in tables.items():
        out_tables[str(table_number(t))] = {'name': desc, 'codes': sorted(set(codes))}

    return {'segments': out_segments, 'types': out_types, 'structures': out_structures, 'tables': out_tables}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--git-dir', required=True)
    ap.add_argument('--commit', default='HEAD')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'sources', 'hl7apy.json'))
    args = ap.parse_args()
    commit = subprocess.run(['git', '--git-dir', args.git_dir, 'rev-parse', args.commit + '^{commit}'],
                            check=True, capture_output=True, text=True).stdout.strip()
    versions = {v: extract_version(args.git_dir, commit, d) for d, v in VERSIONS.items()}
    provenance = {'repository': REPOSITORY, 'commit': commit, 'licence': LICENCE,
                  'script': 'cmake/defs/extract/hl7apy.py',
                  'read': 'hl7apy/v2_x/{segments,fields,datatypes,groups,messages,tables}.py'}
    factsfile.write(args.out, provenance, versions)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
