"""Start the installed Odoo with this Python: ``python setup/odoo_launch.py [arguments]``.

The same three lines as Odoo's own ``odoo-bin``, which a packaged Odoo may not ship. A file
launcher (not ``python -m odoo``) is needed: with ``--workers``, Odoo starts its websocket
process by running ``sys.argv[0]`` again.
"""

import os

# Odoo runs in UTC: set it before the time module is imported.
os.environ["TZ"] = "UTC"

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
