"""README command 1 (SPEC RUN-3): set up everything and serve Odoo on 127.0.0.1:8069, with the
PBX simulator playing the demo provider on 127.0.0.1:8899 (issue 10.6), stopped with Odoo.

Called by setup/run.sh with Odoo's own Python.
"""

import os
import signal
import subprocess
import sys

import coka_env as env

DB_NAME = os.environ.get("COKA_DB_NAME", "coka")
HTTP_PORT = os.environ.get("COKA_HTTP_PORT", "8069")
SIM_PORT = os.environ.get("COKA_PBX_SIM_PORT", "8899")  # the demo provider's api_url

DEMO_LOGINS = [
    ("Administrator", "admin", "admin"),
    ("Manager (Trần Minh Quân)", "quanly", "quanly"),
    ("Agent 101 (Nguyễn Thị Hoa)", "hoa", "hoa"),
    ("Agent 102 (Lê Văn Hùng)", "hung", "hung"),
    ("Agent 103 (Phạm Thu Trang, OFF)", "trang", "trang"),
]


def main(argv):
    env.ensure_requirements(env.ROOT / "requirements.txt")
    env.ensure_postgres()
    env.ensure_role()
    data_dir = env.LOCAL / "data"
    config = env.write_config(
        env.LOCAL / "odoo.conf",
        data_dir,
        db_name=DB_NAME,
        dbfilter=f"^{DB_NAME}$",
        http_port=HTTP_PORT,
        proxy_mode="False",
    )
    modules = ",".join(env.MODULES)
    if env.database_exists(DB_NAME):
        env.say(f"upgrading the suite in database {DB_NAME}")
        step = ["-u", modules]
    else:
        env.say(f"creating database {DB_NAME} with the suite and demo data")
        step = ["-i", modules, "--load-language=vi_VN"]
    result = subprocess.run(
        env.odoo_command(config, "-d", DB_NAME, *step, "--stop-after-init"), check=False
    )
    if result.returncode:
        env.fail(f"installing the suite in {DB_NAME} failed (see the log above).")

    url = f"http://127.0.0.1:{HTTP_PORT}"
    simulator = start_simulator(url)
    env.out()
    env.out(f"COKA is served at {url}/web/login  (database {DB_NAME})")
    env.out("Demo logins (login / password):")
    for label, login, password in DEMO_LOGINS:
        env.out(f"  {label:<36} {login} / {password}")
    env.out(f"PBX simulator of the demo: http://127.0.0.1:{SIM_PORT}")
    env.out("  ring Hoa (101) from a number:   setup/ring.sh 101 0912345678")
    env.out("  then:                           setup/ring.sh answer ; setup/ring.sh end")
    env.out("Stop with Ctrl+C.")
    sys.exit(serve(env.odoo_command(config, "-d", DB_NAME, *argv), simulator))


def start_simulator(odoo_url):
    """setup/pbx_sim.py in its own process, listening before Odoo starts."""
    command = [sys.executable, str(env.ROOT / "setup" / "pbx_sim.py"), "--odoo", odoo_url]
    simulator = subprocess.Popen([*command, "--port", SIM_PORT], stdout=subprocess.PIPE, text=True)
    line = simulator.stdout.readline()  # its "listening" line, or nothing when it failed
    if simulator.poll() is not None or not line:
        simulator.wait()
        env.fail(f"the PBX simulator did not start on port {SIM_PORT} (see above).")
    env.out(line.rstrip())
    return simulator


def serve(command, simulator):
    """Run Odoo until it stops (Ctrl+C reaches both; SIGTERM, as a service manager sends it,
    stops Odoo), then stop the simulator."""
    odoo = subprocess.Popen(command)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: odoo.terminate())
    try:
        while True:
            try:
                return odoo.wait()
            except KeyboardInterrupt:
                odoo.send_signal(signal.SIGINT)
    finally:
        if simulator.poll() is None:
            simulator.terminate()
        simulator.wait(timeout=10)


if __name__ == "__main__":
    main(sys.argv[1:])
