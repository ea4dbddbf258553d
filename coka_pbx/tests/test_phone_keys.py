from odoo.tests import tagged

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestPartnerPhoneKeys(CokaPbxCase):
    def test_every_written_form_finds_the_partner(self):
        partner = self.env["res.partner"].create(
            {"name": "Nguyễn Văn Tú", "mobile": "0912 345 670"}
        )
        self.assertEqual(partner.coka_mobile_e164, "+84912345670")
        Partner = self.env["res.partner"]
        for typed in ("0912345670", "+84 912 345 670", "84912345670", "(091) 2345670"):
            self.assertEqual(Partner._coka_search_phone(typed), partner, typed)

    def test_landline_key_and_update(self):
        partner = self.env["res.partner"].create(
            {"name": "Cửa hàng Minh Châu", "phone": "028 3822 1235"}
        )
        self.assertEqual(self.env["res.partner"]._coka_search_phone("+842838221235"), partner)
        partner.phone = "024 3825 6780"
        self.assertFalse(self.env["res.partner"]._coka_search_phone("02838221235"))
        self.assertEqual(self.env["res.partner"]._coka_search_phone("02438256780"), partner)

    def test_invalid_numbers_are_kept_and_match_nothing(self):
        partner = self.env["res.partner"].create({"name": "Số sai", "mobile": "12ab"})
        self.assertEqual(partner.mobile, "12ab")
        self.assertFalse(partner.coka_mobile_e164)
        self.assertFalse(self.env["res.partner"]._coka_search_phone("12ab"))
        self.assertFalse(self.env["res.partner"]._coka_search_phone(False))

    def test_call_count_smart_button(self):
        partner = self.env["res.partner"].create({"name": "Lê Thị Mai", "mobile": "0987000111"})
        self._create_call(self.agent_1, number="+84987000111", partner_id=partner.id)
        self._create_call(
            self.agent_2, number="+84987000111", partner_id=partner.id, provider_call_id="c2"
        )
        self.assertEqual(partner.coka_call_count, 2)
        action = partner.action_coka_view_calls()
        self.assertEqual(self.env["coka.pbx.call"].search(action["domain"]).partner_id, partner)
