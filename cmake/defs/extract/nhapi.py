#!/usr/bin/env python3
"""Extracts HL7 v2 definition facts from a snapshot of nHapi (nHapiNET/nHapi, MPL-2.0) into
cmake/defs/sources/nhapi.json.

    python3 extract/nhapi.py --git-dir /work/.mirror/nHapiNET+nHapi/repo [--commit SHA] [--out FILE]

nHapi's models are C# generated from the HL7 database (src/NHapi.Model.V21 ... V28). This script
reads them with `git show` and takes facts only, by pattern, from the constructor calls:
  Segment/*.cs   this.add(typeof(TYPE), required, maxReps(0 = unbounded), length,
                          new System.Object[]{message[, table]}, "Description");
  Datatype/*.cs  data[i] = new TYPE(message[, table], "Description");
  Group/*.cs, Message/*.cs   this.add(typeof(CHILD), required, repeating);
  EventMapping/EventMap.properties   EVENT <tab> STRUCTURE
No code or prose is copied; see cmake/defs/README.md ("Facts files") for the normalized form.
nHapi flattens choice groups (ORM_O01's <OBR|RQD|...> is six required segments): the facts
file records what nHapi says, and the reconciliation knows that flaw.
"""

import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import factsfile  # noqa: E402

REPOSITORY = 'https://github.com/nHapiNET/nHapi'
LICENCE = 'MPL-2.0'
VERSIONS = {'V21': '2.1', 'V22': '2.2', 'V23': '2.3', 'V231': '2.3.1', 'V24': '2.4', 'V25': '2.5',
            'V251': '2.5.1', 'V26': '2.6', 'V27': '2.7', 'V271': '2.7.1', 'V28': '2.8'}

STRING = r'"((?:[^"\\]|\\.)*)"'
SEG_ADD = re.compile(r'this\.add\(typeof\((\w+)\),\s*(true|false),\s*(-?\d+),\s*(-?\d+),\s*'
                     r'new System\.Object\[\]\{\s*message\s*(?:,\s*(-?\d+)\s*)?\},\s*' + STRING + r'\s*\);')
GRP_ADD = re.compile(r'this\.add\(typeof\((\w+)\),\s*(true|false),\s*(true|false)\s*\);')
COMPONENT = re.compile(r'data\[(\d+)\]\s*=\s*new\s+(\w+)\(\s*message\s*,\s*(?:(-?\d+)\s*,\s*)?' + STRING + r'\s*\);')
SEG_NAME = re.compile(r'Creates an? (\w+) \((.*?)\) segment object')
TYPE_NAME = re.compile(r'The HL7 (\w+) \((.*?)\) data type')


def unescape(s):
    return re.sub(r'\\(.)', r'\1', s)


class Snapshot:
    def __init__(self, git_dir, commit):
        self.git_dir, self.commit = git_dir, commit

    def ls(self, path):
        r = subprocess.run(['git', '--git-dir', self.git_dir, 'ls-tree', '--name-only', f'{self.commit}:{path}'],
                           capture_output=True, text=True)
        return sorted(r.stdout.split()) if r.returncode == 0 else []

    def show(self, path):
        return subprocess.run(['git', '--git-dir', self.git_dir, 'show', f'{self.commit}:{path}'],
                              check=True, capture_output=True).stdout.decode('utf-8-sig')


def extract_version(snap, d):
    base = f'src/NHapi.Model.{d}'
    segments = {}
    for f in snap.ls(f'{base}/Segment'):
        if not f.endswith('.cs'):
            continue
        text = snap.show(f'{base}/Segment/{f}')
        seg_id = f[:-3]
        rows = []
        for i, m in enumerate(SEG_ADD.finditer(text), start=1):
            type_id, req, reps, length, table, desc = m.groups()
            rows.append({'pos': i, 'type': type_id, 'required': req == 'true', 'reps': int(reps),
                         'len': int(length), 'table': int(table) if table else 0, 'name': unescape(desc)})
        nm = SEG_NAME.search(text)
        segments[seg_id] = {'name': unescape(nm.group(2)) if nm else '', 'fields': rows}

    types = {}
    for f in snap.ls(f'{base}/Datatype'):
        if not f.endswith('.cs'):
            continue
        text = snap.show(f'{base}/Datatype/{f}')
        type_id = f[:-3]
        comps = [{'pos': int(m.group(1)) + 1, 'type': m.group(2), 'table': int(m.group(3)) if m.group(3) else 0,
                  'name': unescape(m.group(4))} for m in COMPONENT.finditer(text)]
        if comps and [c['pos'] for c in comps] != list(range(1, len(comps) + 1)):
            raise ValueError(f'{d} {type_id}: component positions are not 1..n')
        nm = TYPE_NAME.search(text)
        types[type_id] = {'name': unescape(nm.group(2)) if nm else '', 'components': comps}

    group_files = {f[:-3] for f in snap.ls(f'{base}/Group') if f.endswith('.cs')}
    group_children = {}
    for g in sorted(group_files):
        group_children[g] = GRP_ADD.findall(snap.show(f'{base}/Group/{g}.cs'))

    def nodes(children, trail):
        out = []
        for child, req, rep in children:
            node = {'min': 1 if req == 'true' else 0, 'max': 0 if rep == 'true' else 1}
            if child in group_files:
                if child in trail:
                    raise ValueError(f'{d}: group {child} contains itself')
                node['grp'] = child
                node['ch'] = nodes(group_children[child], trail | {child})
            else:
                node['seg'] = child
            out.append(node)
        return out

    structures = {}
    for f in snap.ls(f'{base}/Message'):
        if f.endswith('.cs'):
            structures[f[:-3]] = nodes(GRP_ADD.findall(snap.show(f'{base}/Message/{f}')), frozenset())

    events = {}
    for f in snap.ls(f'{base}/EventMapping'):
        for line in snap.show(f'{base}/EventMapping/{f}').splitlines():
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split()
            if len(parts) == 2:
                events[parts[0]] = parts[1]
    return {'segments': segments, 'types': types, 'structures': structures, 'events': events}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--git-dir', required=True)
    ap.add_argument('--commit', default='HEAD')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'sources', 'nhapi.json'))
    args = ap.parse_args()
    commit = subprocess.run(['git', '--git-dir', args.git_dir, 'rev-parse', args.commit + '^{commit}'],
                            check=True, capture_output=True, text=True).stdout.strip()
    snap = Snapshot(args.git_dir, commit)
    versions = {v: extract_version(snap, d) for d, v in VERSIONS.items()}
    provenance = {'repository': REPOSITORY, 'commit': commit, 'licence': LICENCE,
                  'script': 'cmake/defs/extract/nhapi.py',
                  'read': 'src/NHapi.Model.V*/{Segment,Datatype,Group,Message,EventMapping}'}
    factsfile.write(args.out, provenance, versions)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
