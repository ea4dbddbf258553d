"""Shared steps of setup/run.py and setup/test.py.

Runs inside Odoo's own Python (found by find_odoo.sh), so ``odoo`` and ``psycopg2`` import.
Nothing here downloads or builds Odoo (SPEC RUN-2).
"""

import importlib.metadata
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
MODULES = [
    "coka_pbx",
    "coka_pbx_billing",
    "coka_crm_leads",
    "coka_messaging",
    "coka_haravan",
    "coka_messaging_crm",
]
# Installed by setup/test.py in the test database only, never by setup/run.py.
TEST_MODULES = ["test_coka_pbx_provider"]

DB_HOST = os.environ.get("COKA_DB_HOST", "127.0.0.1")
DB_PORT = int(os.environ.get("COKA_DB_PORT", "5432"))
DB_USER = os.environ.get("COKA_DB_USER", "coka")
DB_PASSWORD = os.environ.get("COKA_DB_PASSWORD", "coka")


def out(text=""):
    """Write one line for the person running the scripts."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


def say(message):
    """Write one progress line of the scripts."""
    out(f"[coka] {message}")


def fail(message):
    """Stop with one clear message."""
    sys.stderr.write(f"COKA: {message}\n")
    sys.exit(1)


def odoo_addons_paths():
    """Odoo's own addons folders, from the installed ``odoo`` package (SPEC RUN-2)."""
    import odoo  # noqa: PLC0415  (imported late: only Odoo's Python has it)

    package = Path(odoo.__file__).resolve().parent
    # A packaged Odoo keeps every addon in odoo/addons; a source checkout has ../addons too.
    candidates = [package / "addons", package.parent / "addons"]
    return [str(path) for path in candidates if any(path.glob("*/__manifest__.py"))]


def addons_path():
    return ",".join([*odoo_addons_paths(), str(ROOT)])


def _requirements(path):
    from pip._vendor.packaging.requirements import Requirement  # noqa: PLC0415

    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield Requirement(line)


def _satisfied(requirement):
    try:
        version = importlib.metadata.version(requirement.name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return requirement.specifier.contains(version, prereleases=True)


def ensure_requirements(*files):
    """Install the suite's Python dependencies into Odoo's Python when one is missing."""
    missing = [str(req) for file in files for req in _requirements(file) if not _satisfied(req)]
    if not missing:
        return
    say(f"installing into {sys.executable}: {', '.join(missing)}")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", *missing],
        check=True,
    )


def _connect(dbname="postgres", user=DB_USER, password=DB_PASSWORD):
    return psycopg2.connect(
        host=DB_HOST,
        port=DB_PORT,
        user=user,
        password=password,
        dbname=dbname,
        connect_timeout=5,
    )


def _as_postgres(command):
    """Run a command as the ``postgres`` system user (role and cluster administration)."""
    if os.geteuid() == 0:
        prefix = ["runuser", "-u", "postgres", "--"]
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n", "-u", "postgres"]
    else:
        prefix = []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, check=False)


def _server_up():
    try:
        _connect().close()
    except psycopg2.OperationalError as error:
        text = str(error)
        return "Connection refused" not in text and "could not connect" not in text
    return True


def ensure_postgres():
    """Start the local PostgreSQL cluster when it is down (``pg_ctlcluster`` on Debian)."""
    if _server_up():
        return
    if not shutil.which("pg_lsclusters"):
        fail(
            f"PostgreSQL does not answer on {DB_HOST}:{DB_PORT} and pg_ctlcluster is not "
            "available to start it. Start PostgreSQL, then run this command again."
        )
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    )
    for line in listing.stdout.splitlines():
        version, name, _port, status = line.split()[:4]
        if status != "online":
            say(f"starting PostgreSQL cluster {version}/{name}")
            command = ["pg_ctlcluster", version, name, "start"]
            result = subprocess.run(
                command if os.geteuid() == 0 else ["sudo", "-n", *command],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                fail(f"could not start PostgreSQL {version}/{name}: {result.stderr.strip()}")
    for _attempt in range(60):
        if _server_up():
            return
        time.sleep(0.5)
    fail(f"PostgreSQL did not come up on {DB_HOST}:{DB_PORT}.")


def _can_login():
    try:
        _connect().close()
    except psycopg2.OperationalError:
        return False
    return True


def ensure_role():
    """Create the database role of the suite when it is missing."""
    if _can_login():
        return
    say(f"creating PostgreSQL role {DB_USER}")
    statement = (
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}') THEN "
        f"CREATE ROLE \"{DB_USER}\" LOGIN CREATEDB PASSWORD '{DB_PASSWORD}'; "
        f"ELSE ALTER ROLE \"{DB_USER}\" LOGIN CREATEDB PASSWORD '{DB_PASSWORD}'; "
        "END IF; END $$;"
    )
    result = _as_postgres(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c", statement])
    if result.returncode:
        fail(f"could not create the PostgreSQL role {DB_USER}: {result.stderr.strip()}")
    try:
        _connect().close()
    except psycopg2.OperationalError as error:
        fail(f"the role {DB_USER} cannot log in over TCP on {DB_HOST}:{DB_PORT}: {error}")


def database_exists(name):
    with _connect() as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = bool(cr.fetchone())
    conn.close()
    return found


def drop_database(name, data_dir):
    """Drop a database and its filestore."""
    conn = _connect()
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [name],
        )
        cr.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    conn.close()
    shutil.rmtree(Path(data_dir) / "filestore" / name, ignore_errors=True)


def write_config(path, data_dir, **options):
    """Write an Odoo configuration file (kept out of git under .local/)."""
    values = {
        "addons_path": addons_path(),
        "data_dir": str(data_dir),
        "db_host": DB_HOST,
        "db_port": DB_PORT,
        "db_user": DB_USER,
        "db_password": DB_PASSWORD,
        "http_interface": "127.0.0.1",
        "list_db": "False",
        "admin_passwd": DB_PASSWORD,
        "without_demo": "False",
    }
    values.update(options)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[options]"] + [f"{key} = {value}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_command(config, *args):
    """The command line that runs Odoo with this Python and config file."""
    launcher = Path(__file__).with_name("odoo_launch.py")
    return [sys.executable, str(launcher), "-c", str(config), *args]


def lint_commands(targets):
    """The linters of the test command, by name, over files and folders ``targets``.

    pylint walks the folders file by file (``--recursive=y``): given a folder as a module name,
    it would look a folder without ``__init__.py`` (``setup/``, ``bench/``) up on ``sys.path``,
    where an Odoo source folder brings its own ``setup/`` and ``setup.py``.
    """
    rcfile = ROOT / ".pylintrc"
    return {
        "ruff check": [sys.executable, "-m", "ruff", "check", *targets],
        "ruff format": [sys.executable, "-m", "ruff", "format", "--check", *targets],
        "pylint-odoo": [
            sys.executable,
            "-m",
            "pylint",
            f"--rcfile={rcfile}",
            "--recursive=y",
            *targets,
        ],
    }


def copy_database(source, target, data_dir):
    """Copy a database and its filestore (``CREATE DATABASE ... TEMPLATE``)."""
    drop_database(target, data_dir)
    conn = _connect()
    conn.autocommit = True
    with conn.cursor() as cr:
        cr.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target), sql.Identifier(source)
            )
        )
    conn.close()
    filestore = Path(data_dir) / "filestore"
    if (filestore / source).is_dir():
        shutil.copytree(filestore / source, filestore / target)
