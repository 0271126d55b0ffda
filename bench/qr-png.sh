#!/usr/bin/env bash
# QR code PNG throughput for a typical otpauth URI, side by side on one core: TokenForge's
# Activation library (libqrencode + libpng, release build, in one process), segno (Python, in one
# process) and the qrencode command (libqrencode + libpng, one process per PNG, as a user runs it).
# All draw the same symbol settings: error correction M, 4 px per module, 4-module quiet zone.
# Prints PNGs/s for each and TokenForge's ratios. Usage: bench/qr-png.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
scratch=${SCRATCH_PATH:-.build}
uri='otpauth://totp/ACME%20Corp:zoe.muller%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ACME%20Corp&algorithm=SHA1&digits=6&period=30'
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""
for tool in qrencode zbarimg python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run scripts/install-deps --bench" >&2; exit 1; }
done
python3 -c 'import segno' 2>/dev/null || { echo "segno is missing: run scripts/install-deps --bench" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

swift build -c release --scratch-path "$scratch" --product qr-bench >/dev/null
ours_line=$($pin "$scratch/release/qr-bench" "$seconds" "$uri" "$work/ours.png")
ours=$(sed -n 's/.*pngs_per_s=\([0-9]*\).*/\1/p' <<<"$ours_line")
version=$(sed -n 's/.*version=\([0-9]*\).*/\1/p' <<<"$ours_line")
bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$ours_line")

# Time N runs of a command in one pinned shell loop, output to /dev/null (no file system cost, as
# for the in-process encoders); prints runs per second.
per_process_rate() {
  local runs=$1; shift
  local start end
  start=$(date +%s.%N)
  $pin bash -c 'runs=$1; shift; for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1; done' _ "$runs" "$@"
  end=$(date +%s.%N)
  python3 -c "print(int($runs / ($end - $start)))"
}
qrencode -t PNG -l M -s 4 -m 4 -o "$work/qrencode.png" "$uri"
qrencode_rate=$(per_process_rate 500 qrencode -t PNG -l M -s 4 -m 4 -o - "$uri")
startup_rate=$(per_process_rate 500 qrencode -V)

segno_rate=$($pin python3 - "$seconds" "$uri" "$work/segno.png" <<'PY'
import io, sys, time, segno
seconds, uri, sample = float(sys.argv[1]), sys.argv[2], sys.argv[3]
make = lambda: segno.make(uri, error="m", boost_error=False, micro=False)
make().save(sample, kind="png", scale=4, border=4)
n, start = 0, time.perf_counter()
while time.perf_counter() - start < seconds:
    for _ in range(50):
        buffer = io.BytesIO()
        make().save(buffer, kind="png", scale=4, border=4)
    n += 50
print(int(n / (time.perf_counter() - start)))
PY
)

# Every image must hold exactly the URI.
for png in "$work/ours.png" "$work/qrencode.png" "$work/segno.png"; do
  [ "$(zbarimg --raw -q "$png" 2>/dev/null)" = "$uri" ] || { echo "$png does not decode to the URI" >&2; exit 1; }
done

printf 'URI: %d bytes; QR version %s at error correction M; %d-byte 1-bit PNG of %d px square\n' \
  "${#uri}" "$version" "$bytes" "$(( (version * 4 + 17 + 8) * 4 ))"
printf '%-60s %10s\n' "encoder (one core)" "PNGs/s"
printf '%-60s %10s\n' "tokenforge Activation (libqrencode + libpng), in-process" "$ours"
printf '%-60s %10s\n' "segno $(python3 -c 'import segno; print(segno.__version__)') (Python), in-process" "$segno_rate"
printf '%-60s %10s\n' "qrencode $(qrencode -V 2>&1 | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1) -t PNG, one process per PNG" "$qrencode_rate"
printf '%-60s %10s\n' "  (qrencode -V alone, process start-up)" "$startup_rate"
python3 - "$ours" "$segno_rate" "$qrencode_rate" "$startup_rate" <<'PY'
import sys
ours, segno, qrencode, startup = map(float, sys.argv[1:])
print(f"ratio tokenforge/segno:    {ours / segno:.1f}x")
print(f"ratio tokenforge/qrencode: {ours / qrencode:.1f}x (per process, as a user runs it)")
print(f"per PNG: tokenforge {1000 / ours:.2f} ms; qrencode {1000 / qrencode:.2f} ms per process, "
      f"of which start-up alone {1000 / startup:.2f} ms")
print(f"target >= 2000 PNGs/s: {'met' if ours >= 2000 else 'NOT met'}")
PY
