"""Refresh each module's .pot and merge it into its vi_VN.po (developer tool).

Usage (after setup/test.sh has built the test database):

    $ODOO_PYTHON setup/i18n.py [module ...]

Exports the terms Odoo extracts from the installed modules of the test database, keeps every
existing Vietnamese translation, adds the new terms untranslated, drops the terms that are
gone, and lists what is left to translate. The translation test of setup/test.sh fails until
that list is empty.
"""

import os
import subprocess
import sys

import polib

import coka_env as env

TEST_CONFIG = env.LOCAL / "test" / "odoo.conf"
# Another database with the suite's modules installed (a parallel checkout's, say) may be named.
TEST_DB = os.environ.get("COKA_I18N_DB", "coka_test")


def export_pot(module):
    pot = env.ROOT / module / "i18n" / f"{module}.pot"
    pot.parent.mkdir(exist_ok=True)
    command = env.odoo_command(
        TEST_CONFIG,
        "-d",
        TEST_DB,
        f"--i18n-export={pot}",
        f"--modules={module}",
        "--stop-after-init",
        "--log-level=warn",
    )
    subprocess.run(command, check=True)
    return pot


def merge(module, pot_path):
    po_path = pot_path.with_name("vi_VN.po")
    template = polib.pofile(str(pot_path))
    known = {}
    if po_path.exists():
        known = {entry.msgid: entry.msgstr for entry in polib.pofile(str(po_path))}
    catalog = polib.POFile(wrapwidth=78)
    catalog.header = template.header
    catalog.metadata = dict(
        template.metadata,
        Language="vi_VN",
        **{"Plural-Forms": "nplurals=1; plural=0;"},
    )
    for entry in template:
        entry.msgstr = known.get(entry.msgid, "")
        catalog.append(entry)
    catalog.save(str(po_path))
    return [entry.msgid for entry in catalog if not entry.msgstr]


def main(modules):
    if not TEST_CONFIG.exists():
        env.ensure_postgres()
        env.write_config(TEST_CONFIG, env.LOCAL / "test" / "data")
    modules = modules or env.MODULES
    # Load the current code into the test database first: views are read from it.
    update = ["-d", TEST_DB, "-u", ",".join(modules), "--stop-after-init", "--log-level=warn"]
    subprocess.run(env.odoo_command(TEST_CONFIG, *update), check=True)
    missing_total = 0
    for module in modules:
        missing = merge(module, export_pot(module))
        missing_total += len(missing)
        for msgid in missing:
            env.out(f"{module}: untranslated: {msgid!r}")
    env.say(f"{missing_total} term(s) to translate")
    return 1 if missing_total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
