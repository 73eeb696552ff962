#!/usr/bin/env bash
# The whole benchmark: generate the corpus (once) into the build dir, run hl7v2-bench on it, run the
# peers (bench/compare) on the same file, and print one table with ratios. `./dev bench` calls this.
#
# usage: bash bench/run.sh BUILD_DIR [--count N] [--seed S] [--corpus FILE] [--runs K] [--no-peers]
#                                    [-- hl7v2-bench args...]
#   --count N     messages in the generated corpus (default 10000)
#   --corpus FILE use this corpus instead of generating one
#   --runs K      timed passes for hl7v2 and each peer (default 5)
#   --no-peers    hl7v2 only
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: bench/run.sh BUILD_DIR [options]}"; shift
count=10000 seed=1 runs=5 corpus="" peers=1 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-peers) peers=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bin="$build/bench"
[[ -x "$bin/hl7v2-bench" && -x "$bin/hl7v2-corpus" ]] || {
  echo "bench/run.sh: $bin/hl7v2-bench not built (configure with -DHL7V2_BUILD_BENCH=ON)" >&2; exit 1; }

if [[ -z "$corpus" ]]; then
  corpus="$build/bench/corpus-$count-seed$seed.hl7"
  [[ -s "$corpus" ]] || "$bin/hl7v2-corpus" --count "$count" --seed "$seed" -o "$corpus"
fi

out="$build/bench/results"
mkdir -p "$out"
echo "corpus: $corpus ($(wc -c <"$corpus") bytes)" >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')" >&2
# Other load skews every figure, and the peers run after hl7v2, not at the same moment.
load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)"
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  echo "warning: load average $load on $(nproc) cores: figures will be low and noisy" >&2
fi

"$bin/hl7v2-bench" --corpus "$corpus" --repeat "$runs" --json "${extra[@]}" >"$out/hl7v2.json"
if [[ $peers == 1 ]]; then
  bash "$here/compare/compare.sh" "$corpus" --runs "$runs" >"$out/peers.jsonl"
else
  : >"$out/peers.jsonl"
fi
/usr/bin/python3 "$here/compare/table.py" "$out/hl7v2.json" "$out/peers.jsonl"
echo "raw results: $out/hl7v2.json $out/peers.jsonl" >&2
