#!/bin/bash
# Builds every cargo-fuzz target of rpscope into $OUT, with its dictionary,
# libFuzzer options and seed corpus. Runs inside the image built from
# .clusterfuzzlite/Dockerfile (ClusterFuzzLite, or OSS-Fuzz's helper.py).
set -euo pipefail

cd "$SRC/rpscope/fuzz"

# Optimised, with debug assertions (integer overflow, debug_assert!) kept on.
cargo fuzz build -O --debug-assertions

build_dir="${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release"

shopt -s nullglob
sources=(fuzz_targets/*.rs)
if [ "${#sources[@]}" -eq 0 ]; then
  echo "build.sh: no fuzz targets in $PWD/fuzz_targets" >&2
  exit 1
fi

for source in "${sources[@]}"; do
  name=$(basename "$source" .rs)

  if [ ! -x "$build_dir/$name" ]; then
    echo "build.sh: $source has no built binary at $build_dir/$name" \
      "(is it a [[bin]] in fuzz/Cargo.toml?)" >&2
    exit 1
  fi
  cp "$build_dir/$name" "$OUT/"

  dict="dicts/$name.dict"
  if [ -f "$dict" ]; then
    cp "$dict" "$OUT/$name.dict"
    printf '[libfuzzer]\ndict = %s.dict\n' "$name" > "$OUT/$name.options"
  fi

  seeds="../corpus/fuzz/$name"
  if [ -d "$seeds" ] && [ -n "$(find "$seeds" -maxdepth 1 -type f -print -quit)" ]; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    find "$seeds" -maxdepth 1 -type f -print | zip -j -q "$OUT/${name}_seed_corpus.zip" -@
  fi

  echo "build.sh: $name"
done
