"""End-to-end: README command 1's promise on the demo database, over real HTTP/JSON-RPC
against an Odoo server started with --workers=2 (issue 2, SPEC SEC-1, REL-4)."""

import pytest

from .odoo_server import RpcError
from .pbx_simulator import PbxSimulator

AGENT = ("hoa", "hoa")
MANAGER = ("quanly", "quanly")


def _call_center_menus(session):
    """The Call Center sub-menus the web client would show to this session's user."""
    status, menus = session.request("/web/webclient/load_menus/1", method="GET")
    assert status == 200, menus
    root = next(m for m in menus.values() if m.get("xmlid") == "coka_pbx.menu_root")
    return {menus[str(child)]["xmlid"] for child in root["children"]}


def test_login_page_answers(demo_server):
    status, body = demo_server.session().request("/web/login", method="GET")
    assert status == 200
    assert "oe_login_form" in body


def test_wrong_password_is_refused(demo_server):
    session = demo_server.session()
    with pytest.raises(RpcError) as error:
        session.authenticate("hoa", "not-her-password")
    assert "AccessDenied" in error.value.name


def test_agent_reads_calls_and_contacts_not_billing(demo_server):
    session = demo_server.session()
    session.authenticate(*AGENT)
    menus = _call_center_menus(session)
    assert {"coka_pbx.coka_pbx_call_menu", "coka_pbx.res_partner_menu"} <= menus
    assert "coka_pbx_billing.menu_billing" not in menus
    assert "coka_pbx.menu_configuration" not in menus
    # The menus are not just hidden: the records behind billing are refused.
    with pytest.raises(RpcError) as error:
        session.execute("coka.coin.wallet", "search_read", [], fields=["balance"])
    assert error.value.name == "odoo.exceptions.AccessError"
    # His calls are readable; the other agents' are not (SPEC SEC-2).
    calls = session.execute("coka.pbx.call", "search_read", [], fields=["user_id"])
    assert calls, "the demo agent 101 has calls"
    assert {call["user_id"][0] for call in calls} == {session.uid}


def test_manager_sees_configuration_and_all_calls(demo_server):
    session = demo_server.session()
    session.authenticate(*MANAGER)
    menus = _call_center_menus(session)
    assert "coka_pbx.menu_configuration" in menus
    assert "coka_pbx_billing.menu_billing" not in menus
    calls = session.execute("coka.pbx.call", "search_read", [], fields=["user_id"])
    assert len({call["user_id"][0] for call in calls}) >= 2


def test_admin_sees_billing_and_the_demo_wallet(demo_server):
    session = demo_server.session()
    session.authenticate("admin", "admin")
    assert "coka_pbx_billing.menu_billing" in _call_center_menus(session)
    wallets = session.execute("coka.coin.wallet", "search_read", [], fields=["balance"])
    # Topped up with 5,000,000 Coin, then the demo package: 3 seats × 12 months × 100,000.
    assert [wallet["balance"] for wallet in wallets] == [1400000]
    packages = session.execute(
        "coka.pbx.subscription", "search_read", [], fields=["state", "seats", "member_ids"]
    )
    assert [(p["state"], p["seats"], len(p["member_ids"])) for p in packages] == [("active", 3, 3)]


def test_demo_package_members_are_routed(demo_server):
    """The demo agents hold seats of the demo company's active PBX package (SPEC BIL-4):
    a call to the default hotline rings the agents who are ON (Trang is OFF)."""
    simulator = PbxSimulator(demo_server.url, "demo", "demo-webhook-secret")
    status, answer = simulator.route("028 7300 1234", "0912000777")
    assert status == 200, answer
    assert sorted(target["extension"] for target in answer["targets"]) == ["101", "102"]


def test_demo_customer_form_shows_his_calls_tickets_and_leads(demo_server):
    """The contact form of a demo customer shows his calls, tickets and leads with counts
    (issue 12, SPEC CON-6), for his agent Hoa."""
    session = demo_server.session()
    session.authenticate(*AGENT)
    [an] = session.execute(
        "res.partner",
        "search_read",
        [("name", "=", "Nguyễn Văn An")],
        fields=["coka_call_count", "coka_ticket_count", "coka_lead_count", "coka_ticket_ids"],
    )
    assert an["coka_call_count"] >= 1
    assert an["coka_ticket_count"] >= 1
    assert an["coka_lead_count"] >= 1
    assert len(an["coka_ticket_ids"]) == an["coka_ticket_count"]
    views = session.execute("res.partner", "get_views", [[False, "form"]])
    arch = views["views"]["form"]["arch"]
    for name in ("action_coka_view_calls", "action_coka_view_tickets", "action_coka_view_leads"):
        assert f'name="{name}"' in arch, name
    for page in ("coka_calls", "coka_tickets", "coka_leads"):
        assert f'name="{page}"' in arch, page


def test_demo_calls_have_their_reports(demo_server):
    """Issue 14: the ended demo calls are scored (answered ones only, with their breakdown),
    the too-long one has one review activity for the manager, and an agent reads his own
    scores but not another agent's (SPEC REP-3, REP-5)."""
    session = demo_server.session()
    session.authenticate(*MANAGER)
    calls = session.execute(
        "coka.pbx.call",
        "search_read",
        [],
        fields=["provider_call_id", "status", "qa_score", "qa_breakdown", "too_long"],
    )
    by_ref = {call["provider_call_id"]: call for call in calls}
    for call in (by_ref[f"demo-000{number}"] for number in range(1, 5)):
        if call["status"] == "answered":
            assert 0 <= call["qa_score"] <= 100
            assert call["qa_breakdown"], call
        else:
            assert not call["qa_breakdown"], call
    assert by_ref["demo-0001"]["qa_score"] > by_ref["demo-0003"]["qa_score"]
    assert by_ref["demo-0003"]["too_long"]
    activities = session.execute(
        "mail.activity",
        "search_read",
        [("res_model", "=", "coka.pbx.call"), ("res_id", "=", by_ref["demo-0003"]["id"])],
        fields=["user_id"],
    )
    assert [activity["user_id"][0] for activity in activities] == [session.uid]
    agent = demo_server.session()
    agent.authenticate(*AGENT)
    own = agent.execute("coka.pbx.call", "search_read", [], fields=["provider_call_id", "qa_score"])
    refs = {call["provider_call_id"] for call in own}
    assert {"demo-0001", "demo-0003"} <= refs
    assert not {"demo-0002", "demo-0004"} & refs
