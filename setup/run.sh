#!/usr/bin/env bash
# README command 1: dependencies, PostgreSQL, role, database "coka" with demo data, then serve
# Odoo on http://127.0.0.1:8069. Extra arguments go to Odoo (e.g. --workers=2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=setup/find_odoo.sh
. "$here/find_odoo.sh"
coka_find_odoo || exit 1
exec "$ODOO_PY" "$here/run.py" "$@"
