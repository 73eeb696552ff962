#!/usr/bin/env bash
# The whole benchmark: generate the corpus (once) into the build dir, run hl7v2-bench on it, run the
# peers (bench/compare) on the same file, and print one table with ratios. `./dev bench` calls this.
#
# usage: bash bench/run.sh BUILD_DIR [--count N] [--seed S] [--corpus FILE] [--runs K] [--no-peers]
#                                    [--markdown] [--check] [--compile-cost | --compile-cost-only]
#                                    [-- hl7v2-bench args...]
#   --count N            messages in the generated corpus (default 10000)
#   --corpus FILE        use this corpus instead of generating one
#   --runs K             timed passes for hl7v2 and each peer (default 5)
#   --no-peers           hl7v2 only
#   --markdown           print the tables as Markdown (for README.md); build/.../results.md always has them
#   --check              exit 1 unless every hl7v2 stage ran and reported no error (the CI smoke:
#                        `./dev bench --no-peers --count 500 --runs 1 --check`)
#   --compile-cost       also measure what the headers cost a build (bench/compile_cost.sh)
#   --compile-cost-only  only that
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: bench/run.sh BUILD_DIR [options]}"; shift
count=10000 seed=1 runs=5 corpus="" peers=1 markdown=0 check=0 compile_cost=0 bench=1 extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --no-peers) peers=0; shift ;;
    --markdown) markdown=1; shift ;;
    --check) check=1; shift ;;
    --compile-cost) compile_cost=1; shift ;;
    --compile-cost-only) compile_cost=1 bench=0; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [[ $bench == 0 ]]; then
  bash "$here/compile_cost.sh"
  exit 0
fi

bin="$build/bench"
[[ -x "$bin/hl7v2-bench" && -x "$bin/hl7v2-corpus" ]] || {
  echo "bench/run.sh: $bin/hl7v2-bench not built (configure with -DHL7V2_BUILD_BENCH=ON)" >&2; exit 1; }

if [[ -z "$corpus" ]]; then
  corpus="$build/bench/corpus-$count-seed$seed.hl7"
  [[ -s "$corpus" ]] || "$bin/hl7v2-corpus" --count "$count" --seed "$seed" -o "$corpus"
fi

out="$build/bench/results"
mkdir -p "$out"
python=/usr/bin/python3
[[ -x $python ]] || python="$(command -v python3)" || { echo "bench/run.sh: python3 not found" >&2; exit 1; }
machine="$(nproc) hardware threads, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "corpus: $corpus ($(wc -c <"$corpus") bytes)" >&2
echo "machine: $machine" >&2
# Other load skews every figure, and the peers run after hl7v2, not at the same moment.
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
load="${load_before%% *}"
if awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  echo "warning: load average $load on $(nproc) hardware threads: figures will be low and noisy" >&2
fi

echo "hl7v2-bench (all stages, $runs passes each)..." >&2
"$bin/hl7v2-bench" --corpus "$corpus" --repeat "$runs" --json "${extra[@]}" >"$out/hl7v2.json"
if [[ $peers == 1 ]]; then
  echo "peers (bench/compare, $runs runs each)..." >&2
  bash "$here/compare/compare.sh" "$corpus" --runs "$runs" >"$out/peers.jsonl"
else
  : >"$out/peers.jsonl"
fi
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

meta=(--meta "machine=$machine, $(uname -sr)"
      --meta "date=$(date -u +%Y-%m-%dT%H:%MZ)"
      --meta "load average (1, 5, 15 min)=$load_before before, $load_after after")
table=("$python" "$here/compare/table.py" "$out/hl7v2.json" "$out/peers.jsonl" "${meta[@]}")
"${table[@]}" --markdown >"$out/results.md"
if [[ $markdown == 1 ]]; then cat "$out/results.md"; else "${table[@]}"; fi
if [[ $compile_cost == 1 ]]; then
  echo >&2
  echo "compile cost (bench/compile_cost.sh)..." >&2
  bash "$here/compile_cost.sh" | tee "$out/compile_cost.md"
fi
echo "raw results: $out/hl7v2.json $out/peers.jsonl; Markdown: $out/results.md" >&2
if [[ $check == 1 ]]; then
  "$python" - "$out/hl7v2.json" <<'PY'
import json, sys
stages = json.load(open(sys.argv[1]))["stages"]
bad = [f"{s['stage']} (jobs {s.get('jobs', 1)}): " + (s.get("reason") or f"{s.get('errors')} error(s)")
       for s in stages if not s.get("available") or s.get("errors") or not s.get("messages")]
if not stages or bad:
    sys.exit("bench check failed: " + ("; ".join(bad) or "no stage ran"))
print(f"bench check: {len(stages)} stages ran, none reported an error", file=sys.stderr)
PY
fi
