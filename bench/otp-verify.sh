#!/usr/bin/env bash
# TOTP verification throughput, one core, side by side: tokenforge (release build), oathtool
# (liboath) and pyotp, all HMAC-SHA1. Prints codes/s for each and tokenforge's ratios.
#
# A code that matches no step makes every verifier compute every code in its window, so:
# - tokenforge: TOTPVerifier with a ±1 window, 3 codes per verification;
# - oathtool: `oathtool --totp -w N` checking a code that is in none of its 2N+1 steps, in one
#   process, so process start-up is spread over about two million codes;
# - pyotp: TOTP.verify(code, for_time, valid_window=1), 3 codes per verification.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-3}
key_hex=3132333435363738393031323334353637383930   # RFC 6238's SHA-1 seed
window=1000000
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""

swift build -c release --product otp-bench >/dev/null
ours=$($pin .build/release/otp-bench "$seconds" | sed -n 's/.*codes_per_s=\([0-9]*\).*/\1/p')

# Find an 8-digit code absent from the window (oathtool exits non-zero), then time the full search.
oath_rate=""
for candidate in 00000000 11111111 22222222 33333333 44444444; do
  start=$(date +%s.%N)
  if ! $pin oathtool --totp -d 8 -w "$window" -N @1700000000 "$key_hex" "$candidate" >/dev/null 2>&1; then
    end=$(date +%s.%N)
    oath_rate=$(python3 -c "print(int((2*$window+1)/($end-$start)))")
    break
  fi
done
[ -n "$oath_rate" ] || { echo "oathtool found every candidate code; cannot time a full window" >&2; exit 1; }

py_rate=$($pin python3 - "$seconds" <<'PY'
import sys, time, base64, pyotp
seconds = float(sys.argv[1])
totp = pyotp.TOTP(base64.b32encode(b"12345678901234567890").decode())
t, n = 1_700_000_000, 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    for _ in range(1000):
        t += 30
        totp.verify("000000", for_time=t, valid_window=1)
    n += 1000
print(int(3 * n / (time.perf_counter() - start)))
PY
)

printf '%-34s %14s\n' "verifier (HMAC-SHA1, one core)" "codes/s"
printf '%-34s %14s\n' "tokenforge TOTPVerifier, window ±1" "$ours"
printf '%-34s %14s\n' "oathtool -w $window (liboath)" "$oath_rate"
printf '%-34s %14s\n' "pyotp verify, valid_window=1" "$py_rate"
python3 -c "print(f'ratio tokenforge/oathtool: {$ours/$oath_rate:.2f}x (target >= 3x)'); print(f'ratio tokenforge/pyotp:    {$ours/$py_rate:.1f}x')"
