from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.coka_pbx.models.coka_pbx_extension import CokaPbxExtension


@tagged("post_install", "-at_install")
class TestLeadAssignment(TransactionCase):
    """SPEC LEAD-2, LEAD-3: instant creator-first round robin, unassign, assign to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # The PBX core's routability (active extension, agent ON): with coka_pbx_billing
        # installed too, it also requires a seat, tested in that module.
        cls.startClassPatcher(
            patch.object(
                type(cls.env["coka.pbx.extension"]),
                "_coka_routable_sql",
                CokaPbxExtension._coka_routable_sql,
            )
        )
        cls.tag = cls.env.ref("coka_crm_leads.crm_tag_assign")
        cls.manager = new_test_user(
            cls.env,
            login="la_manager",
            groups="coka_pbx.group_manager,sales_team.group_sale_manager",
        )
        cls.team = cls.env["crm.team"].create({"name": "Đội telesale", "use_leads": True})
        cls.agents = cls.env["res.users"]
        for index in range(4):
            agent = new_test_user(
                cls.env,
                login=f"la_agent_{index}",
                groups="coka_pbx.group_agent,sales_team.group_sale_salesman",
            )
            cls.env["coka.pbx.extension"].create({"number": str(300 + index), "user_id": agent.id})
            cls.agents |= agent
        cls.members = cls.env["crm.team.member"].create(
            [
                {"crm_team_id": cls.team.id, "user_id": agent.id, "assignment_max": 1000}
                for agent in cls.agents
            ]
        )

    def _create(self, count, user=None, **vals):
        Lead = self.env["crm.lead"].with_user(user) if user else self.env["crm.lead"].sudo()
        return Lead.create(
            [
                {"name": f"Khách {i}", "mobile": f"09050{i:05d}", "team_id": self.team.id, **vals}
                for i in range(count)
            ]
        ).sudo()

    def _spread(self, leads, agents=None):
        agents = agents if agents is not None else self.agents
        counts = [len(leads.filtered(lambda lead, a=agent: lead.user_id == a)) for agent in agents]
        return max(counts) - min(counts)

    def test_round_robin_spread_and_tag(self):
        leads = self._create(10)
        self.assertEqual(leads.user_id, self.agents)
        self.assertLessEqual(self._spread(leads), 1)
        self.assertTrue(all(self.tag in lead.tag_ids for lead in leads))
        # The next batch goes on after the pointer: over both, the spread stays <= 1.
        leads |= self._create(7)
        self.assertLessEqual(self._spread(leads), 1)
        self.assertEqual(len(leads), 17)

    def test_agents_follow_their_leads_without_assignment_email(self):
        # With tracking, as in production: Odoo subscribes the salesperson of a lead.
        Lead = self.env["crm.lead"].with_context(tracking_disable=False).with_user(self.manager)
        mails = self.env["mail.mail"].search_count([])
        leads = Lead.create(
            [
                {"name": f"Theo dõi {i}", "mobile": f"0906{i:06d}", "team_id": self.team.id}
                for i in range(5)
            ]
        ).sudo()
        Subtype = self.env["mail.message.subtype"]
        defaults = Subtype.browse(Subtype._get_auto_subscription_subtypes("crm.lead")[1])
        self.assertTrue(defaults)
        for lead in leads:
            self.assertIn(lead.user_id.partner_id, lead.message_partner_ids)
            self.assertIn(self.manager.partner_id, lead.message_partner_ids)
            follower = lead.message_follower_ids.filtered(
                lambda follower, lead=lead: follower.partner_id == lead.user_id.partner_id
            )
            self.assertEqual(follower.subtype_ids, defaults)
        self.assertEqual(leads[0].user_id, leads[4].user_id)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_creator_agent_follows_once(self):
        agent = self.agents[1]
        Lead = self.env["crm.lead"].with_context(tracking_disable=False).with_user(agent)
        lead = Lead.create({"name": "Của tôi", "mobile": "0906555444", "team_id": self.team.id})
        self.assertEqual(lead.sudo().message_partner_ids, agent.partner_id)

    def test_lead_without_mobile_is_left_alone(self):
        lead = self.env["crm.lead"].create({"name": "Không số", "team_id": self.team.id})
        self.assertNotIn(self.tag, lead.tag_ids)
        self.assertEqual(lead.user_id, self.env.user)

    def test_creator_agent_keeps_his_lead(self):
        agent = self.agents[2]
        leads = self._create(3, user=agent)
        self.assertEqual(leads.user_id, agent)
        # His own leads do not move the pointer: the next ones start at the first agent.
        self.assertEqual(self._create(1).user_id, self.agents[0])

    def test_off_optout_capacity_and_seat_are_skipped(self):
        self.agents[0].coka_agent_status = "off"
        self.members[1].assignment_optout = True
        self.members[2].assignment_max = 1
        self.agents[3].coka_extension_ids.active = False
        leads = self._create(4)
        self.assertEqual(leads[0].user_id, self.agents[2])
        self.assertFalse(leads[1:].user_id)
        self.assertTrue(all(self.tag in lead.tag_ids for lead in leads))

    def test_creator_off_gets_round_robin(self):
        agent = self.agents[0]
        agent.coka_agent_status = "off"
        lead = self._create(1, user=agent)
        self.assertEqual(lead.user_id, self.agents[1])

    def test_explicit_salesperson_is_kept(self):
        lead = self._create(1, user_id=self.agents[3].id)
        self.assertEqual(lead.user_id, self.agents[3])
        self.assertIn(self.tag, lead.tag_ids)

    def test_tags_given_in_commands_are_kept(self):
        other = self.env["crm.tag"].create({"name": "VIP"})
        lead = self._create(1, tag_ids=[Command.set(other.ids)])
        self.assertEqual(lead.tag_ids, other | self.tag)

    def test_no_team_takes_odoo_default_team_of_the_creator(self):
        Lead = self.env["crm.lead"].with_user(self.manager)
        # The manager is in no team: Odoo gives the company's first team.
        default = (
            self.env["crm.team"]
            .with_user(self.manager)
            ._get_default_team_id(domain=[("use_leads", "=", True)])
        )
        lead = Lead.create({"name": "Không đội", "mobile": "0905111222", "type": "lead"}).sudo()
        self.assertEqual(lead.team_id, default)
        self.assertIn(self.tag, lead.tag_ids)

    def test_assign_api_excludes_users(self):
        leads = self.env["crm.lead"].create(
            [{"name": f"Không số {i}", "team_id": self.team.id} for i in range(6)]
        )
        given = leads._coka_assign(exclude_users=self.agents[:2])
        self.assertEqual(set(given.values()), set(self.agents[2:]))
        self.assertEqual(leads.user_id, self.agents[2:])
        self.assertLessEqual(self._spread(leads, self.agents[2:]), 1)

    def test_unassign_gives_each_lead_to_another_on_agent(self):
        leads = self._create(8)
        before = {lead: lead.user_id for lead in leads}
        mine = leads.filtered(lambda lead: lead.user_id == self.agents[0])
        action = mine.with_user(self.agents[0]).action_coka_unassign()
        self.assertEqual(action["params"]["type"], "success")
        for lead in mine:
            self.assertTrue(lead.user_id)
            self.assertNotEqual(lead.user_id, before[lead])
            self.assertIn("Unassigned from", lead.message_ids[0].body)
            self.assertIn(lead.user_id.name, lead.message_ids[0].body)
        # A selection of leads of several agents: none goes back to its own agent.
        leads.action_coka_unassign()
        for lead in leads:
            self.assertTrue(lead.user_id)
        self.assertFalse(
            any(lead.user_id == agent for lead, agent in before.items() if lead not in mine)
        )

    def test_unassign_without_another_agent_leaves_it_unassigned(self):
        (self.agents[1:]).write({"coka_agent_status": "off"})
        lead = self._create(1)
        self.assertEqual(lead.user_id, self.agents[0])
        action = lead.action_coka_unassign()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertFalse(lead.user_id)
        self.assertIn("waits for a manager", lead.message_ids[0].body)

    def test_agent_cannot_unassign_someone_elses_lead(self):
        lead = self._create(2)[1]
        self.assertEqual(lead.user_id, self.agents[1])
        with self.assertRaises(AccessError):
            lead.with_user(self.agents[0]).action_coka_unassign()

    def test_assign_to_by_manager_only(self):
        leads = self._create(3)
        wizard = (
            self.env["coka.lead.assign"]
            .with_user(self.manager)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
            .create({"user_id": self.agents[3].id})
        )
        self.assertEqual(wizard.lead_ids, leads)
        wizard.action_assign()
        self.assertEqual(leads.user_id, self.agents[3])
        self.assertIn("Assigned to", leads[0].message_ids[0].body)
        with self.assertRaises(AccessError):
            leads.with_user(self.agents[0])._coka_assign_to(self.agents[0])
        clerk = new_test_user(self.env, login="la_clerk", groups="base.group_user")
        with self.assertRaises(UserError):
            leads.with_user(self.manager)._coka_assign_to(clerk)

    def test_odoo_periodic_assignment_leaves_our_leads(self):
        self.members.write({"assignment_max": 300})
        self.agents[1:].write({"coka_agent_status": "off"})
        # Unassigned: nobody ON; the second lead has no mobile (no tag): Odoo's to assign.
        self.agents[0].coka_agent_status = "off"
        ours = self._create(3)
        self.assertFalse(ours.user_id)
        theirs = self.env["crm.lead"].create(
            {"name": "Không số", "team_id": self.team.id, "user_id": False}
        )
        self.team.with_user(self.manager).action_assign_leads()
        self.env["crm.team"].sudo()._cron_assign_leads(force_quota=True)
        self.assertFalse(ours.user_id)
        self.assertIn(theirs.user_id, self.agents)
