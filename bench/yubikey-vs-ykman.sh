#!/usr/bin/env bash
# Side by side on the same emulated YubiKey (tokenforge-emulator --yubikey 1, its OATH application
# in vsmartcard's virtual reader, reached through pcscd) with the same per-APDU latency
# (--yubikey-latency MS: the card takes that long over each command APDU), release build: program
# one TOTP credential and verify it by its code,
#   - with TokenForge's YubiKeyOATHDriver and SlotProgrammer (bench/yubikey-bench: connect, SELECT,
#     PUT, CALCULATE for this computer's step compared with the host's code), and
#   - with Debian's ykman, as an administrator runs it: `ykman oath accounts add NAME SECRET` then
#     `ykman oath accounts code --single NAME` (two processes; the code is checked against
#     oathtool's outside the timed part),
# printing both times and the ratio for each latency. Each side deletes its credential after each
# run, outside the timed part. pcscd: the running one, else one started in the foreground here.
# The card goes into vpcd's second reader ("Virtual PCD 00 01", port 35964), out of the way of the
# peer test, which uses the first.
# Usage: bench/yubikey-vs-ykman.sh [RUNS] (default 10); LATENCIES="0 5 20" to choose;
# SCRATCH_PATH=.build-x to build elsewhere than .build.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
latencies=${LATENCIES:-"0 2 10"}
scratch=${SCRATCH_PATH:-.build}
reader="Virtual PCD 00 01"
seed=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
export PATH="$PATH:/opt/swift/usr/bin"
for product in tokenforge-emulator yubikey-bench; do
    swift build -c release --scratch-path "$scratch" --product "$product" >/dev/null
done
work=$(mktemp -d)
emulator=""
pcscd=""
trap '[ -n "$emulator" ] && kill "$emulator" 2>/dev/null; [ -n "$pcscd" ] && kill "$pcscd" 2>/dev/null; rm -rf "$work"' EXIT
if ! pgrep -x pcscd >/dev/null; then
    /usr/sbin/pcscd --foreground >"$work/pcscd.log" 2>&1 &
    pcscd=$!
fi
ykman() { /usr/bin/ykman --reader "$reader" "$@"; }
now_ms() { python3 -c 'import time; print(time.monotonic_ns() / 1e6)'; }
stats() { python3 -c "
import sys
d = sorted(float(x) for x in sys.argv[1:])
print(f'{sum(d) / len(d):.2f} {d[min(len(d) - 1, len(d) * 95 // 100)]:.2f}')" "$@"; }

start=$(now_ms); /usr/bin/ykman --version >/dev/null; startup=$(python3 -c "print(f'{$(now_ms) - $start:.0f}')")
echo "program + verify one TOTP credential, $runs runs each, $(nproc) cores; ykman $(/usr/bin/ykman --version | sed 's/.*version: //') (its start-up alone, \`ykman --version\`: $startup ms)"
printf '%-22s %-26s %-26s %s\n' "latency per APDU" "tokenforge (mean, p95)" "ykman (mean, p95)" "ratio (means)"
for latency in $latencies; do
    rm -rf "$work/state"
    "$scratch/release/tokenforge-emulator" serve --socket "$work/emulator.sock" --state-dir "$work/state" \
        --count 0 --yubikey 1 --vpcd 127.0.0.1:35964 --yubikey-latency "$latency" >/dev/null &
    emulator=$!
    # The card is ready when a warm-up run (untimed) gets through; pcscd may still be powering it.
    for _ in $(seq 50); do ("$scratch/release/yubikey-bench" 1 "$reader" || exit 1) >/dev/null 2>&1 && break; sleep 0.3; done
    tokenforge=$("$scratch/release/yubikey-bench" "$runs" "$reader")
    times=()
    for run in $(seq "$runs"); do
        while [ $(($(date +%s) % 30)) -gt 27 ]; do sleep 0.2; done  # the code and oathtool's in one step
        start=$(now_ms)
        ykman oath accounts add "Bench:ykman$run" "$seed" >/dev/null
        code=$(ykman oath accounts code --single "Bench:ykman$run")
        times+=("$(python3 -c "print($(now_ms) - $start)")")
        expected=$(oathtool --totp -b "$seed")
        [ "$code" = "$expected" ] || { echo "ykman's code $code is not oathtool's $expected" >&2; exit 1; }
        ykman oath accounts delete --force "Bench:ykman$run" >/dev/null
    done
    kill "$emulator"
    wait "$emulator" 2>/dev/null || true
    emulator=""
    tf_mean=$(sed 's/.*tokenforge_ms_mean=\([0-9.]*\).*/\1/' <<<"$tokenforge")
    tf_p95=$(sed 's/.*tokenforge_ms_p95=\([0-9.]*\).*/\1/' <<<"$tokenforge")
    read -r yk_mean yk_p95 <<<"$(stats "${times[@]}")"
    ratio=$(python3 -c "print(f'{$yk_mean/$tf_mean:.1f}x')")
    printf '%-22s %-26s %-26s %s\n' "$latency ms" "$tf_mean ms, $tf_p95 ms" "$yk_mean ms, $yk_p95 ms" "$ratio"
    echo "  ($tokenforge)"
done
