"""Pure tests of the template rules in coka_messaging/tools/render.py (no database): the
keywords, the rendering and preview, the send wizard's checks (SPEC MSG-1, MSG-2)."""

import pytest

from odoo.addons.coka_messaging.tools import render

BODY = "Chào {{customer_name}}, mã {{ order_code }} - {{customer_name}}"


def test_keywords_in_order_without_repeats():
    assert render.keywords(BODY) == ["customer_name", "order_code"]
    assert render.keywords("") == [] and render.keywords(None) == []
    assert render.keywords("{{1abc}} {{ ok_1 }} {x}") == ["ok_1"]


def test_render_names_the_first_missing_keyword():
    assert render.render(BODY, {"customer_name": "An", "order_code": "DH01"}) == (
        "Chào An, mã DH01 - An"
    )
    with pytest.raises(KeyError) as missing:
        render.render(BODY, {"customer_name": "An", "order_code": ""})
    assert missing.value.args[0] == "order_code"


def test_preview_keeps_the_keywords_still_to_fill_in():
    assert render.preview(BODY, {"customer_name": "An"}) == ("Chào An, mã {{ order_code }} - An")
    assert render.preview(BODY, {"customer_name": "An", "order_code": 7}) == ("Chào An, mã 7 - An")


def test_missing_and_too_long():
    assert render.missing(BODY, {"customer_name": "An", "order_code": None}) == ["order_code"]
    assert render.missing(BODY, {"customer_name": "An", "order_code": "x"}) == []
    lengths = {"customer_name": 30, "order_code": 12}
    assert render.too_long({"order_code": "DH-2026-000042"}, lengths) == [("order_code", 14, 12)]
    # Exactly the maximum passes; 0 means no limit (an SMS, a parameter Zalo does not bound).
    assert render.too_long({"order_code": "DH-2026-0042"}, lengths) == []
    assert render.too_long({"order_code": "x" * 500}, {"order_code": 0}) == []
    # Vietnamese letters are one character each, as Zalo counts them.
    assert render.too_long({"customer_name": "Nguyễn Thị Hồng Nhung"}, {"customer_name": 21}) == []


def test_template_data_has_every_keyword_as_text():
    values = {"customer_name": "An", "order_code": 42, "unused": "y"}
    assert render.template_data(BODY, values) == {"customer_name": "An", "order_code": "42"}


def test_zalo_statuses():
    assert render.ZNS_STATUS_STATES["ENABLE"] == "approved"
    assert render.ZNS_STATUS_STATES["PENDING_REVIEW"] == "pending"
    assert render.ZNS_STATUS_STATES["REJECT"] == "rejected"
