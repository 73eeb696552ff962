#!/usr/bin/env bash
# Runs one corpus through every peer, each in its own process (so one peer's garbage does not slow
# the next), and prints one JSON line per peer (keys in compare.js). A peer that cannot run is
# reported as {"peer", "available": false, "reason"}; that is never fatal.
#
# usage: bench/compare/compare.sh CORPUS [--runs K]
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
corpus="${1:?usage: compare.sh CORPUS [--runs K]}"; shift
runs=5
if [[ "${1:-}" == "--runs" ]]; then runs="${2:?--runs needs a number}"; fi

unavailable() { printf '{"peer":"%s","available":false,"reason":"%s"}\n' "$1" "$2"; }

# python-hl7 is Debian's python3-hl7, installed for the system interpreter (not a pyenv one on PATH).
if [[ -x /usr/bin/python3 ]]; then
  /usr/bin/python3 "$here/python_hl7.py" "$corpus" --runs "$runs" || unavailable python-hl7 "script failed"
else
  unavailable python-hl7 "/usr/bin/python3 not found"
fi

if ! command -v node >/dev/null; then
  for p in simple-hl7 @medplum/core @redoxengine/redox-hl7-v2 hl7-standard; do unavailable "$p" "node not found"; done
  exit 0
fi
node "$here/compare.js" --list | while read -r peer; do
  node "$here/compare.js" "$corpus" --runs "$runs" --peer "$peer" || unavailable "$peer" "script failed"
done
