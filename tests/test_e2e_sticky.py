"""Sticky-agent rule end to end (issue 4, SPEC STK-1..STK-3): calls go through the real
call-completion path, as signed webhooks from the PBX simulator to Odoo (--workers=2), and
routing is asked over HTTP like the PBX does."""

import itertools

import pytest

from .pbx_world import HOTLINE, HOTLINE_E164

_ids = itertools.count(1)


@pytest.fixture
def hotline(pbx):
    """The shared hotline, reset to: all agents ON, mode first, auto-remember on, no rules."""

    def configure(**values):
        pbx.admin.execute("coka.pbx.hotline", "write", [pbx.hotline_id], values)

    for login in pbx.agents:
        pbx.set_status(login, "on")
    rules = pbx.admin.execute(
        "coka.pbx.sticky.rule",
        "search",
        [("hotline_id", "=", pbx.hotline_id), ("active", "in", (True, False))],
    )
    pbx.admin.execute("coka.pbx.sticky.rule", "unlink", rules)
    configure(
        ring_strategy="sequential",
        sticky_mode="first",
        sticky_auto_remember=True,
        sticky_remember_unanswered_outbound=False,
        sticky_ttl_days=0,
    )
    return configure


def _call(pbx, customer, extension, answered=True, direction="inbound"):
    """One complete call through the webhook: ringing, (answered), ended."""
    call_id = f"stk-{next(_ids)}"
    if direction == "inbound":
        parties = {"from_": customer, "to": HOTLINE_E164}
    else:
        parties = {"from_": HOTLINE_E164, "to": customer}
    common = {"direction": direction, "hotline": HOTLINE_E164, **parties}
    sim = pbx.simulator
    assert sim.event("call.ringing", call_id, extension=extension, **common)[0] == 200
    if answered:
        assert sim.event("call.answered", call_id, extension=extension, **common)[0] == 200
    status = "answered" if answered else ("missed" if direction == "inbound" else "no_answer")
    ended = sim.event(
        "call.ended",
        call_id,
        extension=extension,
        status=status,
        talk_seconds=30 if answered else 0,
        **common,
    )
    assert ended[0] == 200, ended


def _rule(pbx, customer_e164):
    rows = pbx.admin.execute(
        "coka.pbx.sticky.rule",
        "search_read",
        [("hotline_id", "=", pbx.hotline_id), ("phone_e164", "=", customer_e164)],
        fields=["extension_id", "source"],
    )
    return (rows[0]["extension_id"][1].split(" ")[0], rows[0]["source"]) if rows else None


def _targets(pbx, customer):
    status, answer = pbx.simulator.route(HOTLINE, customer)
    assert status == 200, answer
    return [(target["extension"], target["reason"]) for target in answer["targets"]]


def test_mode_first_keeps_the_first_agent(pbx, hotline):
    _call(pbx, "0913000001", "302")
    assert _rule(pbx, "+84913000001") == ("302", "auto")
    assert _targets(pbx, "0913000001")[0] == ("302", "sticky")
    _call(pbx, "0913000001", "303")
    assert _rule(pbx, "+84913000001") == ("302", "auto")


def test_mode_last_moves_to_the_latest_agent(pbx, hotline):
    hotline(sticky_mode="last")
    _call(pbx, "0913000002", "302")
    _call(pbx, "0913000002", "303")
    assert _rule(pbx, "+84913000002") == ("303", "auto")
    assert _targets(pbx, "0913000002") == [("303", "sticky"), ("301", "group"), ("302", "group")]


def test_missed_inbound_call_is_never_remembered(pbx, hotline):
    _call(pbx, "0913000003", "301", answered=False)
    assert _rule(pbx, "+84913000003") is None


def test_unanswered_outbound_only_with_the_option(pbx, hotline):
    _call(pbx, "0913000004", "301", answered=False, direction="outbound")
    assert _rule(pbx, "+84913000004") is None
    hotline(sticky_remember_unanswered_outbound=True)
    _call(pbx, "0913000004", "301", answered=False, direction="outbound")
    assert _rule(pbx, "+84913000004") == ("301", "auto")
    _call(pbx, "0913000005", "303", direction="outbound")
    assert _rule(pbx, "+84913000005") == ("303", "auto")


def test_manual_rules_are_never_overwritten(pbx, hotline):
    hotline(sticky_mode="last")
    extension_303 = pbx.agents["e2e_agent_3"]["extension_id"]
    pbx.admin.execute(
        "coka.pbx.sticky.rule",
        "create",
        {"hotline_id": pbx.hotline_id, "phone": "0913 000 006", "extension_id": extension_303},
    )
    assert _rule(pbx, "+84913000006") == ("303", "manual")
    _call(pbx, "0913000006", "301")
    assert _rule(pbx, "+84913000006") == ("303", "manual")
    assert _targets(pbx, "0913000006")[0] == ("303", "sticky")


def test_auto_remember_off_still_routes_existing_rules(pbx, hotline):
    _call(pbx, "0913000007", "302")
    hotline(sticky_auto_remember=False)
    _call(pbx, "0913000008", "302")
    assert _rule(pbx, "+84913000008") is None
    assert _targets(pbx, "0913000007")[0] == ("302", "sticky")


def test_stop_routes_by_group_only_and_remembers_nothing(pbx, hotline):
    _call(pbx, "0913000009", "303")
    hotline(sticky_mode="stop")
    assert _targets(pbx, "0913000009") == [("301", "group"), ("302", "group"), ("303", "group")]
    _call(pbx, "0913000010", "303")
    assert _rule(pbx, "+84913000010") is None


def test_an_off_sticky_agent_falls_back_to_the_group(pbx, hotline):
    _call(pbx, "0913000011", "303")
    pbx.set_status("e2e_agent_3", "off")
    assert _targets(pbx, "0913000011") == [("301", "group"), ("302", "group")]
    pbx.set_status("e2e_agent_3", "on")
    assert _targets(pbx, "0913000011")[0] == ("303", "sticky")
