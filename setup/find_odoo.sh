# shellcheck shell=bash
# Sourced by run.sh and test.sh: finds the Python of an installed Odoo 18 (SPEC RUN-2).
# Order: $ODOO_PYTHON, /opt/odoo/venv/bin/python, python3. Never downloads or builds Odoo.

coka_find_odoo() {
    local candidates=() py
    if [ -n "${ODOO_PYTHON:-}" ]; then
        candidates+=("$ODOO_PYTHON")
    fi
    candidates+=("${COKA_DEFAULT_ODOO_PYTHON:-/opt/odoo/venv/bin/python}")
    if command -v python3 >/dev/null 2>&1; then
        candidates+=("$(command -v python3)")
    fi
    for py in "${candidates[@]}"; do
        if [ -x "$py" ] && "$py" -c 'import odoo.release as r, sys; sys.exit(r.version_info[0] != 18)' >/dev/null 2>&1; then
            ODOO_PY=$py
            export ODOO_PY
            return 0
        fi
        if [ "$py" = "${ODOO_PYTHON:-}" ]; then
            echo "COKA: ODOO_PYTHON=$ODOO_PYTHON cannot import Odoo 18; trying the next candidate." >&2
        fi
    done
    cat >&2 <<'MSG'
COKA: Odoo 18.0 is not installed: no Python that can `import odoo` (version 18) was found.
  Looked at: $ODOO_PYTHON, /opt/odoo/venv/bin/python, python3.
  Odoo is a prerequisite of this project (like PostgreSQL); the scripts never download or build it.
  Install Odoo 18.0 Community with its requirements, then either put its virtualenv at
  /opt/odoo/venv or run:  ODOO_PYTHON=/path/to/odoo/venv/bin/python setup/test.sh
MSG
    return 1
}
