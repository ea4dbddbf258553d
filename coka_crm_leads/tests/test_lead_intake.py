import json

from odoo.tests import tagged
from odoo.tests.common import TransactionCase

from odoo.addons.coka_crm_leads.tools import intake


def _body(**values):
    return json.dumps(values).encode()


class TestIntakeRules(TransactionCase):
    """tools/intake.py: plain rules of the request body."""

    def test_valid_body_keeps_the_other_keys(self):
        values = intake.parse(
            _body(
                name=" Trần Thị Mai ",
                mobile="0912 345 678",
                funnel="Zalo",
                message="Xin báo giá",
                utm_campaign="tet",
                page={"url": "https://coka.vn/lp", "ids": [1, 2]},
            )
        )
        self.assertEqual(values["name"], "Trần Thị Mai")
        self.assertEqual(values["mobile_key"], "+84912345678")
        self.assertIsNone(values["email"])
        self.assertIsNone(values["team"])
        self.assertEqual(
            values["extra"],
            {"utm_campaign": "tet", "page": {"url": "https://coka.vn/lp", "ids": [1, 2]}},
        )
        self.assertEqual(intake.parse(_body(email="mai@example.com"))["email"], "mai@example.com")

    def test_bad_bodies_are_refused_with_a_reason(self):
        cases = {
            b"": "not valid JSON",
            b"\xff{}": "not UTF-8",
            b"[1]": "JSON object",
            b'{"mobile": NaN}': "not a JSON number",
            b'{"mobile": "0912345678", "x": 1e999}': "finite",
            b'{"mobile": "0912345678", "x": "\\u0000"}': "NUL",
            b'{"mobile": "0912345678", "x": "\\ud800"}': "surrogate",
            b'{"mobile": "0912345678", "x": ' + b"[" * 20 + b"]" * 20 + b"}": "nested",
            b"[" * 100000 + b"]" * 100000: "larger than",
            _body(name="Mai"): "mobile or email is required",
            _body(mobile="   ", email=""): "mobile or email is required",
            _body(mobile="12"): "not a valid phone number",
            _body(mobile=912345678): "mobile must be a string",
            _body(email="not-an-email"): "not a valid email",
            _body(mobile="0912345678", name="x" * 257): "name longer than 256",
            _body(mobile="0912345678", team=["Sales"]): "team must be a string",
            _body(mobile="0912345678", **{f"k{i}": i for i in range(51)}): "more than 50",
            _body(mobile="0912345678", **{" ": 1}): "other keys",
        }
        for raw, reason in cases.items():
            with self.subTest(raw=raw[:60]):
                with self.assertRaises(intake.IntakeError) as caught:
                    intake.parse(raw)
                self.assertIn(reason, str(caught.exception))

    def test_bearer_token(self):
        self.assertEqual(intake.bearer_token("Bearer abc"), "abc")
        self.assertEqual(intake.bearer_token("bearer  abc "), "abc")
        for header in (None, "", "Bearer", "Bearer ", "Basic abc", "abc", "Bearer " + "a" * 300):
            self.assertIsNone(intake.bearer_token(header), header)


@tagged("post_install", "-at_install")
class TestLeadIntake(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Công ty Khác"})
        cls.token, cls.clear = cls._token("Landing page", cls.company)
        cls.other_token, cls.other_clear = cls._token("Other landing page", cls.other_company)
        cls.team = cls.env["crm.team"].create(
            {"name": "Telesales HCM", "company_id": cls.company.id}
        )
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Telesales Hà Nội", "company_id": cls.other_company.id}
        )

    @classmethod
    def _token(cls, name, company):
        token = cls.env["coka.lead.token"].create({"name": name, "company_id": company.id})
        return token, token._coka_generate()

    def _post(self, clear=None, **values):
        return self.env["crm.lead"]._coka_intake_request(
            f"Bearer {clear or self.clear}", _body(**values)
        )

    def test_a_post_creates_the_lead_with_its_funnel_message_and_other_keys(self):
        status, answer = self._post(
            name="Trần Thị Mai",
            mobile="0912 345 678",
            email="mai@example.com",
            funnel="Landing page Tết",
            message="Xin báo giá <b>gói 10 máy</b>",
            team="telesales hcm",
            utm_campaign="<script>tet</script>",
            page={"ids": [1, 2]},
        )
        self.assertEqual(status, 201, answer)
        self.assertEqual(set(answer), {"ok", "lead_id", "assigned_to"})
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(lead.type, "lead")
        self.assertEqual(lead.contact_name, "Trần Thị Mai")
        self.assertEqual(lead.coka_mobile_e164, "+84912345678")
        self.assertEqual(lead.email_from, "mai@example.com")
        self.assertEqual(lead.source_id.name, "Landing page Tết")
        self.assertEqual(lead.team_id, self.team)
        self.assertIn("&lt;b&gt;gói 10 máy&lt;/b&gt;", lead.description)
        self.assertEqual(
            lead.coka_intake_data, {"utm_campaign": "<script>tet</script>", "page": {"ids": [1, 2]}}
        )
        self.assertIn("&lt;script&gt;tet&lt;/script&gt;", lead.coka_intake_html)
        self.assertNotIn("<script>", lead.coka_intake_html)
        self.assertEqual(answer["assigned_to"], lead.user_id.login or None)
        # The funnel is found again whatever its case; a new name creates a source.
        Source = self.env["utm.source"]
        count = Source.search_count([])
        status, answer = self._post(mobile="0903 000 111", funnel="LANDING PAGE TẾT")
        self.assertEqual(status, 201, answer)
        self.assertEqual(self.env["crm.lead"].browse(answer["lead_id"]).source_id, lead.source_id)
        self.assertEqual(Source.search_count([]), count)
        status, answer = self._post(email="an@example.com", funnel="Zalo OA mới")
        self.assertEqual(status, 201, answer)
        lead = self.env["crm.lead"].browse(answer["lead_id"])
        self.assertEqual(lead.source_id.name, "Zalo OA mới")
        self.assertEqual(lead.name, "an@example.com")
        self.assertFalse(lead.coka_mobile_e164)

    def test_the_same_mobile_in_any_format_gives_one_lead_with_the_messages_noted(self):
        status, first = self._post(name="Mai", mobile="0912 345 678", funnel="Zalo")
        self.assertEqual(status, 201, first)
        lead = self.env["crm.lead"].browse(first["lead_id"])
        for index, number in enumerate(("+84912345678", "84 912 345 678", "(091) 2345678")):
            status, answer = self._post(
                mobile=number, funnel="Facebook", message=f"Lần {index}: gọi lại sau 5h"
            )
            self.assertEqual(status, 200, answer)
            self.assertEqual(answer, {"ok": True, "lead_id": lead.id, "duplicate": True})
            self.assertIn(f"Lần {index}: gọi lại sau 5h", lead.message_ids[0].body)
            self.assertIn("Facebook", lead.message_ids[0].body)
        self.assertEqual(
            self.env["crm.lead"].search_count([("coka_mobile_e164", "=", "+84912345678")]), 1
        )
        # A won lead is not open: the next post makes a new lead; so does a lost (archived) one.
        lead.action_set_won()
        status, answer = self._post(mobile="0912345678")
        self.assertEqual(status, 201, answer)
        again = self.env["crm.lead"].browse(answer["lead_id"])
        again.action_set_lost()
        status, answer = self._post(mobile="0912345678")
        self.assertEqual(status, 201, answer)

    def test_a_token_creates_leads_in_its_own_company_only(self):
        status, mine = self._post(mobile="0912 777 888")
        self.assertEqual(status, 201, mine)
        # The same mobile in another company is another customer's lead there.
        status, theirs = self._post(
            self.other_clear, mobile="0912 777 888", team="Telesales Hà Nội"
        )
        self.assertEqual(status, 201, theirs)
        lead = self.env["crm.lead"].browse(theirs["lead_id"])
        self.assertEqual(lead.company_id, self.other_company)
        self.assertEqual(lead.team_id, self.other_team)
        # A team of another company is unknown to the token.
        status, answer = self._post(mobile="0912 777 999", team="Telesales Hà Nội")
        self.assertEqual((status, answer["ok"]), (400, False))
        self.assertIn("unknown team", answer["error"])
        self.assertFalse(self.env["crm.lead"].search([("coka_mobile_e164", "=", "+84912777999")]))

    def test_missing_unknown_or_revoked_token_is_refused_and_bad_bodies_get_400(self):
        Lead = self.env["crm.lead"]
        body = _body(mobile="0912 000 111")
        for header in (None, "", "Bearer", f"Basic {self.clear}", "Bearer " + "0" * 48):
            status, answer = Lead._coka_intake_request(header, body)
            self.assertEqual(status, 401, header)
            self.assertFalse(answer["ok"])
        self.other_token.action_coka_revoke()
        status, answer = Lead._coka_intake_request(f"Bearer {self.other_clear}", body)
        self.assertEqual(status, 401)
        status, answer = Lead._coka_intake_request(f"Bearer {self.clear}", b"{")
        self.assertEqual((status, answer["ok"]), (400, False))
        self.assertIn("not valid JSON", answer["error"])
        self.assertFalse(Lead.search([("coka_mobile_e164", "=", "+84912000111")]))
        self.assertTrue(self.token.last_used)
