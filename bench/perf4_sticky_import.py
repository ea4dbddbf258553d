"""PERF-4: the sticky-rule import (SPEC STK-5) against Odoo's own ``base_import``.

One .xlsx of N rows (columns "Phone number", "Extension"; N distinct valid Vietnamese mobile
numbers ``09xxxxxxxx`` spread over the extensions 101..110) is imported into
``coka.pbx.sticky.rule`` twice in the same run, each importer in its own child process
(this script again, with the hidden ``--child``) on the database ``coka_bench_import``
(``COKA_BENCH_DB=coka_bench_<name>`` names another):

* ours: the wizard ``coka.pbx.sticky.import`` (``action_import()``);
* base_import: ``base_import.import.execute_import()`` with the options of the web client,
  in one call (no 2,000-row batches: the web client would read the whole file again for
  every batch, so one call is base_import's best case).

Each child opens the registry, creates a hotline of its own, reads the file, then times the
import call only (plus the flush of what it wrote) and reports its whole-process peak RSS
(VmHWM) and the RSS just before the import; it checks that N rules were created and rolls
back, so runs repeat. Targets: base_import seconds / ours seconds >= 10; ours' peak RSS
< 300 MB. The steps, options, report and exit status are the harness's (``import_bench.py``).

    /opt/odoo/venv/bin/python bench/perf4_sticky_import.py [--rows 100000] [--reuse]
        [--small-rows 10000] [--timeout 3600] [--profile]
"""

import base64

import import_bench  # bench/ is this script's folder

EXTENSIONS = [str(number) for number in range(101, 111)]
HOTLINES = {"ours": "028 7300 4401", "base_import": "028 7300 4402"}
SEED = 4


def generate_rows(count):
    """``count`` distinct valid Vietnamese mobile numbers ``09xxxxxxxx`` as typed, each with
    an extension number among 101..110 (as an integer, as Excel keeps a typed 101)."""
    for index, number in import_bench.distinct_mobiles(count, SEED):
        yield number, int(EXTENSIONS[index % len(EXTENSIONS)])


def child_setup(odoo_env):
    """Ten agents with the extensions 101..110 of the main company (idempotent)."""
    group = odoo_env.ref("coka_pbx.group_agent")
    users = odoo_env["res.users"].with_context(active_test=False, no_reset_password=True)
    extensions = odoo_env["coka.pbx.extension"].with_context(active_test=False)
    company = odoo_env.ref("base.main_company")
    for number in EXTENSIONS:
        login = f"perf4_agent_{number}"
        user = users.search([("login", "=", login)], limit=1) or users.create(
            {"name": f"Import Agent {number}", "login": login, "groups_id": [(4, group.id)]}
        )
        extension = extensions.search(
            [("number", "=", number), ("company_id", "=", company.id)], limit=1
        )
        values = {"number": number, "user_id": user.id, "company_id": company.id, "active": True}
        if extension:
            extension.write(values)
        else:
            extensions.create(values)
    return {"ok": True, "extensions": len(EXTENSIONS), "company_id": company.id}


def prepare_hotline(odoo_env, kind):
    """A fresh hotline of the importer's own: :return: it."""
    return odoo_env["coka.pbx.hotline"].create({"number": HOTLINES[kind]})


def _run_ours(bench, odoo_env, hotline, data, profile):
    wizard = odoo_env["coka.pbx.sticky.import"].create(
        {"hotline_id": hotline.id, "file": base64.b64encode(data), "filename": "rules.xlsx"}
    )

    def run():
        wizard.action_import()
        odoo_env.flush_all()

    seconds, rss_before = bench.timed(run, profile)
    counts = {
        "reported_created": wizard.created_count,
        "reported_updated": wizard.updated_count,
        "reported_rejected": wizard.rejected_count,
    }
    return seconds, rss_before, counts, []  # the rejected rows: a problem of the harness's


def check_rules(odoo_env, hotline, rows):
    """N rules with N distinct numbers on the importer's hotline: :return: (created, problems)."""
    odoo_env.cr.execute(
        "SELECT count(*), count(DISTINCT phone_e164) FROM coka_pbx_sticky_rule "
        "WHERE hotline_id = %s",
        [hotline.id],
    )
    created, distinct = odoo_env.cr.fetchone()
    problems = []
    if created != rows or distinct != rows:
        problems.append(f"{created:,} rules ({distinct:,} numbers) for {rows:,} rows")
    return created, problems


BENCH = import_bench.ImportBench(
    name="perf4",
    title="PERF-4: sticky-rule import (STK-5) vs base_import",
    doc=__doc__,
    database=import_bench.bench_database("coka_bench_import"),
    config=import_bench.WORK / "odoo_import.conf",
    data_dir=import_bench.WORK / "data",
    file_stem="perf4_rules",
    sheet="Rules",
    headers=["Phone number", "Extension"],
    file_text="'Phone number' (text 09xxxxxxxx), 'Extension' (101..110)",
    rows=generate_rows,
    setup=child_setup,
    setup_error="could not create the extensions 101..110",
    prepare=prepare_hotline,
    ours=_run_ours,
    base_import_model="coka.pbx.sticky.rule",
    base_import_fields=["phone", "extension_id"],
    base_import_context=lambda hotline: {"default_hotline_id": hotline.id},
    check=check_rules,
)


if __name__ == "__main__":
    BENCH.main()
