"""PERF-5: the Call Center reports (SPEC REP-2, issue 14) on a year of calls, each next to the
same run's plain ``read_group`` count of the calls it reads.

In-process, on the bench database (``COKA_BENCH_DB``, modules installed without demo data).
``--calls`` calls (default 1,000,000) over ``--agents`` agents (default 50), three hotlines
and ``--days`` days (default 365, ending today) are loaded with plain SQL
(``INSERT ... SELECT ... FROM generate_series``, then ``VACUUM ANALYZE``); a reused database
with another count is reloaded. The report time zone (``coka_pbx.report_tz``) is set to
Asia/Ho_Chi_Minh and the hourly job that counts the closed days into ``coka.pbx.call.day``
runs twice (timed: as it finds the database, then with nothing changed). Then, as a Manager
(record rules on, time zone Asia/Ho_Chi_Minh), through the ORM as the web client calls them,
for the month before the last one loaded:

* ``dashboard figures``: ``coka.pbx.call._coka_dashboard(first, last, False)``, the counts,
  rates, averages, cost and the per-day and per-hour series (two grouped queries on the call
  statistics);
* ``dashboard screen``: ``coka_dashboard_data(first, last, False, "calls")``, all the client
  action loads in one call: the figures, the hotlines, the leaderboard and the fairness
  report;
* ``pivot agent x day``: the four ``read_group(..., lazy=False)`` the pivot view of Reporting ›
  Call Statistics (``coka.pbx.call.report``) sends for rows ``user_id``, columns ``date:day``
  and measures calls, talk time and QA score (totals, rows, columns, cells);
* ``leaderboard``: the two ``read_group`` of the Leaderboard pivot (``coka.pbx.agent.stat``,
  rows ``user_id``, its six measures: total and rows);
* ``count``: the baseline, ``read_group(domain, ["__count"], [], lazy=False)`` on the calls
  (``coka.pbx.call``) of the same month;
* for information, each report's groupings again on the calls, counting only (``, counted``):
  what Odoo's grouping of those rows costs without the reports' measures.

Checked: the pivot's and the leaderboard's totals equal the count of the month's calls (with
an agent for the leaderboard).

Each is run ``--repeats`` times (default 7) in turns (A B C D, then reversed) after one
warm-up; the median is kept. Targets: each < 500 ms and < 2x the count's median.

    /opt/odoo/venv/bin/python bench/perf5_reports.py [--calls N] [--agents N] [--days N]
        [--repeats N] [--reuse] [--upgrade]
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta

import common
import database
import measure
import reporting
from perf3_lead_assignment import open_registry

TARGET_MS = 500.0
TARGET_RATIO = 2.0
TZ = "Asia/Ho_Chi_Minh"
MARKER = "perf5r-"
CALLS_PARAM = "coka_bench.perf5_calls"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_database_arguments(parser)
    parser.set_defaults(partners=1)
    parser.add_argument("--calls", type=common.positive, default=1_000_000)
    parser.add_argument("--agents", type=common.positive, default=50)
    parser.add_argument("--days", type=common.positive, default=365)
    parser.add_argument("--repeats", type=common.positive, default=7)
    return parser.parse_args()


def make_world(env, agents):
    """The Manager, ``agents`` agents and three hotlines (made once, found again on reuse)."""
    users = env["res.users"].with_context(active_test=False)
    logins = [f"perf5r_agent_{index:02d}" for index in range(1, agents + 1)]
    existing = users.search([("login", "in", logins)])
    missing = sorted(set(logins) - set(existing.mapped("login")))
    agent_group = env.ref("coka_pbx.group_agent")
    if missing:
        existing |= users.create(
            [
                {"name": login, "login": login, "groups_id": [(4, agent_group.id)]}
                for login in missing
            ]
        )
    manager = users.search([("login", "=", "perf5r_manager")]) or users.create(
        {
            "name": "perf5r_manager",
            "login": "perf5r_manager",
            "tz": TZ,
            "groups_id": [(4, env.ref("coka_pbx.group_manager").id)],
        }
    )
    hotlines = env["coka.pbx.hotline"]
    for number in ("028 7300 5551", "028 7300 5552", "028 7300 5553"):
        hotlines |= hotlines.search([("number", "=", number)]) or hotlines.create(
            {"number": number}
        )
    env.cr.commit()  # pylint: disable=invalid-commit
    return manager, existing.sorted("id"), hotlines


def load_calls(env, count, agents, hotlines, days):
    """``count`` calls over the agents, hotlines and days, by plain SQL (reloaded when the
    count differs). 70 % inbound; 80 % of them answered, the rest missed; outbound 75 %
    answered. Ring 3-40 s, talk 10-600 s when answered, cost on outbound, QA score on
    answered calls. And the agents' status log: four changes a day each."""
    cr = env.cr
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [CALLS_PARAM])
    row = cr.fetchone()
    if row and row[0] == f"{count}:{days}:{len(agents)}:log":
        common.say(f"reusing {count:,} loaded calls")
        return
    common.say(f"loading {count:,} calls over {len(agents)} agents and {days} days")
    started = time.monotonic()
    cr.execute("DELETE FROM coka_pbx_call WHERE provider_call_id LIKE %s", [MARKER + "%"])
    end = date.today() + timedelta(days=1)
    seconds = days * 86400
    chunk = 200_000
    for first in range(1, count + 1, chunk):
        last = min(first + chunk - 1, count)
        cr.execute(
            """
            INSERT INTO coka_pbx_call (
                provider_call_id, company_id, hotline_id, user_id, direction, status,
                customer_number, from_number, start_date, ring_seconds, talk_seconds, cost,
                qa_score, too_long, create_uid, write_uid, create_date, write_date)
            SELECT %(marker)s || s.i, %(company)s,
                   (%(hotlines)s::int[])[(1 + s.i %% 3)::int],
                   (%(agents)s::int[])[(1 + (s.i * 7) %% %(agent_count)s)::int],
                   d.direction, d.status,
                   '+849' || lpad((s.i %% 100000000)::text, 8, '0'),
                   '09' || lpad((s.i %% 100000000)::text, 8, '0'),
                   %(end)s::timestamp - make_interval(secs => (s.i * 7919) %% %(seconds)s),
                   3 + s.i %% 38,
                   CASE WHEN d.status = 'answered' THEN 10 + (s.i * 13) %% 591 ELSE 0 END,
                   CASE WHEN d.direction = 'outbound' AND d.status = 'answered'
                        THEN 500 * (1 + s.i %% 9) ELSE 0 END,
                   CASE WHEN d.status = 'answered' THEN (s.i * 17) %% 101 END,
                   false, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS s(i)
             CROSS JOIN LATERAL (
                SELECT CASE WHEN s.i %% 10 < 7 THEN 'inbound' ELSE 'outbound' END AS direction,
                       CASE WHEN s.i %% 10 < 7 THEN
                                CASE WHEN s.i %% 5 = 0 THEN 'missed' ELSE 'answered' END
                            ELSE CASE WHEN s.i %% 4 = 0 THEN 'no_answer' ELSE 'answered' END
                       END AS status) d
            """,
            {
                "marker": MARKER,
                "company": env.company.id,
                "hotlines": hotlines.ids,
                "agents": agents.ids,
                "agent_count": len(agents),
                "end": end,
                "seconds": seconds,
                "first": first,
                "last": last,
            },
        )
        common.say(f"  {last:,} calls")
    # A year of status changes: each agent ON 08:00-12:00 and 13:00-18:00 local (UTC+7).
    cr.execute("DELETE FROM coka_pbx_agent_status_log WHERE user_id = ANY(%s)", [agents.ids])
    cr.execute(
        """
        INSERT INTO coka_pbx_agent_status_log (user_id, status, date, company_id)
        SELECT a.id, c.status, d.day + c.at, %(company)s
          FROM unnest(%(agents)s::int[]) AS a(id)
         CROSS JOIN generate_series(%(end)s::timestamp - make_interval(days => %(days)s),
                                    %(end)s::timestamp, interval '1 day') AS d(day)
         CROSS JOIN (VALUES ('on', interval '1 hour'), ('off', interval '5 hours'),
                            ('on', interval '6 hours'), ('off', interval '11 hours'))
                    AS c(status, at)
        """,
        {"agents": agents.ids, "end": end, "days": days, "company": env.company.id},
    )
    cr.execute(
        "INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, "
        "write_date) VALUES (%s, %s, 1, 1, now(), now()) ON CONFLICT (key) DO UPDATE SET "
        "value = EXCLUDED.value",
        [CALLS_PARAM, f"{count}:{days}:{len(agents)}:log"],
    )
    cr.commit()  # pylint: disable=invalid-commit
    old_autocommit = cr._cnx.autocommit
    cr._cnx.autocommit = True
    cr.execute("VACUUM ANALYZE coka_pbx_call")
    cr.execute("VACUUM ANALYZE coka_pbx_agent_status_log")
    cr._cnx.autocommit = old_autocommit
    common.say(f"loaded in {time.monotonic() - started:.0f} s")


def refresh_reports(env):
    """The report time zone set to the bench's, then the hourly job that counts the closed
    days (``coka.pbx.call.day``): once as it finds them, once with nothing changed."""
    env["ir.config_parameter"].set_param("coka_pbx.report_tz", TZ)
    timings = []
    for _run in range(2):
        started = time.monotonic()
        days = env["coka.pbx.call.day"]._cron_coka_refresh()
        env.cr.commit()  # pylint: disable=invalid-commit
        timings.append((days, time.monotonic() - started))
    common.say(
        "report refresh: {} day(s) counted in {:.1f} s, then {} in {:.1f} s".format(
            *timings[0], *timings[1]
        )
    )
    return timings


def month_bounds():
    """The last full month: its first and last local days."""
    first_this = date.today().replace(day=1)
    last = first_this - timedelta(days=1)
    return last.replace(day=1), last


def runners(env, manager):
    first, last = month_bounds()
    calls = env["coka.pbx.call"].with_user(manager).with_context(tz=TZ)
    stats = env["coka.pbx.agent.stat"].with_user(manager).with_context(tz=TZ)
    report = env["coka.pbx.call.report"].with_user(manager).with_context(tz=TZ)
    start, end = calls._coka_dashboard_bounds(first, last)
    domain = [("start_date", ">=", start), ("start_date", "<", end)]
    stat_domain = report_domain = [("date", ">=", start), ("date", "<", end)]
    measures = ["calls:sum", "talk_seconds:sum", "qa_score:avg"]
    stat_measures = [
        "calls_handled:sum",
        "answer_rate:avg",
        "missed_while_on:sum",
        "talk_seconds:sum",
        "cost:sum",
        "qa_score:avg",
    ]

    def count():
        return calls.read_group(domain, ["__count"], [], lazy=False)[0]["__count"]

    def figures():
        return calls._coka_dashboard(str(first), str(last), False)["calls"]

    def dashboard():
        return calls.coka_dashboard_data(str(first), str(last), False, "calls")["calls"]

    def pivot():
        cells = 0
        for groupby in ([], ["user_id"], ["date:day"], ["user_id", "date:day"]):
            cells += len(report.read_group(report_domain, measures, groupby, lazy=False))
        return cells

    def leaderboard():
        rows = 0
        for groupby in ([], ["user_id"]):
            rows += len(stats.read_group(stat_domain, stat_measures, groupby, lazy=False))
        return rows

    def counted(model, model_domain, groupbys):
        """The same grouped read_groups, counting only: what Odoo's grouping costs alone."""

        def function():
            return sum(
                len(model.read_group(model_domain, ["__count"], groupby, lazy=False))
                for groupby in groupbys
            )

        return function

    day_hour = (["direction", "status"], ["start_date:day", "direction"])
    day_hour += (["start_date:hour_number", "direction"],)
    pivot_groups = ([], ["user_id"], ["start_date:day"], ["user_id", "start_date:day"])

    return (
        first,
        last,
        {
            "count": count,
            "dashboard figures": figures,
            "dashboard screen": dashboard,
            "pivot agent x day": pivot,
            "leaderboard": leaderboard,
            "dashboard figures, counted": counted(calls, domain, day_hour),
            "pivot agent x day, counted": counted(calls, domain, pivot_groups),
            "leaderboard, counted": counted(
                calls, [*domain, ("user_id", "!=", False)], ([], ["user_id"])
            ),
        },
        totals(calls, report, stats, domain, stat_measures),
    )


def totals(calls, report, stats, domain, stat_measures):
    """What the pivot and the leaderboard count, next to the calls they count (checks)."""
    report_domain = [("date" if term[0] == "start_date" else term[0], *term[1:]) for term in domain]

    def pivot_total():
        return report.read_group(report_domain, ["calls:sum"], [], lazy=False)[0]["calls"]

    def leaderboard_total():
        return stats.read_group(report_domain, stat_measures, [], lazy=False)[0]["calls_handled"]

    def agent_count():
        agent_domain = [*domain, ("user_id", "!=", False)]
        return calls.read_group(agent_domain, ["__count"], [], lazy=False)[0]["__count"]

    return {
        "pivot total": pivot_total,
        "leaderboard total": leaderboard_total,
        "agent count": agent_count,
    }


def run(env, functions, repeats):
    """Median ms of each, the functions run in turns (A B C D, then D C B A), after a warm-up."""
    timings = {name: [] for name in functions}
    results = {}
    for name, function in functions.items():
        results[name] = function()  # warm-up (caches, plans)
        env.invalidate_all()
    names = list(functions)
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else reversed(names):
            env.invalidate_all()
            started = time.perf_counter()
            functions[name]()
            timings[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}, results


def main():
    args = parse_args()
    partners = database.prepare_database(args.partners, args.reuse, args.upgrade)
    registry = open_registry()
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        manager, agents, hotlines = make_world(env, args.agents)
        load_calls(env, args.calls, agents, hotlines, args.days)
        refresh = refresh_reports(env)
        first, last, functions, checks = runners(env, manager)
        neighbours = measure.Neighbours()
        load_before = measure.load_average()
        neighbours.start()
        medians, results = run(env, functions, args.repeats)
        for name, function in checks.items():
            results[name] = function()
        neighbours.stop("perf5 reports")
        common.out()
        reporting.header(
            "PERF-5 reports (REP-2): dashboard, pivot agent x day, leaderboard vs plain count",
            partners,
            [
                f"how:       in-process, as a Manager (record rules on), tz {TZ}, "
                f"median of {args.repeats} runs in turns after a warm-up",
                f"data:      {args.calls:,} calls, {len(agents)} agents, 3 hotlines, "
                f"{args.days} days; month {first} .. {last}: {results['count']:,} calls",
                f"refresh:   {refresh[0][0]} days counted in {refresh[0][1]:.1f} s; "
                f"again, nothing changed: {refresh[1][1]:.2f} s",
                f"check:     pivot total {results['pivot total']:,} calls, "
                f"leaderboard total {results['leaderboard total']:,} (count with an agent: "
                f"{results['agent count']:,})",
                f"load:      load average {load_before:.2f} before, "
                f"{measure.load_average():.2f} after",
            ],
        )
        baseline = medians["count"]
        failed = False
        for name, ms in medians.items():
            if name.endswith(", counted"):
                continue
            ratio = ms / baseline if baseline else 0.0
            verdict = twin = ""
            if name != "count":
                ok = ms < TARGET_MS and ratio < TARGET_RATIO
                failed |= not ok
                verdict = "PASS" if ok else "FAIL"
            if f"{name}, counted" in medians:
                counted_ms = medians[f"{name}, counted"]
                twin = f"  (same groups, count only: {counted_ms:.1f} ms, {ms / counted_ms:.2f}x)"
            common.out(f"{name:<20} {ms:9.1f} ms  {ratio:5.2f}x count  {verdict}{twin}")
        common.out(f"targets: each < {TARGET_MS:.0f} ms and < {TARGET_RATIO:.0f}x the count")
        if neighbours.warnings:
            common.out("WARNING: other Odoo processes shared the CPU: figures not comparable")
        cr.rollback()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
