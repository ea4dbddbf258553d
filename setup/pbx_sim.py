"""The PBX simulator playing the demo provider (issue 10.6), started by setup/run.py.

Serves the demo provider's API on 127.0.0.1:8899 (the demo record's URL) for Odoo, and the
control routes of setup/ring.sh. Runs until stopped (SIGTERM or Ctrl+C). The simulator itself is
tests/pbx_simulator.py (standard library only), loaded from its file.
"""

import argparse
import contextlib
import importlib.util
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = {
    "port": 8899,
    "provider": "demo",
    "secret": "demo-webhook-secret",
    "api_key": "demo-api-key",
    "hotline": "028 7300 1234",
}


def load_simulator():
    """The module tests/pbx_simulator.py, loaded from its file."""
    path = ROOT / "tests" / "pbx_simulator.py"
    spec = importlib.util.spec_from_file_location("coka_pbx_simulator", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def demo_simulator(odoo_url, port=DEMO["port"]):
    """A started simulator playing the demo provider, its control routes on."""
    module = load_simulator()
    simulator = module.PbxSimulator(
        odoo_url, DEMO["provider"], DEMO["secret"], api_key=DEMO["api_key"]
    )
    simulator.demo = module.DemoControl(simulator, DEMO["hotline"])
    return simulator.start(port)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odoo", default="http://127.0.0.1:8069", help="Odoo's URL")
    parser.add_argument("--port", type=int, default=DEMO["port"])
    args = parser.parse_args(argv)
    try:
        simulator = demo_simulator(args.odoo, args.port)
    except OSError as error:
        sys.exit(f"[coka] the PBX simulator cannot listen on 127.0.0.1:{args.port}: {error}")
    sys.stdout.write(f"[coka] PBX simulator of the demo on {simulator.url} (Odoo at {args.odoo})\n")
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops it like SIGTERM
        stop.wait()
    simulator.stop()


if __name__ == "__main__":
    main()
