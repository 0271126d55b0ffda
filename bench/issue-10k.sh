#!/usr/bin/env bash
# Staff issuance for N app users (default 10,000), release build, next to a Python baseline
# (pyotp + segno) that makes the same seeds and PNG QR codes and nothing else, in one script.
# TokenForge also writes an SVG and a letter per user, seals every seed in the register, and
# writes an encrypted PSKC export. Target: 10,000 users in <= 10 s and >= 10x the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
scripts/install-deps --bench >/dev/null
swift build -c release --product issue-bench >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ours=$(.build/release/issue-bench "$count" "$work/tokenforge" | sed 's/.*seconds=//')
echo "tokenforge: $count users in $ours s (seeds, register, PNG + SVG QR, letters, encrypted PSKC)"
theirs=$(python3 - "$count" "$work/python" <<'PY'
import os, sys, time, pyotp, segno
count, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out)
start = time.perf_counter()
for index in range(count):
    secret = pyotp.random_base32(32)
    uri = pyotp.TOTP(secret).provisioning_uri(name=f"user{index}@example.org", issuer_name="ACME")
    segno.make(uri, error="m").save(os.path.join(out, f"user{index}.png"), scale=6, border=4)
print(f"{time.perf_counter() - start:.2f}")
PY
)
echo "python (pyotp + segno): $count users in $theirs s (seeds and PNG QR codes only)"
python3 -c "print(f'ratio: tokenforge is {$theirs/$ours:.1f}x faster (target >= 10x); {$count/$ours:,.0f} users/s')"
