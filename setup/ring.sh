#!/usr/bin/env bash
# Make the demo's PBX simulator (started by setup/run.sh) ring an agent: setup/ring.sh 101 0912345678,
# then setup/ring.sh answer / setup/ring.sh end. See setup/ring.py.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "${COKA_PYTHON:-python3}" "$here/ring.py" "$@"
