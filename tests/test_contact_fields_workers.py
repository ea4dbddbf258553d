"""Custom contact fields reach every worker of a multi-worker Odoo (SPEC CON-2).

An administrator adds a field over JSON-RPC to a server run with ``--workers=2``: without a
restart or an upgrade, every worker knows it (fields, form view, search, group-by), because
Odoo signals its registry change through the database and the other worker reloads. The
server's log proves that the other worker (another pid) did. Deleting it reaches them too.
"""

import re
from concurrent.futures import ThreadPoolExecutor

LABEL = "Ngày sinh e2e"
NAME = "x_coka_ngay_sinh_e2e"
SIGNALED = re.compile(r" (\d+) INFO \S+ odoo\.modules\.registry: Registry changed, signaling")
RELOADED = re.compile(r" (\d+) INFO \S+ odoo\.modules\.registry: Reloading the model registry")
SERVED = re.compile(r" (\d+) INFO \S+ werkzeug: ")


def _admin(server):
    session = server.session()
    session.authenticate("admin", "admin")
    return session


def _what_a_worker_knows(server):
    """One fresh client: what this worker answers about the custom field."""
    session = _admin(server)
    fields = session.execute("res.partner", "fields_get", [NAME], attributes=["type", "store"])
    views = session.execute("res.partner", "get_views", [[False, "form"]])
    arch = views["views"]["form"]["arch"]
    if NAME not in fields:
        return {"known": False, "in_form": NAME in arch}
    count = session.execute("res.partner", "search_count", [(NAME, "=", "1990-04-30")])
    groups = session.execute(
        "res.partner", "read_group", [(NAME, "!=", False)], [NAME], [f"{NAME}:day"]
    )
    return {
        "known": True,
        "field": fields[NAME],
        "in_form": NAME in arch,
        "count": count,
        "groups": len(groups),
    }


def _ask_many(server, times=12):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda _i: _what_a_worker_knows(server), range(times)))


def _log_since(server, offset):
    with open(server.log, encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        return log.read()


def test_a_new_contact_field_reaches_every_worker(e2e_server):
    admin = _admin(e2e_server)
    offset = e2e_server.log.stat().st_size
    field_id = admin.execute(
        "coka.contact.field",
        "create",
        {"name": LABEL, "field_type": "date", "required": True, "in_list": True},
    )
    try:
        partner_id = admin.execute(
            "res.partner", "create", {"name": "Khách e2e", NAME: "1990-04-30"}
        )
        answers = _ask_many(e2e_server)
        assert all(answer["known"] for answer in answers), answers
        assert all(answer["field"] == {"type": "date", "store": True} for answer in answers)
        assert all(answer["in_form"] and answer["count"] == 1 for answer in answers), answers
        assert all(answer["groups"] == 1 for answer in answers), answers
        rows = admin.execute("res.partner", "export_data", [partner_id], ["name", NAME])
        assert rows["datas"] == [["Khách e2e", "1990-04-30"]]

        log = _log_since(e2e_server, offset)
        signaling = set(SIGNALED.findall(log))
        reloading = set(RELOADED.findall(log))
        assert signaling, "the worker that added the field did not signal the change"
        assert reloading - signaling, "no other worker reloaded its registry"
        assert len(set(SERVED.findall(log))) >= 2, "one worker served every request"
    finally:
        if admin.execute("coka.contact.field", "search", [("id", "=", field_id)]):
            admin.execute("coka.contact.field", "unlink", [field_id])
    answers = _ask_many(e2e_server)
    assert not any(answer["known"] or answer["in_form"] for answer in answers), answers
