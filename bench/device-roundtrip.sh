#!/usr/bin/env bash
# Through the real hidapi C API, the stand-in library and the emulator socket (release builds):
# 1. report round trips per second with hid-probe, an ordinary C hidapi program, next to what USB
#    full-speed HID allows (one 64-byte report each way per 1 ms frame: 1,000 round trips/s);
#    target >= 10,000/s;
# 2. program + verify of one slot (PIN, clock, attestation, encrypted write, code read back) with
#    TokenForge's driver; target <= 10 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20000}
swift build -c release --product tokenforge-emulator >/dev/null
swift build -c release --product hidapi-standin >/dev/null
swift build -c release --product device-bench >/dev/null
work=$(mktemp -d)
trap 'kill $emulator 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -Wall -Wextra bench/hid-probe/hid-probe.c -o "$work/hid-probe" -lhidapi-hidraw
libdir=$(scripts/standin-libdir .build/release)
export LD_LIBRARY_PATH=$libdir TOKENFORGE_EMULATOR_SOCKET=$work/emulator.sock
.build/release/tokenforge-emulator serve --socket "$TOKENFORGE_EMULATOR_SOCKET" --state-dir "$work/state" >/dev/null &
emulator=$!
for _ in $(seq 100); do [ -S "$TOKENFORGE_EMULATOR_SOCKET" ] && break; sleep 0.05; done

line=$("$work/hid-probe" roundtrip emulator:TFEMU0001 "$runs")
rate=$(sed 's/.*: \([0-9]*\)\/s.*/\1/' <<<"$line")
echo "hid-probe (C, hidapi API): $line"
python3 -c "print(f'round trips: {$rate:,}/s = {$rate/10000:.1f}x the 10,000/s target, {$rate/1000:.0f}x USB full-speed HID (1,000/s)')"

result=$(.build/release/device-bench 200)
mean=$(sed 's/.*mean=\([0-9.]*\).*/\1/' <<<"$result")
echo "device-bench: $result"
python3 -c "print(f'program + verify: {$mean} ms mean = {10/$mean:.1f}x under the 10 ms target')"
