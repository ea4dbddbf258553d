from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.models import BaseModel
from odoo.tests import new_test_user, tagged

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestPartnerPhoneKeys(CokaPbxCase):
    def _key_rows(self, partner):
        self.env.cr.execute(
            "SELECT key, company_id, active FROM coka_phone_key "
            "WHERE res_model = 'res.partner' AND res_id = %s ORDER BY key",
            [partner.id],
        )
        return self.env.cr.fetchall()

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
        self.assertEqual(partner.coka_phone_e164, "+842838221235")
        self.assertEqual(self.env["res.partner"]._coka_search_phone("+842838221235"), partner)
        partner.phone = "024 3825 6780"
        self.assertFalse(self.env["res.partner"]._coka_search_phone("02838221235"))
        self.assertEqual(self.env["res.partner"]._coka_search_phone("02438256780"), partner)
        partner.phone = False
        self.assertFalse(self.env["res.partner"]._coka_search_phone("02438256780"))
        self.assertEqual(self._key_rows(partner), [])

    def test_invalid_numbers_are_kept_and_match_nothing(self):
        partner = self.env["res.partner"].create({"name": "Số sai", "mobile": "12ab"})
        self.assertEqual(partner.mobile, "12ab")
        self.assertFalse(partner.coka_mobile_e164)
        self.assertEqual(self._key_rows(partner), [])
        self.assertFalse(self.env["res.partner"]._coka_search_phone("12ab"))
        self.assertFalse(self.env["res.partner"]._coka_search_phone(False))

    def test_found_by_mobile_and_by_phone_in_one_query(self):
        Partner = self.env["res.partner"]
        partner = Partner.create(
            {"name": "Trần Thị Hoa", "mobile": "0987 111 222", "phone": "028 3822 7777"}
        )
        Partner.create({"name": "Người khác", "mobile": "0987 111 223"})
        self.assertEqual(
            self._key_rows(partner), [("+842838227777", None, True), ("+84987111222", None, True)]
        )
        Partner.invalidate_model()
        # One equality on one indexed column of one table: one statement, whichever field
        # holds the number.
        for number in ("0987111222", "02838227777"):
            with self.assertQueryCount(1):
                found = Partner._coka_search_phone(number, limit=1)
            self.assertEqual(found, partner, number)

    def test_same_number_in_both_fields_is_one_key(self):
        partner = self.env["res.partner"].create(
            {"name": "Lê Văn Nam", "mobile": "0905 000 111", "phone": "+84905000111"}
        )
        self.assertEqual(self._key_rows(partner), [("+84905000111", None, True)])
        self.assertEqual(self.env["res.partner"]._coka_search_phone("0905000111"), partner)

    def test_archive_company_and_unlink_follow_the_partner(self):
        Partner = self.env["res.partner"]
        other = self.env["res.company"].create({"name": "Công ty Bình Minh"})
        partner = Partner.create({"name": "Phạm Thu", "mobile": "0933 444 555"})
        self.assertEqual(Partner._coka_search_phone("0933444555", company=other), partner)
        partner.company_id = self.company
        self.assertEqual(self._key_rows(partner), [("+84933444555", self.company.id, True)])
        self.assertFalse(Partner._coka_search_phone("0933444555", company=other))
        self.assertEqual(Partner._coka_search_phone("0933444555", company=self.company), partner)
        partner.active = False
        self.assertFalse(Partner._coka_search_phone("0933444555"))
        archived = Partner.with_context(active_test=False)._coka_search_phone("0933444555")
        self.assertEqual(archived, partner)
        partner.active = True
        self.assertEqual(Partner._coka_search_phone("0933444555"), partner)
        copy = partner.copy()
        self.assertEqual(Partner._coka_search_phone("0933444555"), partner | copy)
        self.assertEqual(Partner._coka_search_phone("0933444555", limit=1), partner)
        partner.unlink()
        self.assertEqual(Partner._coka_search_phone("0933444555"), copy)
        self.assertEqual(self._key_rows(partner), [])

    def test_users_find_only_the_partners_they_may_read(self):
        other = self.env["res.company"].create({"name": "Công ty Ánh Dương"})
        Partner = self.env["res.partner"]
        mine = Partner.create(
            {"name": "Khách A", "mobile": "0977 123 456", "company_id": self.company.id}
        )
        theirs = Partner.create({"name": "Khách B", "mobile": "0977123456", "company_id": other.id})
        self.assertEqual(Partner._coka_search_phone("0977123456"), mine | theirs)
        agent = Partner.with_user(self.agent_1)
        self.assertEqual(agent._coka_search_phone("0977123456"), mine)
        self.assertEqual(agent._coka_search_phone("0977123456", limit=1), mine)
        outsider = new_test_user(
            self.env,
            login="pbx_agent_other",
            groups="coka_pbx.group_agent",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        found = Partner.with_user(outsider)._coka_search_phone("0977123456", limit=1)
        self.assertEqual(found, theirs)

    def test_bulk_create_computes_keys_from_the_values_without_new_records(self):
        """The keys are set from the numbers of the values by the mixin's precompute step,
        before Odoo's (which builds a new record per value dict): a bulk create (imports)
        computes no key on a new record. Odoo's step is left out to see the mixin's alone;
        the other precomputed fields (salesperson, and those of other modules) are its."""
        Partner = self.env["res.partner"]
        vals_list = [
            {"name": "Khách A", "mobile": "0912 345 601", "phone": "028 3822 1601"},
            {"name": "Khách B", "phone": 912345602, "coka_phone_e164": "+84999"},
            {"name": "Khách C", "mobile": "12ab"},
            {"name": "Khách D"},
        ]
        prepared = [dict(vals) for vals in vals_list]
        for vals in prepared:
            vals.pop("coka_phone_e164", None)  # discarded by create (a readonly compute)
        with patch.object(BaseModel, "_add_precomputed_values", autospec=True) as odoo_step:
            Partner._add_precomputed_values(prepared)
        self.assertEqual(odoo_step.call_count, 1)
        self.assertEqual(
            [(vals["coka_mobile_e164"], vals["coka_phone_e164"]) for vals in prepared],
            [
                ("+84912345601", "+842838221601"),
                (False, "+84912345602"),
                (False, False),
                (False, False),
            ],
        )
        partners = Partner.create(vals_list)
        keys = [(partner.coka_mobile_e164, partner.coka_phone_e164) for partner in partners]
        self.assertEqual(
            keys,
            [
                ("+84912345601", "+842838221601"),
                # As the compute reads it: the number's text; a key in the values is not
                # kept (a readonly computed field).
                (False, "+84912345602"),
                (False, False),
                (False, False),
            ],
        )
        self.assertEqual(partners[1].phone, "912345602")
        self.assertEqual(Partner._coka_search_phone("0912345601"), partners[0])
        partner = Partner.create({"name": "Khách E", "mobile": "0912 345 603"})
        self.assertEqual(partner.coka_mobile_e164, "+84912345603")

    def test_keys_are_filled_for_partners_that_have_none(self):
        partner = self.env["res.partner"].create({"name": "Đỗ Minh", "mobile": "0966 777 888"})
        # As after installing the module on a database that has contacts already.
        self.env.cr.execute("DELETE FROM coka_phone_key WHERE res_model = 'res.partner'")
        self.assertFalse(self.env["res.partner"]._coka_search_phone("0966777888"))
        self.env["res.partner"]._coka_phone_fill_keys()
        self.assertEqual(self.env["res.partner"]._coka_search_phone("0966777888"), partner)

    def test_call_count_smart_button(self):
        partner = self.env["res.partner"].create({"name": "Lê Thị Mai", "mobile": "0987000111"})
        self._create_call(self.agent_1, number="+84987000111", partner_id=partner.id)
        self._create_call(
            self.agent_2, number="+84987000111", partner_id=partner.id, provider_call_id="c2"
        )
        self.assertEqual(partner.coka_call_count, 2)
        action = partner.action_coka_view_calls()
        self.assertEqual(self.env["coka.pbx.call"].search(action["domain"]).partner_id, partner)


@tagged("post_install", "-at_install")
class TestStrictPhoneKeys(CokaPbxCase):
    """Hotlines and sticky rules: every number must be valid (the mixin's check)."""

    def test_hotline_mobile_and_landline_keys(self):
        Hotline = self.env["coka.pbx.hotline"]
        landline = Hotline.create({"number": "024 3825 6789"})
        mobile = Hotline.create({"number": "84 912 000 333"})
        service = Hotline.create({"number": "1900 6750"})
        self.assertEqual(
            (landline.number_e164, mobile.number_e164, service.number_e164),
            ("+842438256789", "+84912000333", "+8419006750"),
        )
        self.assertEqual(landline.display_number, "024 3825 6789")
        landline.number = "028 3822 1234"
        self.assertEqual(
            (landline.number_e164, landline.display_number), ("+842838221234", "028 3822 1234")
        )

    def test_hotline_invalid_number_message(self):
        with self.assertRaises(ValidationError) as caught:
            self.env["coka.pbx.hotline"].create({"number": "12"})
        self.assertEqual(str(caught.exception), "Number: 12 is not a valid phone number.")
        with self.assertRaisesRegex(ValidationError, "Number: 0000 is not a valid phone number"):
            self.hotline.number = "0000"

    def test_vietnamese_message(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        Hotline = self.env["coka.pbx.hotline"].with_context(lang="vi_VN")
        with self.assertRaisesRegex(ValidationError, "12 không phải là số điện thoại hợp lệ"):
            Hotline.create({"number": "12"})

    def test_sticky_rule_keys_and_message(self):
        Rule = self.env["coka.pbx.sticky.rule"]
        rule = Rule.create(
            {"hotline_id": self.hotline.id, "phone": "0912 000 888", "extension_id": self.ext_1.id}
        )
        self.assertEqual(rule.phone_e164, "+84912000888")
        rule.phone = "028 3822 9999"
        self.assertEqual(rule.phone_e164, "+842838229999")
        with self.assertRaises(ValidationError) as caught:
            rule.phone = "abc"
        self.assertEqual(str(caught.exception), "Phone Number: abc is not a valid phone number.")
        self.assertEqual(
            Rule._coka_search_phone("02838229999").filtered(lambda r: r.hotline_id == self.hotline),
            rule,
        )
