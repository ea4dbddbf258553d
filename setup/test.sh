#!/usr/bin/env bash
# README command 2: every test and check; ends with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/find_odoo.sh
. "$here/find_odoo.sh"
coka_find_odoo || exit 1
exec "$ODOO_PY" "$here/test.py" "$@"
