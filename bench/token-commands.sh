#!/usr/bin/env bash
# In-process command throughput of the virtual spec token (release build, one core), against the
# target of 50,000 commands/s. PUT_SLOT includes the flash write (in-memory medium).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-2}
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""
swift build -c release --product token-bench >/dev/null
$pin .build/release/token-bench "$seconds" | while read -r name rate; do
  value=${rate#commands_per_s=}
  python3 -c "print(f'{\"$name\":10} {$value:>10,} commands/s   {$value/50000:.1f}x the 50,000/s target')"
done
