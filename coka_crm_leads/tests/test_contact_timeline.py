from lxml import etree

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from ..tools import source


@tagged("post_install", "-at_install")
class TestContactTimeline(TransactionCase):
    """The contact's timeline (SPEC CON-6) and source (CON-4): counts read in one grouped
    query per model, the events on his chatter, the quick search, the export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="tl_agent", groups="coka_pbx.group_agent")
        cls.other = new_test_user(cls.env, login="tl_other", groups="coka_pbx.group_agent")
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Khách {index}", "mobile": f"0905 100 {index:03d}"} for index in range(20)]
        )
        cls.partner = cls.partners[0]
        Call = cls.env["coka.pbx.call"]
        Ticket = cls.env["coka.ticket"]
        Lead = cls.env["crm.lead"]
        for partner in cls.partners:
            Call.create(
                [
                    {"direction": "inbound", "partner_id": partner.id, "user_id": cls.agent.id},
                    {"direction": "outbound", "partner_id": partner.id, "user_id": cls.other.id},
                ]
            )
            Ticket.create(
                [
                    {"name": "Mine", "partner_id": partner.id, "user_id": cls.agent.id},
                    {"name": "Theirs", "partner_id": partner.id, "user_id": cls.other.id},
                ]
            )
            Lead.create(
                [
                    {"name": "Mine", "partner_id": partner.id, "user_id": cls.agent.id},
                    {"name": "Theirs", "partner_id": partner.id, "user_id": cls.other.id},
                ]
            )

    def _counts(self, partner):
        return (partner.coka_call_count, partner.coka_ticket_count, partner.coka_lead_count)

    def _queries(self, partners):
        """SQL statements to read the three counts of ``partners`` (from an empty cache)."""
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        for partner in partners:
            self._counts(partner)
        return self.env.cr.sql_log_count - before

    def test_counts_are_those_the_user_may_read(self):
        self.assertEqual(self._counts(self.partner), (2, 2, 2))
        # The agent: his own calls, tickets and leads only (record rules).
        self.assertEqual(self._counts(self.partner.with_user(self.agent)), (1, 1, 1))

    def test_counts_take_one_grouped_query_per_model_for_the_whole_list(self):
        for user in (self.env.user, self.agent):
            partners = self.partners.with_user(user)
            self._queries(partners[:1])  # warm the caches (record rules, groups)
            one = self._queries(partners[:1])
            # One _read_group per model (calls, tickets, leads), whatever the list's size.
            self.assertLessEqual(one, 3, user.login)
            self.env.invalidate_all()
            with self.assertQueryCount(one):
                for partner in partners:
                    self._counts(partner)
            expected = (1, 1, 1) if user == self.agent else (2, 2, 2)
            self.assertEqual(self._counts(partners[19]), expected)

    def test_buttons_and_tabs(self):
        action = self.partner.action_coka_view_tickets()
        self.assertEqual(action["res_model"], "coka.ticket")
        self.assertEqual(self.env["coka.ticket"].search_count(action["domain"]), 2)
        self.assertEqual(action["context"]["default_partner_id"], self.partner.id)
        action = self.partner.with_user(self.agent).action_coka_view_leads()
        self.assertEqual(
            self.env["crm.lead"].with_user(self.agent).search(action["domain"]).mapped("name"),
            ["Mine"],
        )
        arch = etree.fromstring(
            self.env["res.partner"]
            .with_user(self.agent)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        for name in ("coka_calls", "coka_tickets", "coka_leads"):
            self.assertTrue(arch.xpath(f"//page[@name='{name}']"), name)
        for method in (
            "action_coka_view_calls",
            "action_coka_view_tickets",
            "action_coka_view_leads",
        ):
            self.assertTrue(arch.xpath(f"//button[@name='{method}']"), method)
        # The header of issue 11 (Create deal / ticket, Do Not Contact) is there too.
        self.assertTrue(arch.xpath("//button[@name='action_coka_create_ticket']"))
        self.assertTrue(arch.xpath("//div[contains(@class, 'o_coka_duplicate_contact')]"))
        # The agent reads the tabs: his own tickets and leads only.
        tickets = self.partner.with_user(self.agent).coka_ticket_ids
        self.assertEqual(tickets.mapped("name"), ["Mine"])

    def test_ticket_lead_and_call_leave_a_note_on_the_contact(self):
        partner = self.env["res.partner"].create({"name": "Lê Văn Tâm"})
        ticket = (
            self.env["coka.ticket"]
            .with_user(self.agent)
            .create({"name": "Đổi lịch hẹn", "partner_id": partner.id})
        )
        self.assertIn(ticket.reference, partner.message_ids[0].body)
        self.assertEqual(partner.message_ids[0].author_id, self.agent.partner_id)
        ticket.with_user(self.agent).stage = "done"
        self.assertIn("Done", partner.message_ids[0].body)
        self.env["crm.lead"].create({"name": "Hỏi giá tổng đài", "partner_id": partner.id})
        self.assertIn("Hỏi giá tổng đài", partner.message_ids[0].body)
        self.assertIn("created", partner.message_ids[0].body)
        lead = self.env["crm.lead"].create({"name": "Lead chưa có khách"})
        count = len(partner.message_ids)
        lead.partner_id = partner
        self.assertEqual(len(partner.message_ids), count + 1)
        self.assertIn("linked", partner.message_ids[0].body)
        lead.write({"partner_id": partner.id, "name": "Lead đã có khách"})
        self.assertEqual(len(partner.message_ids), count + 1, "same contact: no second note")
        # Many tickets at once: one note per contact, in one batch.
        self.env["coka.ticket"].create(
            [{"name": f"Phiếu {index}", "partner_id": partner.id} for index in range(3)]
        )
        self.assertEqual(len(partner.message_ids), count + 2)
        self.assertEqual(partner.message_ids[0].body.count("Phiếu"), 3)

    def test_source_from_the_leads_funnel(self):
        self.assertEqual(source.contact_source("Zalo"), "zalo")
        self.assertEqual(source.contact_source("Zalo OA"), "zalo")
        self.assertEqual(source.contact_source("Facebook Ads"), "facebook")
        self.assertEqual(source.contact_source("FB"), "facebook")
        self.assertEqual(source.contact_source("Landing page"), "landing_page")
        self.assertEqual(source.contact_source("LandingPage2"), "landing_page")
        self.assertEqual(source.contact_source("Website chat"), "landing_page")
        self.assertEqual(source.contact_source("Điện thoại"), "phone")
        self.assertEqual(source.contact_source("Hotline"), "phone")
        self.assertEqual(source.contact_source("Gói cước"), "system")
        self.assertEqual(source.contact_source("Newsletter"), "system")
        self.assertEqual(source.contact_source(False), "system")
        for funnel, expected in (("Zalo", "zalo"), ("Facebook", "facebook"), (False, "system")):
            lead = self.env["crm.lead"].create(
                {
                    "name": f"Lead {funnel}",
                    "contact_name": f"Khách {funnel}",
                    "source_id": funnel and self.env["utm.source"].create({"name": funnel}).id,
                }
            )
            lead._handle_partner_assignment(create_missing=True)
            self.assertEqual(lead.partner_id.coka_source, expected, funnel)

    def test_quick_search_by_any_form_of_number_salesperson_and_my_contacts(self):
        self.partner.user_id = self.agent
        Partner = self.env["res.partner"].with_user(self.agent)
        arch = etree.fromstring(Partner.get_views([(False, "search")])["views"]["search"]["arch"])
        self.assertTrue(arch.xpath("//field[@name='coka_phone_search']"))
        for typed in ("+84 905 100 000", "+84905100000", "0905.100.000"):
            found = Partner.search([("coka_phone_search", "=", typed)])
            self.assertEqual(found, self.partner, typed)
        self.assertFalse(Partner.search([("coka_phone_search", "=", "0905 100")]))
        [mine] = arch.xpath("//filter[@name='coka_my_contacts']")
        self.assertEqual(mine.get("domain"), "[('user_id', '=', uid)]")
        self.assertEqual(Partner.search([("user_id", "=", self.agent.id)]), self.partner)
        self.assertTrue(arch.xpath("//filter[@name='salesperson']"))
        self.assertEqual(Partner.search([("user_id", "ilike", "tl_agent")]), self.partner)

    def test_export_of_the_filtered_list_with_a_custom_field(self):
        self.addCleanup(self.registry.reset_changes)
        self.addCleanup(self.registry.clear_all_caches)
        field = self.env["coka.contact.field"].create({"name": "Hạng thẻ", "field_type": "char"})
        name = field.field_id.name
        self.assertTrue(name.startswith("x_coka_"))
        self.partners[:3].write({name: "Vàng"})
        Partner = self.env["res.partner"]
        found = Partner.search([(name, "=", "Vàng")], order="id")
        self.assertEqual(found, self.partners[:3])
        rows = found.export_data(["name", name])["datas"]
        self.assertEqual(rows, [[partner.name, "Vàng"] for partner in self.partners[:3]])
