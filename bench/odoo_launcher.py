"""Start Odoo for the benchmarks: ``python bench/odoo_launcher.py <odoo arguments>``.

With ``--workers`` the Odoo master starts its gevent (longpolling / websocket) process as
``sys.executable sys.argv[0] gevent ...`` and starts it again whenever it exits. Neither
benchmarked route uses it, and in this environment it cannot start: under
``python -m odoo`` its ``argv[0]`` is ``odoo/__main__.py`` (relative import error), and
under the ``odoo`` script gevent's monkey-patching fails to resolve ``zope.interface``. The
master then restarts it about ten times a second, each time a whole interpreter start-up,
which takes most of a core on a 2-core machine and would skew every figure.

So, started as ``gevent``, this launcher only waits until the master kills it (it does,
with SIGKILL, when it stops); otherwise it runs Odoo's command line like ``odoo-bin``.
"""

import os
import signal
import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "gevent":
        while True:
            signal.pause()
    os.environ["TZ"] = "UTC"
    import odoo  # noqa: E402  (after TZ, like odoo-bin)

    odoo.cli.main()
