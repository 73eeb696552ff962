#!/usr/bin/env bash
# What the headers cost a user's build: compile time of a translation unit that includes each entry
# header (best of 3), the size of each version's definitions header, and the bytes the definitions add
# to a program that uses one version or all of them. Prints Markdown. `bench/run.sh --compile-cost`
# calls it.
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
command -v "$cxx" >/dev/null || { echo "bench/compile_cost.sh: $cxx not found" >&2; exit 1; }
command -v size >/dev/null || { echo "bench/compile_cost.sh: size (binutils) not found" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/hl7v2-compile-cost-XXXXXX")"
trap 'rm -rf "$work"' EXIT
flags=(-std=c++20 -O2 -I "$root/include")

# "wall | cpu": seconds of the fastest of $runs compiles of $1 to an object file, by the wall clock and
# by CPU time (user + sys; steadier when other work shares the machine).
best_compile() {
  local src="$1" best_wall="" best_cpu="" start end wall cpu
  for ((i = 0; i < runs; ++i)); do
    start=$(date +%s%N)
    cpu=$( { TIMEFORMAT='%3U %3S'; time "$cxx" "${flags[@]}" -c "$src" -o "$work/tu.o"; } 2>&1 | awk '{ printf "%d", ($1 + $2) * 1000 }')
    end=$(date +%s%N)
    wall=$(((end - start) / 1000000))
    if [[ -z "$best_wall" || $wall -lt $best_wall ]]; then best_wall=$wall; fi
    if [[ -z "$best_cpu" || $cpu -lt $best_cpu ]]; then best_cpu=$cpu; fi
  done
  awk -v w="$best_wall" -v c="$best_cpu" 'BEGIN { printf "%.2f | %.2f", w / 1000, c / 1000 }'
}

# text + data + bss of a linked program, as `size` counts them.
program_bytes() { size "$1" | awk 'NR == 2 { print $4 }'; }

echo "### Compile cost ($("$cxx" --version | head -1), -O2, best of $runs)"
echo
echo "| translation unit includes | wall (s) | CPU (s) |"
echo "|---|---:|---:|"
printf 'int main() { return 0; }\n' >"$work/empty.cpp"
echo "| nothing (empty \`main\`) | $(best_compile "$work/empty.cpp") |"
for h in hl7v2/core.hpp hl7v2/defs/v2_5_1.hpp hl7v2/defs/all.hpp hl7v2/hl7v2.hpp; do
  printf '#include <%s>\nint main() { return 0; }\n' "$h" >"$work/tu.cpp"
  echo "| \`$h\` | $(best_compile "$work/tu.cpp") |"
done

echo
echo "| version header | bytes | lines |"
echo "|---|---:|---:|"
for f in "$root"/include/hl7v2/defs/v2_*.hpp; do
  name="$(basename "$f")" version="$(basename "$f" .hpp)"
  version="${version#v}"
  echo "| \`defs/$name\` (${version//_/.}) | $(wc -c <"$f") | $(wc -l <"$f") |"
done | sort -t'(' -k2 -V

# The segment id comes from the command line, so the lookup (and the table behind it) cannot be
# folded away at compile time: this is what a program that reads definitions at run time pays.
cat >"$work/one.cpp" <<'EOF'
#include <cstdio>
#include <hl7v2/defs/v2_5_1.hpp>
int main(int argc, char** argv) {
  const auto* seg = hl7v2::defs::v2_5_1.segment(argc > 1 ? argv[1] : "PID");
  std::printf("%d\n", seg != nullptr ? static_cast<int>(seg->field_count) : -1);
}
EOF
cat >"$work/all.cpp" <<'EOF'
#include <cstdio>
#include <hl7v2/defs/all.hpp>
int main(int argc, char** argv) {
  const auto* version = hl7v2::defs::find_version(argc > 2 ? argv[2] : "2.5.1", &hl7v2::defs::v2_5_1);
  const auto* seg = version != nullptr ? version->segment(argc > 1 ? argv[1] : "PID") : nullptr;
  std::printf("%d\n", seg != nullptr ? static_cast<int>(seg->field_count) : -1);
}
EOF
cat >"$work/none.cpp" <<'EOF'
#include <cstdio>
int main(int argc, char** argv) { std::printf("%d\n", argc > 1 ? static_cast<int>(argv[1][0]) : -1); }
EOF
for p in none one all; do "$cxx" "${flags[@]}" "$work/$p.cpp" -o "$work/$p"; done
[[ "$("$work/one" PID)" == "$("$work/all" PID 2.5.1)" ]] || { echo "bench/compile_cost.sh: PID lookups disagree" >&2; exit 1; }
base=$(program_bytes "$work/none")
echo
echo "| program (looks up a segment named at run time) | size (text+data+bss) | added by the definitions |"
echo "|---|---:|---:|"
echo "| without definitions | $base | - |"
for p in one all; do
  bytes=$(program_bytes "$work/$p")
  label=$([[ $p == one ]] && echo "one version (\`defs/v2_5_1.hpp\`)" || echo "all versions (\`defs/all.hpp\`, \`find_version\`)")
  echo "| $label | $bytes | $((bytes - base)) |"
done
