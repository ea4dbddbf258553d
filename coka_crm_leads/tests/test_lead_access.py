from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestLeadAccess(TransactionCase):
    """SEC-1 on leads: an Agent sees and edits only his own leads, never another company's;
    a Manager sees every lead of his companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company_b = cls.env["res.company"].create({"name": "Công ty B"})
        cls.agent = new_test_user(cls.env, login="acl_agent", groups="coka_pbx.group_agent")
        cls.other = new_test_user(cls.env, login="acl_agent_2", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="acl_manager", groups="coka_pbx.group_manager")
        Lead = cls.env["crm.lead"]
        cls.own = Lead.create({"name": "Của tôi", "user_id": cls.agent.id})
        cls.others = Lead.create({"name": "Của người khác", "user_id": cls.other.id})
        cls.unassigned = Lead.create({"name": "Chưa giao", "user_id": False})
        cls.agent_b = new_test_user(
            cls.env,
            login="acl_agent_b",
            groups="coka_pbx.group_agent",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.foreign = Lead.create(
            {"name": "Công ty khác", "user_id": cls.agent_b.id, "company_id": cls.company_b.id}
        )

    def test_agent_sees_only_his_own_leads_of_his_company(self):
        Lead = self.env["crm.lead"].with_user(self.agent)
        ids = [self.own.id, self.others.id, self.unassigned.id, self.foreign.id]
        self.assertEqual(Lead.search([("id", "in", ids)]), self.own)
        for lead in (self.others, self.unassigned, self.foreign):
            with self.assertRaises(AccessError):
                lead.with_user(self.agent).read(["name"])

    def test_agent_edits_only_his_own_leads(self):
        self.own.with_user(self.agent).write({"name": "Đã gọi"})
        self.assertEqual(self.own.name, "Đã gọi")
        for lead in (self.others, self.foreign):
            with self.assertRaises(AccessError):
                lead.with_user(self.agent).write({"name": "Lấy mất"})
        # Nor can he create a lead for another agent, nor delete one.
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.agent).create(
                {"name": "Cho người khác", "user_id": self.other.id}
            )
        with self.assertRaises(AccessError):
            self.own.with_user(self.agent).unlink()

    def test_manager_sees_every_lead_of_his_companies_only(self):
        Lead = self.env["crm.lead"].with_user(self.manager)
        ids = [self.own.id, self.others.id, self.unassigned.id, self.foreign.id]
        self.assertEqual(Lead.search([("id", "in", ids)]), self.own | self.others | self.unassigned)
        # The agent of the other company sees his lead there, none of ours.
        Lead_b = self.env["crm.lead"].with_user(self.agent_b)
        self.assertEqual(Lead_b.search([("id", "in", ids)]), self.foreign)
