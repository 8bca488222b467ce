#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS seconds (default 20) with its seeds and
# dictionary. Installs cargo-fuzz when missing; uses a nightly toolchain when one is
# installed, else RUSTC_BOOTSTRAP=1 on stable. Seeds are copied to a temporary
# directory, so the committed corpus/fuzz/ is never modified. A crash fails the run
# and leaves its input in fuzz/artifacts/<target>/ (see fuzz/README.md).
#
#   scripts/fuzz-smoke.sh [SECONDS] [TARGET ...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
shift || true

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && "${fuzz[@]}" list)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building ${#targets[@]} targets with ${fuzz[*]}"
(cd fuzz && "${fuzz[@]}" build -O --debug-assertions)

for target in "${targets[@]}"; do
  mkdir -p "$work/$target"
  seeds=()
  [ -d "corpus/fuzz/$target" ] && seeds+=("$PWD/corpus/fuzz/$target")
  [ -d "fuzz/regressions/$target" ] && seeds+=("$PWD/fuzz/regressions/$target")
  dict=()
  [ -f "fuzz/dicts/$target.dict" ] && dict=("-dict=$PWD/fuzz/dicts/$target.dict")
  echo "=== $target: ${seconds}s"
  log="$work/$target.log"
  status=0
  (cd fuzz && "${fuzz[@]}" run -O --debug-assertions "$target" "$work/$target" "${seeds[@]}" -- \
      -max_total_time="$seconds" -print_final_stats=1 "${dict[@]}") >"$log" 2>&1 || status=$?
  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' "$log" || true
  if [ "$status" -ne 0 ] || ! grep -q 'stat::number_of_executed_units' "$log"; then
    tail -n 40 "$log"
    echo "fuzz target $target failed (exit $status); a crashing input is kept in fuzz/artifacts/$target/"
    exit 1
  fi
done
echo "fuzz smoke: ${#targets[@]} targets, ${seconds}s each, no crash"
