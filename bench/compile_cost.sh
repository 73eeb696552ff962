#!/usr/bin/env bash
# What hl7v2 costs a user's build (issue 13's three scenarios), per configuration, as Markdown:
#
#   all      a 10-line program including <hl7v2/hl7v2.hpp> that converts messages with every version
#   one      a program converting one version's messages (2.5.1) to named JSON, including only that
#            version (defs/v2_5_1.hpp, json/convert.hpp, a defs::registry): it links no simdjson
#   core     the tokenizer alone (hl7v2/core.hpp): compiled and linked with no simdjson anywhere
#
# each header-only (the default) and in compiled mode (the definitions from the hl7v2::definitions
# library, src/definitions/, built here once and timed apart). For each: the wall and CPU seconds of
# `CXX -std=c++20 -O2 prog.cpp -o prog` (compile and link, best of K), the compiler's peak memory (max RSS,
# /usr/bin/time), and the program's size (text+data+bss, as `size` counts it). Every program is run on a
# message and must print the same JSON in both modes. `bench/run.sh --compile-cost` calls it.
#
# usage: bash bench/compile_cost.sh [--cxx COMPILER] [--runs K]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cxx="${CXX:-g++}" runs=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cxx) cxx="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "bench/compile_cost.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in "$cxx" size ar /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/compile_cost.sh: $tool not found" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/hl7v2-compile-cost-XXXXXX")"
trap 'rm -rf "$work"' EXIT
flags=(-std=c++20 -O2 -I "$root/include")
sample=$'MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|MSG1|P|2.5.1\rPID|1||123^^^H^MR||DOE^JANE\rOBX|1|NM|GLU||5.4|mmol/L\r'

cat >"$work/all.cpp" <<'EOF'
#include <hl7v2/hl7v2.hpp>
#include <iostream>
#include <iterator>
int main() {
  const std::string in{std::istreambuf_iterator<char>(std::cin), {}};
  hl7v2::parser parser;
  hl7v2::json::converter conv;  // every version, chosen from MSH-12
  std::string out;
  for (const auto& f : hl7v2::framer{in}) if (auto m = parser.parse(f.text); m && conv.write(*m, out)) out += '\n';
  std::cout << out;
}
EOF
cat >"$work/one.cpp" <<'EOF'
#include <hl7v2/core.hpp>
#include <hl7v2/defs/v2_5_1.hpp>
#include <hl7v2/json/convert.hpp>
#include <iostream>
#include <iterator>
int main() {
  const std::string in{std::istreambuf_iterator<char>(std::cin), {}};
  const hl7v2::defs::registry v251{hl7v2::defs::v2_5_1};
  hl7v2::parser parser;
  hl7v2::json::converter conv{v251};
  std::string out;
  for (const auto& f : hl7v2::framer{in}) if (auto m = parser.parse(f.text); m && conv.write(*m, out)) out += '\n';
  std::cout << out;
}
EOF
cat >"$work/core.cpp" <<'EOF'
#include <hl7v2/core.hpp>
#include <iostream>
#include <iterator>
int main() {
  const std::string in{std::istreambuf_iterator<char>(std::cin), {}};
  hl7v2::parser parser;
  for (const auto& f : hl7v2::framer{in})
    if (auto m = parser.parse(f.text)) std::cout << m->get("MSH-10") << ' ' << m->size() << '\n';
}
EOF

# The compiled definitions library, once: one object per version, as the CMake target builds it.
lib_start=$(date +%s%N)
lib_cpu=$( { TIMEFORMAT='%3U %3S'; time for src in "$root"/src/definitions/*.cpp; do
  "$cxx" "${flags[@]}" -fPIC -c "$src" -o "$work/$(basename "$src" .cpp).o"; done; } 2>&1 |
  awk '{ printf "%.2f", $1 + $2 }')
lib_wall=$(awk -v s="$lib_start" -v e="$(date +%s%N)" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')
ar rcs "$work/libhl7v2_definitions.a" "$work"/*.o

# build NAME MODE: compiles $work/NAME.cpp into $work/NAME-MODE $runs times; prints
# "wall | CPU | MB | bytes" (best wall and CPU, the largest max RSS, the program's size).
build() {
  local name="$1" mode="$2" best_wall="" best_cpu="" rss=0 extra=() libs=()
  [[ $mode == compiled ]] && extra=(-DHL7V2_DEFINITIONS_COMPILED) && libs=("$work/libhl7v2_definitions.a")
  [[ $name == all ]] && libs+=(-lsimdjson)
  local bin="$work/$name-$mode"
  for ((i = 0; i < runs; ++i)); do
    local start end wall
    start=$(date +%s%N)
    /usr/bin/time -f '%U %S %M' -o "$work/time" "$cxx" "${flags[@]}" "${extra[@]}" "$work/$name.cpp" -o "$bin" "${libs[@]}"
    end=$(date +%s%N)
    wall=$(((end - start) / 1000000))
    read -r user sys kb <"$work/time"
    local cpu
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
    if [[ -z "$best_wall" || $wall -lt $best_wall ]]; then best_wall=$wall; fi
    if [[ -z "$best_cpu" || $cpu -lt $best_cpu ]]; then best_cpu=$cpu; fi
    if ((kb > rss)); then rss=$kb; fi
  done
  local bytes
  bytes=$(size "$bin" | awk 'NR == 2 { print $4 }')
  awk -v w="$best_wall" -v c="$best_cpu" -v r="$rss" -v b="$bytes" \
    'BEGIN { printf "%.2f | %.2f | %d | %d", w / 1000, c / 1000, r / 1024, b }'
}

echo "### Compile cost ($("$cxx" --version | head -1), -O2, compile + link, best of $runs; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| program | definitions | wall (s) | CPU (s) | compiler memory (MB) | binary (bytes) |"
echo "|---|---|---:|---:|---:|---:|"
for name in all one core; do
  case $name in
    all) label="10 lines, \`hl7v2/hl7v2.hpp\`, every version" ;;
    one) label="2.5.1 to named JSON, only \`defs/v2_5_1.hpp\`" ;;
    core) label="tokenizer, \`hl7v2/core.hpp\`" ;;
  esac
  modes=(header-only compiled)
  [[ $name == core ]] && modes=(header-only)
  for mode in "${modes[@]}"; do
    echo "| $label | $mode | $(build "$name" "$mode") |"
  done
done
echo
# Most of a program's size is the definition tables' pointers, and under PIE (Debian's default) each is
# also a 24-byte relocation record; glibc 2.36+ and binutils 2.38+ can pack those (DT_RELR).
relr=(-Wl,-z,pack-relative-relocs)
if printf 'int main(){}' | "$cxx" -x c++ - "${relr[@]}" -o "$work/relr-probe" 2>/dev/null; then
  echo "Binary size by link flags (header-only; bytes as \`size\` counts them; relocations: \`readelf -r\`):"
  echo
  echo "| program | default (PIE) | relocations | with \`-Wl,-z,pack-relative-relocs\` |"
  echo "|---|---:|---:|---:|"
  for name in all one; do
    libs=(); [[ $name == all ]] && libs=(-lsimdjson)
    "$cxx" "${flags[@]}" -c "$work/$name.cpp" -o "$work/$name.o"
    "$cxx" "$work/$name.o" -o "$work/$name-pie" "${libs[@]}"
    "$cxx" "$work/$name.o" -o "$work/$name-relr" "${relr[@]}" "${libs[@]}"
    [[ "$(printf '%s' "$sample" | "$work/$name-relr")" == "$(printf '%s' "$sample" | "$work/$name-pie")" ]] ||
      { echo "bench/compile_cost.sh: $name: packed relocations changed the output" >&2; exit 1; }
    echo "| $name | $(size "$work/$name-pie" | awk 'NR == 2 { print $4 }') | $(readelf -r "$work/$name-pie" | grep -c R_X86_64_RELATIVE || true) | $(size "$work/$name-relr" | awk 'NR == 2 { print $4 }') |"
  done
  echo
fi
echo "The compiled-mode library itself ($(ls "$root"/src/definitions/*.cpp | wc -l) objects: one per version, the converter, the JSON reader, the profile loader; once per build of hl7v2): ${lib_wall} s wall, ${lib_cpu} s CPU;"
echo "\`libhl7v2_definitions.a\` is $(stat -c %s "$work/libhl7v2_definitions.a") bytes."

# The programs agree across modes, and what must not need simdjson does not include it.
for name in all one; do
  a=$(printf '%s' "$sample" | "$work/$name-header-only")
  b=$(printf '%s' "$sample" | "$work/$name-compiled")
  [[ -n "$a" && "$a" == "$b" && "$a" == *'"patient_name"'* ]] ||
    { echo "bench/compile_cost.sh: $name: the two modes printed different JSON" >&2; exit 1; }
done
[[ "$(printf '%s' "$sample" | "$work/one-header-only")" == "$(printf '%s' "$sample" | "$work/all-header-only")" ]] ||
  { echo "bench/compile_cost.sh: one version and every version disagree on a 2.5.1 message" >&2; exit 1; }
for name in one core; do
  if "$cxx" "${flags[@]}" -H -fsyntax-only "$work/$name.cpp" 2>&1 | grep -q simdjson; then
    echo "bench/compile_cost.sh: $name.cpp includes simdjson" >&2
    exit 1
  fi
done
# In compiled mode the library reads JSON: hl7v2/hl7v2.hpp then parses no simdjson.h either.
if "$cxx" "${flags[@]}" -DHL7V2_DEFINITIONS_COMPILED -H -fsyntax-only "$work/all.cpp" 2>&1 | grep -q simdjson; then
  echo "bench/compile_cost.sh: all.cpp includes simdjson in compiled mode" >&2
  exit 1
fi
