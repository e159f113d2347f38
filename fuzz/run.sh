#!/usr/bin/env bash
# Runs fuzz targets for a bounded time (default 60 s each, every target unless named):
#   fuzz/run.sh [SECONDS] [TARGET...]
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 lets the stable toolchain build with them.
# Install once: cargo install cargo-fuzz
# Seeds are in fuzz/corpus/<target>/seed-*; what the fuzzer adds there is not committed. A crash
# (or a hang past 30 s) is written to fuzz/artifacts/<target>/ and stops the script (exit status
# 1): turn it into a regression test in tests/ before fixing it. Each target's result is appended
# to fuzz/log.txt (date, target, seconds asked, runs, the seconds libFuzzer reports, CPU seconds
# used), the source of the log in the README. The CPU seconds (user + system of the fuzzer, from
# bash's `times`) are what counts towards a target's hours: on a shared machine the wall time can
# be more. (Runs logged before 2026-12-02T03:00Z went through `cargo fuzz run`, whose CPU seconds
# include a rebuild when a source had changed since the build step.)
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(rules csv jsonl check output dirs statistics names lists licences)
fi
export RUSTC_BOOTSTRAP=1
# User + system seconds of the finished children of this shell: `times` must run in this shell
# (in a command substitution it would count the subshell's children only), so it writes a file
# and `recorded_cpu_seconds` reads the second line, the children's.
times_file="$(mktemp)"
trap 'rm -f "${times_file}"' EXIT
recorded_cpu_seconds() {
    tail -1 "${times_file}" | awk '{
        total = 0
        for (i = 1; i <= 2; i++) {
            split($i, part, "m"); sub("s", "", part[2]); total += part[1] * 60 + part[2]
        }
        printf "%d\n", total
    }'
}
for target in "${targets[@]}"; do
    cargo fuzz build -O "${target}"
done
for target in "${targets[@]}"; do
    echo "== fuzz target ${target}: ${seconds} s"
    mkdir -p "corpus/${target}"
    times > "${times_file}"
    before="$(recorded_cpu_seconds)"
    # The binary `cargo fuzz build -O` made, run directly: `cargo fuzz run` would rebuild it if a
    # source changed since, and the build would count as fuzzing time.
    mkdir -p "artifacts/${target}"
    # A finding is a file the run adds: one an earlier run left (kept as a seed) is not.
    artifacts_before="$(ls -A "artifacts/${target}" | wc -l)"
    out="$(target/x86_64-unknown-linux-gnu/release/"${target}" -artifact_prefix="$(pwd)/artifacts/${target}/" \
        -max_total_time="${seconds}" -rss_limit_mb=2048 -max_len=65536 -timeout=30 \
        "corpus/${target}" 2>&1 || true)"
    echo "${out}" | grep -E "^(#[0-9]+ *DONE|Done|==|SUMMARY|INFO: Running|.*crash)" || true
    runs="$(echo "${out}" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p' | tail -1)"
    fuzzed="$(echo "${out}" | sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' | tail -1)"
    if [ -z "${runs}" ]; then
        # Stopped early (a crash): the last status line says how many runs it had made.
        runs="$(echo "${out}" | sed -n 's/^#\([0-9]*\).*/\1/p' | tail -1)"
    fi
    times > "${times_file}"
    cpu=$(( $(recorded_cpu_seconds) - before ))
    result="ok"
    if [ "$(ls -A "artifacts/${target}" | wc -l)" -gt "${artifacts_before}" ]; then
        result="CRASH"
    fi
    echo "$(date -u +%Y-%m-%dT%H:%MZ) ${target} ${seconds}s ${runs:-?} runs in ${fuzzed:-?} s, ${cpu} s CPU ${result}" >> log.txt
    if [ "${result}" != "ok" ]; then
        echo "crash found in ${target}: see fuzz/artifacts/${target}/" >&2
        exit 1
    fi
done
echo "no crash in ${seconds} s per target"
