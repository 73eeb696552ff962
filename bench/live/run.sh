#!/usr/bin/env bash
# The live-feed bench: `hl7v2 lake listen` (durable: fsync group commit, then ACK) under 1, 4 and 16
# connections that each wait for every ACK, and 16 connections keeping 8 messages in flight; the same
# loads against python-hl7's asyncio MLLP server (which stores nothing) as the peer. Per run: messages/s,
# ACK latency p50/p99, CPU per message of the receiver (user + sys, conversion into the lake included
# for the listener), its peak RSS. Takes the build lock for the whole run (measurements undisturbed).
#
# usage: bash bench/live/run.sh BUILD_DIR [--messages N] [--work DIR]
#   --messages N   messages per connection in each run (default 2000)
#   --work DIR     where the lakes go (default BUILD_DIR/bench/live-work; a real disk, so fsync costs)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:?usage: bench/live/run.sh BUILD_DIR [--messages N] [--work DIR]}" && pwd)"; shift
total=2000 work="$build/bench/live-work"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --messages) total="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "bench/live/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "${HL7V2_BENCH_LOCKED:-}" ]]; then
  export HL7V2_BENCH_LOCKED=1
  exec flock /tmp/hl7v2-build.lock bash "$0" "$build" --messages "$total" --work "$work"
fi
cli="$build/examples/hl7v2/hl7v2" load="$build/bench/hl7v2-mllp-load"
py=/usr/bin/python3
[[ -x $cli && -x $load ]] || { echo "build hl7v2_cli and hl7v2-mllp-load first" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"

wait_port() { for _ in $(seq 500); do [[ -s $1 ]] && { cat "$1"; return; }; sleep 0.02; done; echo "no port" >&2; exit 1; }
runs=("1 1" "4 1" "16 1" "16 8")
rows=()
measure() { # name, start-command..., then runs; prints rows
  local name="$1"; shift
  for r in "${runs[@]}"; do
    set -- $r; local conns=$1 window=$2 per=$total
    local pf="$work/$name-$conns-$window.port" tf="$work/$name-$conns-$window.time"
    rm -f "$pf"
    if [[ $name == hl7v2 ]]; then
      /usr/bin/time -f "%U %S %M" -o "$tf" "$cli" lake listen --lake "$work/lake-$conns-$window" --port 0 \
        --port-file "$pf" 2>"$work/$name-$conns-$window.log" &
    else
      /usr/bin/time -f "%U %S %M" -o "$tf" "$py" "$here/python_hl7_peer.py" "$pf" 2>/dev/null &
    fi
    local pid=$!
    local port; port="$(wait_port "$pf")"
    local out; out="$("$load" --port "$port" --connections "$conns" --messages "$per" --window "$window")"
    pkill -TERM -P "$pid" 2>/dev/null || true  # the receiver under /usr/bin/time
    wait "$pid" || true
    read -r user sys rss < <(tail -1 "$tf")
    rows+=("$("$py" "$here/row.py" "$out" "$user" "$sys" "$rss" "$name")")
  done
}
measure hl7v2
if $py -c 'import hl7.mllp' 2>/dev/null; then measure python-hl7; else echo "python-hl7 missing: no peer" >&2; fi
echo "| receiver | connections | in flight each | messages | messages/s | ACK p50 ms | ACK p99 ms | CPU µs/message | peak RSS MB | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
