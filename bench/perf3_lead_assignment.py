"""PERF-3: instant lead assignment (SPEC LEAD-2), the time it adds to lead creation and the
spread, against Odoo's own ``crm.team`` assignment (``action_assign_leads``) of the same leads
in the same run.

In-process, on the bench database (``COKA_BENCH_DB``, modules installed without demo data),
as the superuser, one cursor, each batch committed as one request would be (the leads are
deleted after each size; the team and agents stay, a new set each run). A company of its own
with an active PBX package, a sales team and ``--agents`` agents (default 20), all ON with a
seat, each a team member with room for every lead (``assignment_max``). For ``--leads``
(default 10,000) and ``--small-leads`` (default 1,000) leads, created in batches of
``--batch`` (default 100, one ``create``, flush and commit per batch, as an intake request or
an import would), each with a mobile and the team:

* ``without``: created with the module's assignment switched off (context
  ``coka_lead_no_assign``): no tag, no salesperson;
* ``with``: created with the assignment (tag Assign, round robin over the 20 agents); the
  time spent in ``_coka_prepare_assignment`` is also timed alone;
* ``odoo assign``: then ``crm.team.action_assign_leads()`` on the team (Odoo's manual
  assignment, every member's full quota), which assigns the ``without`` leads, timed alone.

``without`` and ``with`` take turns batch after batch (A B, then B A), so that both see the
same machine and the same table; ``--rounds`` (default 1) repeats the whole and pools the
figures. Prints per
lead: ms and SQL statements of each, the ms assignment adds (``with`` - ``without``), the
spread of both assignments, and the verdict: Odoo's ms per lead / the ms assignment adds >= 10
(the median over the pairs of batches of the with - without difference, robust to the
pauses of a shared machine; the difference of the means is printed too),
spread <= 1, and the cost per lead at ``--small-leads`` and ``--leads`` within 1.5x (linear).

    /opt/odoo/venv/bin/python bench/perf3_lead_assignment.py [--leads N] [--small-leads N]
        [--batch N] [--agents N] [--rounds N] [--reuse] [--upgrade]
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from unittest.mock import patch

import common
import database
import measure
import reporting
from common import BENCH_DB, CONFIG

TARGET_RATIO = 10.0
LINEAR_RATIO = 1.5
MAX_SPREAD = 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_database_arguments(parser)
    parser.set_defaults(partners=1)
    parser.add_argument("--leads", type=common.positive, default=10_000, help="default 10,000")
    parser.add_argument(
        "--small-leads", type=common.positive, default=1_000, help="default 1,000 (linearity)"
    )
    parser.add_argument("--batch", type=common.positive, default=100, help="leads per create")
    parser.add_argument("--agents", type=common.positive, default=20, help="ON agents")
    parser.add_argument("--rounds", type=common.positive, default=1, help="repeats, pooled")
    return parser.parse_args()


def open_registry():
    """The registry of the bench database, in this process."""
    os.environ["TZ"] = "UTC"
    import odoo  # noqa: PLC0415  (only Odoo's Python has it)
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(CONFIG), "-d", BENCH_DB, "--log-level=warn"])
    return Registry(BENCH_DB)


def make_world(env, agents):
    """A company with an active package, a team and ``agents`` ON agents with a seat.

    :return: ``(team, users)``
    """
    tag = uuid.uuid4().hex[:8]
    company = env["res.company"].create({"name": f"PERF-3 {tag}"})
    company._coka_wallet()._credit(10**9, "topup", f"CK-perf3-{tag}")
    company._coka_default_hotline().number = "028 7300 6666"
    package = company._coka_pbx_subscription()
    package._activate(agents, 1)
    group = env.ref("coka_pbx.group_agent")
    users = env["res.users"].create(
        [
            {
                "name": f"PERF-3 agent {index:02d}",
                "login": f"perf3-{tag}-{index}",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [(4, group.id)],
            }
            for index in range(agents)
        ]
    )
    for user in users:
        package._add_member(user)
    team = env["crm.team"].create(
        {"name": f"PERF-3 {tag}", "company_id": company.id, "use_leads": True}
    )
    env["crm.team.member"].create(
        [{"crm_team_id": team.id, "user_id": user.id, "assignment_max": 10**7} for user in users]
    )
    env.flush_all()
    return team, users


def lead_values(team, marker, first, last):
    return [
        {
            "name": f"{marker} {index}",
            "type": "lead",
            "mobile": f"09{index % 10**8:08d}",
            "team_id": team.id,
            "user_id": False,
        }
        for index in range(first, last)
    ]


def timed_batch(env, Lead, vals_list, totals):
    """Create one batch and commit it (as one request), adding its seconds and SQL
    statements to ``totals``."""
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    Lead.create(vals_list)
    env.flush_all()
    env.cr.commit()
    seconds = time.perf_counter() - started
    totals["seconds"] += seconds
    totals["queries"] += env.cr.sql_log_count - queries
    env.invalidate_all()
    return seconds


def spread(env, marker, users):
    """Leads of ``marker`` per agent: ``(max - min, unassigned)``."""
    env.cr.execute(
        "SELECT user_id, count(*) FROM crm_lead WHERE name LIKE %s GROUP BY user_id",
        [f"{marker} %"],
    )
    counts = Counter(dict(env.cr.fetchall()))
    per_agent = [counts.get(user.id, 0) for user in users]
    return max(per_agent) - min(per_agent), counts.get(None, 0)


def run_size(env, team, users, count, batch):
    """``count`` leads without and ``count`` with the assignment, batch after batch in turns
    (A B then B A, so that neither is always first and both see the same table), then Odoo's
    ``action_assign_leads`` on the ``without`` ones; all rolled back.

    :return: ``{name: figures}``
    """
    markers = {"without": f"P3-{uuid.uuid4().hex[:8]}", "with": f"P3-{uuid.uuid4().hex[:8]}"}
    totals = {name: {"seconds": 0.0, "queries": 0, "inside": 0.0} for name in markers}
    differences = []  # per pair of batches: (with - without) seconds per lead
    models = {
        "without": env["crm.lead"].with_context(coka_lead_no_assign=True),
        "with": env["crm.lead"],
    }
    inside = [0.0]
    original = type(env["crm.lead"])._coka_prepare_assignment

    def timed(self, vals_list):
        started = time.perf_counter()
        try:
            return original(self, vals_list)
        finally:
            inside[0] += time.perf_counter() - started

    try:
        with patch.object(type(env["crm.lead"]), "_coka_prepare_assignment", timed):
            for number, first in enumerate(range(0, count, batch)):
                last = min(first + batch, count)
                turns = ["without", "with"] if number % 2 == 0 else ["with", "without"]
                pair = {}
                for name in turns:
                    vals_list = lead_values(team, markers[name], first, last)
                    pair[name] = timed_batch(env, models[name], vals_list, totals[name])
                differences.append((pair["with"] - pair["without"]) / (last - first))
        totals["with"]["inside"] = inside[0]
        totals["with"]["differences"] = differences
        for name, marker in markers.items():
            totals[name]["spread"], totals[name]["unassigned"] = spread(env, marker, users)
        queries = env.cr.sql_log_count
        started = time.perf_counter()
        team.action_assign_leads()  # commits every 100 leads itself, as in production
        env.flush_all()
        env.cr.commit()
        totals["odoo assign"] = {
            "seconds": time.perf_counter() - started,
            "queries": env.cr.sql_log_count - queries,
            "inside": 0.0,
        }
        odoo = totals["odoo assign"]
        odoo["spread"], odoo["unassigned"] = spread(env, markers["without"], users)
    finally:
        env.cr.rollback()
        remove_leads(env, markers.values())
    return totals


def remove_leads(env, markers):
    """Delete the benchmark's leads and what hangs on them (messages, followers, phone
    keys), in plain SQL, and commit."""
    env.invalidate_all(flush=False)
    env.cr.execute(
        "SELECT array_agg(id) FROM crm_lead WHERE name LIKE ANY(%s)",
        [[f"{marker} %" for marker in markers]],
    )
    ids = env.cr.fetchone()[0] or []
    for statement in (
        "DELETE FROM mail_message WHERE model = 'crm.lead' AND res_id = ANY(%s)",
        "DELETE FROM mail_followers WHERE res_model = 'crm.lead' AND res_id = ANY(%s)",
        "DELETE FROM coka_phone_key WHERE res_model = 'crm.lead' AND res_id = ANY(%s)",
        "DELETE FROM crm_lead WHERE id = ANY(%s)",
    ):
        env.cr.execute(statement, [ids])
    env.cr.commit()


def measure_all(env, args, team, users):
    """Every measurement at both sizes; :return: ``{(name, leads): figures}``, warnings."""
    results, neighbours = {}, measure.Neighbours()
    # A first small run, not counted: caches and plans warm.
    run_size(env, team, users, args.batch * 4, args.batch)
    for round_number in range(1, args.rounds + 1):
        for count in (args.small_leads, args.leads):
            neighbours.start()
            load_before = measure.load_average()
            figures = run_size(env, team, users, count, args.batch)
            neighbours.stop(f"round {round_number} {count}")
            for name, one in figures.items():
                common.say(
                    f"round {round_number} {name} {count:,} leads: {one['seconds']:.1f} s, "
                    f"{one['seconds'] * 1000 / count:.3f} ms/lead, "
                    f"{one['queries'] / count:.2f} SQL/lead, spread {one['spread']}, "
                    f"unassigned {one['unassigned']}, load {load_before:.2f}"
                )
                pooled = results.setdefault(
                    (name, count), {"seconds": 0, "queries": 0, "inside": 0, "leads": 0}
                )
                pooled["leads"] += count
                for key in ("seconds", "queries", "inside"):
                    pooled[key] += one[key]
                pooled.setdefault("differences", []).extend(one.get("differences", []))
                pooled["spread"] = max(pooled.get("spread", 0), one["spread"])
                pooled["unassigned"] = pooled.get("unassigned", 0) + one["unassigned"]
    return results, neighbours.warnings


def per_lead(figures, key):
    return figures[key] / figures["leads"]


def report(args, results, warnings):
    rows, verdicts = [], []
    for count in (args.small_leads, args.leads):
        without, with_, odoo = (
            results[(name, count)] for name in ("without", "with", "odoo assign")
        )
        mean_added = per_lead(with_, "seconds") - per_lead(without, "seconds")
        added = statistics.median(with_["differences"])
        for name, figures in (("without", without), ("with", with_), ("odoo assign", odoo)):
            rows.append(
                {
                    "what": name,
                    "leads": f"{count:,}",
                    "measured": f"{figures['leads']:,}",
                    "ms": f"{per_lead(figures, 'seconds') * 1000:.3f}",
                    "sql": f"{per_lead(figures, 'queries'):.2f}",
                    "spread": figures["spread"] if name != "without" else "-",
                    "unassigned": figures["unassigned"] if name != "without" else "-",
                }
            )
        rows.append(
            {
                "what": "assignment adds (median of batch pairs)",
                "leads": f"{count:,}",
                "ms": f"{added * 1000:.3f}",
                "sql": f"{per_lead(with_, 'queries') - per_lead(without, 'queries'):.2f}",
            }
        )
        rows.append(
            {
                "what": "assignment adds (difference of the means)",
                "leads": f"{count:,}",
                "ms": f"{mean_added * 1000:.3f}",
            }
        )
        rows.append(
            {
                "what": "  of which in _coka_prepare_assignment",
                "leads": f"{count:,}",
                "ms": f"{per_lead(with_, 'inside') * 1000:.3f}",
            }
        )
        verdicts.append((count, added, per_lead(odoo, "seconds"), with_, odoo))
    common.out()
    if warnings:
        common.out(
            "WARNING: other Odoo processes used the CPU during these measurements (see "
            "above): the figures are not comparable"
        )
    reporting.table(
        rows,
        [
            ("what", "what"),
            ("leads", "leads"),
            ("measured", "leads measured"),
            ("ms", "ms/lead"),
            ("sql", "SQL/lead"),
            ("spread", "spread"),
            ("unassigned", "unassigned"),
        ],
    )
    common.out()
    failed = False
    for count, added, odoo_ms, with_, odoo in verdicts:
        ratio = odoo_ms / added if added > 0 else float("inf")
        cheaper = f"{ratio:.1f}x cheaper" if added > 0 else "below the noise"
        ok = ratio >= TARGET_RATIO and with_["spread"] <= MAX_SPREAD and not with_["unassigned"]
        failed |= not ok
        common.out(
            f"{count:,} leads: Odoo's assignment {odoo_ms * 1000:.3f} ms/lead "
            f"({per_lead(odoo, 'queries'):.2f} SQL), ours adds {added * 1000:.3f} ms/lead: "
            f"{cheaper} (target >= {TARGET_RATIO:.0f}x), spread {with_['spread']} "
            f"(target <= {MAX_SPREAD}), Odoo's spread {odoo['spread']}: "
            + ("PASS" if ok else "FAIL")
        )
    (small, small_added, _o, small_with, _x), (large, large_added, _p, large_with, _y) = verdicts
    small_ms, large_ms = per_lead(small_with, "inside"), per_lead(large_with, "inside")
    linear = max(small_ms, large_ms) / min(small_ms, large_ms) <= LINEAR_RATIO
    failed |= not linear
    common.out(
        f"linear: in _coka_prepare_assignment {small_ms * 1000:.3f} ms/lead at {small:,}, "
        f"{large_ms * 1000:.3f} at {large:,}; added {small_added * 1000:.3f} / "
        f"{large_added * 1000:.3f} ms/lead (target within {LINEAR_RATIO}x): "
        + ("PASS" if linear else "FAIL")
    )
    return failed


def main():
    args = parse_args()
    partners = database.prepare_database(args.partners, args.reuse, args.upgrade)
    registry = open_registry()
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        common.out()
        reporting.header(
            "PERF-3 lead assignment (LEAD-2) vs Odoo's crm.team action_assign_leads",
            partners,
            [
                f"how:       in-process, superuser, one cursor; {args.agents} ON agents with a "
                f"seat in one team; batches of {args.batch} leads (create, flush, commit)",
                f"load:      {args.small_leads:,} and {args.leads:,} leads x {args.rounds} "
                f"rounds (without / with batch after batch, A B / B A); load average now "
                f"{measure.load_average():.2f}",
            ],
        )
        team, users = make_world(env, args.agents)
        env.cr.commit()
        results, warnings = measure_all(env, args, team, users)
    return 1 if report(args, results, warnings) else 0


if __name__ == "__main__":
    sys.exit(main())
