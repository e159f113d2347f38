#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each):
#   fuzz/run.sh [SECONDS]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 lets the stable toolchain build with them.
# Install once: cargo install cargo-fuzz
# Seeds are in fuzz/corpus/<target>/seed-*; what the fuzzer adds there is not committed. A crash
# is written to fuzz/artifacts/<target>/ and stops the script (exit status 1): turn it into a
# regression test in tests/ before fixing it.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for target in rules csv jsonl check; do
    echo "== fuzz target ${target}: ${seconds} s"
    cargo fuzz run -O "${target}" "corpus/${target}" -- -max_total_time="${seconds}" -rss_limit_mb=2048 -max_len=65536 2>&1 \
        | grep -E "^(#[0-9]+ *DONE|Done|==|SUMMARY|INFO: Running|.*crash)" || true
    if [ -n "$(ls -A "artifacts/${target}" 2>/dev/null)" ]; then
        echo "crash found in ${target}: see fuzz/artifacts/${target}/" >&2
        exit 1
    fi
done
echo "no crash in ${seconds} s per target"
