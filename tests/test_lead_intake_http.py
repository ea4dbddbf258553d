"""The lead intake API (SPEC LEAD-1, LEAD-2, REL-1, REL-2) over real HTTP, on a real Odoo with
``--workers=2``: bearer tokens, duplicates posted at once, many leads posted by several
threads at once, and a thousand fuzzed bodies that never get a 500.

Each test builds its own company in the e2e database (committed, through Odoo's registry of
that database): agents with seats of an active PBX package and extensions, a sales team of
them, an intake token. The server sees them like data an administrator entered.
"""

import functools
import json
import logging
import os
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest

from .odoo_server import coka_env
from .test_fuzz_pbx import (
    BAD_TEXT,
    CONTENT_TYPES,
    EXOTIC,
    NOT_A_STRING,
    describe,
    dumps,
    gen_deep_nesting,
    gen_exotic_only,
    gen_huge_number,
    gen_invalid_utf8,
    gen_not_an_object,
    gen_not_json,
    gen_null_values,
    gen_other_encoding,
    gen_oversized,
    gen_random_bytes,
    gen_truncated,
    gen_wrong_value,
    refusal_problem,
)

_logger = logging.getLogger(__name__)

PATH = "/coka_crm/lead"
SEED = 20261202
FUZZ_BODIES = 1000
FUZZ_THREADS = 3
LEADS = 200
THREADS = 8
KEYS = ["name", "mobile", "email", "funnel", "message", "team", "utm_campaign", "page"]


def _world(server, agents=5, off=1):
    """A company with ``agents`` agents (the last ``off`` of them OFF) holding seats of an
    active package, a sales team of them and an intake token, made over JSON-RPC by the
    administrator.

    :return: dict with ``company_id``, ``team`` (name), ``token`` (clear), ``token_id``,
        ``on`` and ``off`` (logins)
    """
    tag = uuid.uuid4().hex[:8]
    admin = server.session()
    admin.authenticate("admin", "admin")
    company_id = admin.execute("res.company", "create", {"name": f"Intake {tag}"})
    admin.execute("res.users", "write", [admin.uid], {"company_ids": [(4, company_id)]})
    context = {"allowed_company_ids": [company_id]}

    def call(model, method, *args, **kwargs):
        return admin.execute(model, method, *args, context=context, **kwargs)

    [agent_group] = call(
        "ir.model.data",
        "search_read",
        [("module", "=", "coka_pbx"), ("name", "=", "group_agent")],
        fields=["res_id"],
    )
    logins = [f"intake-{tag}-{index}" for index in range(agents)]
    user_ids = [
        call(
            "res.users",
            "create",
            {
                "name": f"Intake agent {tag} {index}",
                "login": login,
                "company_id": company_id,
                "company_ids": [(6, 0, [company_id])],
                "groups_id": [(4, agent_group["res_id"])],
            },
        )
        for index, login in enumerate(logins)
    ]
    # Seats of an active PBX package, bought the way an administrator does (SPEC BIL-4).
    [operator] = call(
        "ir.model.data",
        "search_read",
        [("module", "=", "coka_pbx_billing"), ("name", "=", "group_coin_operator")],
        fields=["res_id"],
    )
    call("res.users", "write", [admin.uid], {"groups_id": [(4, operator["res_id"])]})
    package_id = call("coka.pbx.subscription", "action_open_package")["res_id"]
    activate_id = call(
        "coka.pbx.package.activate",
        "create",
        {"subscription_id": package_id, "seats": agents, "months": 1},
    )
    [cost] = call("coka.pbx.package.activate", "read", [activate_id], ["cost"])
    topup_id = call("coka.coin.topup", "create", {"amount": cost["cost"], "payment_ref": tag})
    call("coka.coin.topup", "action_confirm", [topup_id])
    call("coka.pbx.package.activate", "action_confirm", [activate_id])
    add_id = call(
        "coka.pbx.member.add",
        "create",
        {"subscription_id": package_id, "user_ids": [(6, 0, user_ids)]},
    )
    call("coka.pbx.member.add", "action_confirm", [add_id])
    on_ids, off_ids = user_ids[: agents - off], user_ids[agents - off :]
    call("res.users", "write", on_ids, {"coka_agent_status": "on"})
    call("res.users", "write", off_ids, {"coka_agent_status": "off"})
    team = f"Intake team {tag}"
    call(
        "crm.team",
        "create",
        {
            "name": team,
            "company_id": company_id,
            # Odoo's capacity (30 leads a month by default) must not stop the test's leads.
            "crm_team_member_ids": [
                (0, 0, {"user_id": user_id, "assignment_max": 10 * LEADS}) for user_id in user_ids
            ],
        },
    )
    wizard = call(
        "coka.lead.token.wizard", "create", {"name": f"Landing {tag}", "company_id": company_id}
    )
    clear = call("coka.lead.token.wizard", "action_coka_generate", [wizard])["context"][
        "default_token"
    ]
    [token_id] = call("coka.lead.token", "search", [("name", "=", f"Landing {tag}")])
    # The world is what the assignment expects: the ON agents may ring, the OFF one not.
    extensions = call(
        "coka.pbx.extension",
        "search_read",
        [("company_id", "=", company_id)],
        fields=["user_id", "agent_on", "seat_active"],
    )
    ringing = {row["user_id"][0] for row in extensions if row["agent_on"] and row["seat_active"]}
    assert ringing == set(on_ids), extensions
    return {
        "company_id": company_id,
        "team": team,
        "token": clear,
        "token_id": token_id,
        "on": logins[: agents - off],
        "off": logins[agents - off :],
        "admin": admin,
        "context": context,
    }


def _rows(query, params):
    """Read the e2e database directly (what the server committed)."""
    connection = psycopg2.connect(
        host=coka_env.DB_HOST,
        port=coka_env.DB_PORT,
        user=coka_env.DB_USER,
        password=coka_env.DB_PASSWORD,
        dbname=os.environ.get("COKA_TEST_E2E_DB", "coka_test_e2e"),
    )
    try:
        with connection.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()
    finally:
        connection.close()


def post(server, raw, token=None, headers=None):
    """POST ``raw`` (bytes, or a dict sent as JSON) to the intake API; ``(status, answer)``."""
    data = raw if isinstance(raw, bytes) else json.dumps(raw).encode()
    sent = {"Content-Type": "application/json"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    sent = {key: value for key, value in sent.items() if value is not None}
    request = urllib.request.Request(server.url + PATH, data=data, headers=sent, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body.decode(errors="replace")


def answer_problem(status, answer):
    """What is wrong with an answer of the intake API, or None."""
    if status >= 500:
        return f"server error {status}"
    if 400 <= status < 500:
        return refusal_problem(status, answer)
    if status not in (200, 201):
        return f"unexpected status {status}"
    if not isinstance(answer, dict) or answer.get("ok") is not True:
        return f"{status} without ok: true"
    if not isinstance(answer.get("lead_id"), int):
        return f"{status} without a lead id"
    if status == 200 and answer.get("duplicate") is not True:
        return "200 without duplicate: true"
    if status == 201 and "assigned_to" not in answer:
        return "201 without assigned_to"
    return None


def _at_once(jobs):
    """Run the callables ``jobs`` in as many threads, started together; their results."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index):
        barrier.wait()
        results[index] = jobs[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return results


@pytest.fixture
def world(e2e_server):
    return _world(e2e_server)


# -- tokens ------------------------------------------------------------------------------------


def test_missing_unknown_or_revoked_token_gets_401(e2e_server, world):
    body = {"name": "Khách hàng", "mobile": "0987 100 001", "funnel": "Zalo"}
    token = world["token"]
    refused = [
        ("missing", None, None),
        ("not bearer", None, {"Authorization": f"Basic {token}"}),
        ("bare token", None, {"Authorization": token}),
        ("empty bearer", "", None),
        ("unknown", uuid.uuid4().hex * 2, None),
        ("same index", token[:8] + "0" * (len(token) - 8), None),
        ("longer", token + "0", None),
        ("huge", "x" * 5000, None),
        ("latin-1 junk", None, {"Authorization": "Bearer é" + token}),
    ]
    for label, sent, headers in refused:
        status, answer = post(e2e_server, body, sent, headers)
        assert status == 401, (label, status, answer)
        assert refusal_problem(status, answer) is None, (label, answer)
    status, answer = post(e2e_server, body, token)
    assert status == 201, answer
    [(last_used,)] = _rows(
        "SELECT last_used FROM coka_lead_token WHERE id = %s", [world["token_id"]]
    )
    assert last_used is not None
    world["admin"].execute(
        "coka.lead.token", "action_coka_revoke", [world["token_id"]], context=world["context"]
    )
    status, answer = post(e2e_server, {**body, "mobile": "0987 100 002"}, token)
    assert status == 401, answer
    assert answer == {"ok": False, "error": "missing, unknown or revoked token"}
    assert _rows("SELECT count(*) FROM crm_lead WHERE company_id = %s", [world["company_id"]]) == [
        (1,)
    ]


# -- duplicates and concurrency ----------------------------------------------------------------


def test_the_same_mobile_posted_at_once_in_several_formats_gives_one_lead(e2e_server, world):
    formats = ["0912 345 {:03d}", "+84912345{:03d}", "84 912 345 {:03d}", "(091) 2345{:03d}"]
    for serial in range(3):
        jobs = [
            functools.partial(
                post,
                e2e_server,
                {"name": "Mai", "mobile": fmt.format(serial), "message": fmt.format(serial)},
                world["token"],
            )
            for fmt in formats
        ]
        answers = _at_once(jobs)
        assert sorted(status for status, _answer in answers) == [200, 200, 200, 201], answers
        assert len({answer["lead_id"] for _status, answer in answers}) == 1, answers
        # Once more, later, in yet another format: still the same lead.
        status, again = post(e2e_server, {"mobile": f"+84 91 234 5{serial:03d}"}, world["token"])
        assert (status, again["lead_id"]) == (200, answers[0][1]["lead_id"]), again
        key = f"+84912345{serial:03d}"
        [(count,)] = _rows(
            "SELECT count(*) FROM crm_lead WHERE company_id = %s AND coka_mobile_e164 = %s",
            [world["company_id"], key],
        )
        assert count == 1
        # Every message of the duplicates is noted on the lead's chatter.
        [(notes,)] = _rows(
            "SELECT count(*) FROM mail_message WHERE model = 'crm.lead' AND res_id = %s "
            "AND body LIKE %s",
            [answers[0][1]["lead_id"], "%Posted again through the lead intake API%"],
        )
        assert notes == 4


def test_leads_posted_by_8_threads_land_once_each_evenly_on_the_on_agents(e2e_server, world):
    numbers = [f"0913 {index:06d}" for index in range(LEADS)]
    chunks = [numbers[start::THREADS] for start in range(THREADS)]

    def send(chunk):
        return [
            (
                number,
                *post(
                    e2e_server,
                    {
                        "name": f"Khách {number}",
                        "mobile": number,
                        "team": world["team"],
                        "funnel": "Website chat",
                    },
                    world["token"],
                ),
            )
            for number in chunk
        ]

    started = time.monotonic()
    results = [
        row for rows in _at_once([lambda c=chunk: send(c) for chunk in chunks]) for row in rows
    ]
    elapsed = time.monotonic() - started
    assert len(results) == LEADS
    bad = [(number, status, answer) for number, status, answer in results if status != 201]
    assert not bad, bad[:5]
    lead_ids = [answer["lead_id"] for _number, _status, answer in results]
    assert len(set(lead_ids)) == LEADS
    rows = _rows(
        "SELECT l.id, l.coka_mobile_e164, u.login FROM crm_lead l "
        "LEFT JOIN res_users u ON u.id = l.user_id WHERE l.company_id = %s",
        [world["company_id"]],
    )
    assert sorted(row[0] for row in rows) == sorted(lead_ids)
    assert len({row[1] for row in rows}) == LEADS  # each number once
    answered = {answer["lead_id"]: answer["assigned_to"] for _n, _s, answer in results}
    assert {row[0]: row[2] for row in rows} == answered
    spread = Counter(answered.values())
    assert set(spread) == set(world["on"]), spread
    assert max(spread.values()) - min(spread.values()) <= 1, spread
    _logger.info("%d leads from %d threads in %.1f s: %s", LEADS, THREADS, elapsed, dict(spread))


# -- fuzzing -----------------------------------------------------------------------------------


def base_body(rng, serial):
    return {
        "name": f"fuzz {serial}",
        "mobile": f"09{rng.choice('1234689')}{rng.randint(0, 9999999):07d}",
        "email": f"fuzz{serial}@example.com",
        "funnel": rng.choice(["Zalo", "Facebook", "Landing page", "Website chat"]),
        "message": rng.choice(EXOTIC),
        "utm_campaign": "fuzz",
        "page": {"url": "https://coka.vn/lp", "ids": [serial]},
    }


def gen_missing_keys(rng, body, keys):
    gone = {"mobile", "email"} if rng.random() < 0.5 else set()
    gone |= {key for key in keys if rng.random() < 0.3}
    return dumps({key: value for key, value in body.items() if key not in gone})


def gen_wrong_team(rng, body, keys):
    return dumps({**body, "team": rng.choice([*EXOTIC, "Nobody's team", " ", "Sales" * 30])})


GENERATORS = [
    (gen_random_bytes, 8),
    (gen_invalid_utf8, 8),
    (gen_truncated, 10),
    (gen_not_json, 6),
    (gen_not_an_object, 6),
    (gen_missing_keys, 10),
    (gen_wrong_value, 40),
    (gen_wrong_team, 3),
    (gen_null_values, 3),
    (gen_deep_nesting, 3),
    (gen_huge_number, 2),
    (gen_oversized, 1),
    (gen_exotic_only, 4),
    (gen_other_encoding, 1),
]


def corpus(count):
    """Every key with every wrong type and bad text, then weighted random bodies."""
    rng = random.Random(SEED)
    bodies = []
    for key in KEYS:
        for index, value in enumerate([*NOT_A_STRING, *BAD_TEXT]):
            body = {**base_body(rng, f"sweep-{key}-{index}"), key: value}
            bodies.append((f"sweep {key}={str(value)[:40]!r}", dumps(body)))
    functions, weights = zip(*GENERATORS, strict=True)
    serial = 0
    while len(bodies) < count:
        serial += 1
        generate = rng.choices(functions, weights)[0]
        bodies.append((generate.__name__, generate(rng, base_body(rng, serial), KEYS)))
    return bodies


def test_fuzzed_bodies_never_get_a_500(e2e_server, world):
    bodies = corpus(FUZZ_BODIES)
    assert len(bodies) >= 1000
    with ThreadPoolExecutor(max_workers=FUZZ_THREADS) as pool:
        answers = list(pool.map(lambda item: post(e2e_server, item[1], world["token"]), bodies))
    statuses = Counter()
    problems = []
    for (label, raw), (status, answer) in zip(bodies, answers, strict=True):
        statuses[status] += 1
        problem = answer_problem(status, answer)
        if problem:
            problems.append(f"{label}: {problem}: {describe(raw, answer)}")
    assert not problems, f"{len(problems)} bad answer(s) {dict(statuses)}:\n" + "\n".join(
        problems[:15]
    )
    assert statuses[400] >= 0.6 * len(bodies), dict(statuses)
    assert statuses[201] > 0, dict(statuses)
    # Still serving afterwards.
    status, answer = post(e2e_server, {"mobile": "0988 000 777"}, world["token"])
    assert status == 201, answer


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_any_content_type_is_handled(e2e_server, world, content_type):
    for index, raw in enumerate(
        (
            dumps({"mobile": f"0977 000 {CONTENT_TYPES.index(content_type):03d}"}),
            b"--fuzz\r\n\r\n--fuzz--",
            b"mobile=0977000999&name=x",
        )
    ):
        status, answer = post(
            e2e_server, raw, world["token"], {"Content-Type": content_type or None}
        )
        assert answer_problem(status, answer) is None, (index, status, answer)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_other_methods_are_not_a_server_error(e2e_server, method):
    data = None if method in ("GET", "HEAD") else b'{"mobile": "0977 000 001"}'
    request = urllib.request.Request(e2e_server.url + PATH, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    assert 400 <= status < 500, status
