#!/usr/bin/env bash
# Side by side on the same emulated Nitrokey Pro with the same per-command latency
# (tokenforge-emulator --nitrokey 1 --nitrokey-latency MS|realistic: the device answers "busy" for
# that long after each command; "realistic" estimates each command's cost, see NitrokeyLatency.swift), through the real hidapi C API of the stand-in library, release builds: authenticate with
# the admin PIN + write one TOTP slot + set the clock + verify the slot's code against the host's,
#   - with TokenForge's NitrokeyDriver and SlotProgrammer (bench/nitrokey-bench), and
#   - with Debian's libnitrokey 3.7 (bench/nk-bench/nk-bench.c, gcc -lnitrokey),
# printing both times and the ratio for each latency. Target: TokenForge >= 5x faster.
# Usage: bench/nitrokey-vs-libnitrokey.sh [RUNS] (default 20); LATENCIES="realistic 0 5 20" to choose;
# SCRATCH_PATH=.build-x to build elsewhere than .build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
latencies=${LATENCIES:-"realistic 0 2 10 30"}
scratch=${SCRATCH_PATH:-.build}
export PATH="$PATH:/opt/swift/usr/bin"
for product in tokenforge-emulator hidapi-standin nitrokey-bench; do
    swift build -c release --scratch-path "$scratch" --product "$product" >/dev/null
done
work=$(mktemp -d)
emulator=""
trap '[ -n "$emulator" ] && kill "$emulator" 2>/dev/null; rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra bench/nk-bench/nk-bench.c -o "$work/nk-bench" -lnitrokey -lcrypto
libdir=$(scripts/standin-libdir "$scratch/release")
export LD_LIBRARY_PATH=$libdir TOKENFORGE_EMULATOR_SOCKET=$work/emulator.sock

echo "authenticate + write + verify one TOTP slot, $runs runs each, $(nproc) cores"
printf '%-22s %-26s %-26s %s\n' "latency per command" "tokenforge (mean, p95)" "libnitrokey (mean, p95)" "ratio (means)"
for latency in $latencies; do
    rm -rf "$work/state"
    "$scratch/release/tokenforge-emulator" serve --socket "$TOKENFORGE_EMULATOR_SOCKET" --state-dir "$work/state" \
        --count 0 --nitrokey 1 --nitrokey-latency "$latency" >/dev/null &
    emulator=$!
    for _ in $(seq 100); do [ -S "$TOKENFORGE_EMULATOR_SOCKET" ] && break; sleep 0.05; done
    tokenforge=$("$scratch/release/nitrokey-bench" "$runs")
    libnitrokey=$("$work/nk-bench" "$runs")
    kill "$emulator"
    wait "$emulator" 2>/dev/null || true
    emulator=""
    tf_mean=$(sed 's/.*tokenforge_ms_mean=\([0-9.]*\).*/\1/' <<<"$tokenforge")
    tf_p95=$(sed 's/.*tokenforge_ms_p95=\([0-9.]*\).*/\1/' <<<"$tokenforge")
    nk_mean=$(sed 's/.*libnitrokey_ms_mean=\([0-9.]*\).*/\1/' <<<"$libnitrokey")
    nk_p95=$(sed 's/.*libnitrokey_ms_p95=\([0-9.]*\).*/\1/' <<<"$libnitrokey")
    ratio=$(python3 -c "print(f'{$nk_mean/$tf_mean:.1f}x')")
    printf '%-22s %-26s %-26s %s\n' "$latency$([ "$latency" = realistic ] || echo " ms")" "$tf_mean ms, $tf_p95 ms" "$nk_mean ms, $nk_p95 ms" "$ratio"
    echo "  ($tokenforge)"
done
