"""The contact import with allocation (SPEC CON-3, issue 12 item 7) against ``base_import``.

Not SPEC's PERF-5 (that one is about reports).

One .xlsx of N rows (columns "Họ và tên", "Số điện thoại", "Email", "Thành phố",
"Nhân viên"; N distinct valid Vietnamese mobile numbers ``09xxxxxxxx``; "Nhân viên" holds the
name of one of ten staff members in turn, as a file prepared for base_import must) is imported
into ``res.partner`` twice in the same run, each importer in its own child process (this
script again, with the hidden ``--child``) on the database ``coka_bench_contact_import``
(``COKA_BENCH_DB`` names another):

* ours: the wizard ``coka.contact.import`` (``action_read_file()``, then ``action_import()``
  with round robin over the ten staff, the "Nhân viên" column left unmapped) and its job
  (``coka.contact.import.job._coka_run()``, what the cron runs, here without its commits);
* base_import: ``base_import.import.execute_import()`` with the options of the web client,
  in one call, the five columns mapped (``user_id`` by name) and ``default_coka_source``.

Each child opens the registry, reads the file, then times the import only (plus the flush of
what it wrote) and reports its whole-process peak RSS (VmHWM) and the RSS just before the
import; it checks that N contacts were created, ten staff got N/10 each, and rolls back, so
runs repeat. Targets: base_import seconds / ours seconds >= 10; ours' peak RSS < 300 MB.
The steps, options, report and exit status are the harness's (``import_bench.py``).

    /opt/odoo/venv/bin/python bench/contact_import.py [--rows 100000] [--reuse]
        [--small-rows 10000] [--timeout 3600] [--profile]

``COKA_BENCH_DB=coka_bench_<name>`` gives it another database (it must start with
``coka_bench``).
"""

import base64

import import_bench  # bench/ is this script's folder

DB = import_bench.bench_database("coka_bench_contact_import")
STAFF = [(f"bench_import_staff_{number:02d}", f"Nhân viên {number:02d}") for number in range(1, 11)]
HEADERS = ["Họ và tên", "Số điện thoại", "Email", "Thành phố", "Nhân viên"]
BASE_IMPORT_FIELDS = ["name", "phone", "email", "city", "user_id"]
CITIES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ"]
SEED = 5


def generate_rows(count):
    """``count`` rows: a Vietnamese name, a distinct valid mobile ``09xxxxxxxx`` as typed, an
    e-mail, a city, and the name of the staff member of the row's turn (round robin)."""
    for index, number in import_bench.distinct_mobiles(count, SEED):
        yield (
            f"Khách hàng {index:06d}",
            number,
            f"khach{index:06d}@example.vn",
            CITIES[index % len(CITIES)],
            STAFF[index % len(STAFF)][1],
        )


def child_setup(odoo_env):
    """Ten staff members (agents) of the main company (idempotent)."""
    group = odoo_env.ref("coka_pbx.group_agent")
    users = odoo_env["res.users"].with_context(active_test=False, no_reset_password=True)
    for number, (login, name) in enumerate(STAFF, start=1):
        user = users.search([("login", "=", login)], limit=1)
        if not user:
            # A database of the benchmark's first version: its staff had other logins (and
            # the same names, which base_import's allocation by name must find once).
            user = users.search([("login", "=", f"perf5_staff_{number:02d}")], limit=1)
        if not user:
            users.create({"name": name, "login": login, "groups_id": [(4, group.id)]})
        else:
            user.write({"login": login, "name": name, "active": True})
    return {"ok": True, "staff": len(STAFF)}


def _staff(odoo_env):
    return odoo_env["res.users"].search([("login", "in", [login for login, _name in STAFF])])


def last_partner(odoo_env, _kind):
    """The highest ``res_partner`` id before the import: :return: it."""
    odoo_env.cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
    (last_id,) = odoo_env.cr.fetchone()
    return last_id


def _run_ours(bench, odoo_env, _last_id, data, profile):
    staff = _staff(odoo_env)
    answer = {}

    def run():
        wizard = odoo_env["coka.contact.import"].create(
            {"file": base64.b64encode(data), "filename": "contacts.xlsx"}
        )
        wizard.action_read_file()
        wizard.line_ids.filtered(lambda line: line.header == "Nhân viên").field_name = False
        wizard.write({"allocation": "round_robin", "staff_ids": [(6, 0, staff.ids)]})
        wizard.action_import()
        job = wizard.job_id
        if job.state != "done":
            job._coka_run()  # what the cron runs (here without its commits)
        odoo_env.flush_all()
        answer["job"] = job

    seconds, rss_before = bench.timed(run, profile)
    job = answer["job"]
    counts = {
        "reported_created": job.created_count,
        "reported_rejected": job.rejected_count,
        "background": job.background,
    }
    return seconds, rss_before, counts, []  # the rejected rows: a problem of the harness's


def check_contacts(odoo_env, last_id, rows):
    """N contacts with N distinct numbers, N/10 (± 1) for each of the ten staff:
    :return: (created, problems)."""
    odoo_env.cr.execute(
        "SELECT user_id, count(*), count(DISTINCT coka_phone_e164) FROM res_partner"
        " WHERE id > %s AND coka_source = 'import' GROUP BY user_id",
        [last_id],
    )
    per_user = {
        user_id: (created, distinct) for user_id, created, distinct in odoo_env.cr.fetchall()
    }
    created = sum(created for created, _distinct in per_user.values())
    distinct = sum(distinct for _created, distinct in per_user.values())
    problems = []
    if created != rows or distinct != rows:
        problems.append(f"{created:,} contacts ({distinct:,} numbers) for {rows:,} rows")
    staff = set(_staff(odoo_env).ids)
    shares = [per_user.get(uid, (0, 0))[0] for uid in staff]
    if set(per_user) != staff or max(shares) - min(shares) > 1:
        problems.append(f"allocation not even over the ten staff: {sorted(shares)}")
    return created, problems


BENCH = import_bench.ImportBench(
    name="contact_import",
    title="contact import with allocation (CON-3) vs base_import",
    doc=__doc__,
    database=DB,
    config=import_bench.WORK / f"odoo_{DB}.conf",
    data_dir=import_bench.WORK / f"data_{DB}",
    file_stem="contact_import",
    sheet="Contacts",
    headers=HEADERS,
    file_text=f"{', '.join(HEADERS)} (mobiles 09xxxxxxxx); ten staff",
    rows=generate_rows,
    setup=child_setup,
    setup_error="could not create the ten staff members",
    prepare=last_partner,
    ours=_run_ours,
    base_import_model="res.partner",
    base_import_fields=BASE_IMPORT_FIELDS,
    base_import_context=lambda _last_id: {"default_coka_source": "import"},
    check=check_contacts,
    config_options={"http_enable": "False"},
    profile_sorts=(("cumulative", 60), ("tottime", 40)),
    profile_dump=True,
)


if __name__ == "__main__":
    BENCH.main()
