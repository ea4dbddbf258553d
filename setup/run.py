"""README command 1 (SPEC RUN-3): set up everything and serve Odoo on 127.0.0.1:8069.

Called by setup/run.sh with Odoo's own Python.
"""

import os
import subprocess
import sys

import coka_env as env

DB_NAME = os.environ.get("COKA_DB_NAME", "coka")
HTTP_PORT = os.environ.get("COKA_HTTP_PORT", "8069")

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
    env.out()
    env.out(f"COKA is served at {url}/web/login  (database {DB_NAME})")
    env.out("Demo logins (login / password):")
    for label, login, password in DEMO_LOGINS:
        env.out(f"  {label:<36} {login} / {password}")
    env.out("Stop with Ctrl+C.")
    os.execv(sys.executable, env.odoo_command(config, "-d", DB_NAME, *argv))


if __name__ == "__main__":
    main(sys.argv[1:])
