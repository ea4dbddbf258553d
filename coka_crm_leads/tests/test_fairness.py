from datetime import datetime

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFairnessLeads(TransactionCase):
    """The fairness report counts each agent's leads received in the period."""

    def test_leads_received_and_shares(self):
        agent_1 = new_test_user(self.env, login="fair_agent_1", groups="coka_pbx.group_agent")
        agent_2 = new_test_user(self.env, login="fair_agent_2", groups="coka_pbx.group_agent")
        manager = new_test_user(self.env, login="fair_manager", groups="coka_pbx.group_manager")
        hotline = self.env.company._coka_default_hotline()
        self.env["coka.pbx.extension"].create(
            [
                {"number": "801", "user_id": agent_1.id, "hotline_id": hotline.id},
                {"number": "802", "user_id": agent_2.id, "hotline_id": hotline.id},
            ]
        )
        inside, outside = datetime(2026, 11, 20, 3), datetime(2026, 12, 20, 3)
        leads = self.env["crm.lead"].create(
            [
                {"name": "A", "user_id": agent_1.id},
                {"name": "B", "user_id": agent_1.id},
                {"name": "C", "user_id": agent_2.id},
                {"name": "D", "user_id": agent_2.id},
            ]
        )
        leads[:3].date_open = inside
        leads[3].date_open = outside
        rows = (
            self.env["coka.pbx.agent.stat"]
            .with_user(manager)
            ._coka_fairness(datetime(2026, 11, 1), datetime(2026, 12, 1))
        )
        by_agent = {row["user_id"]: row for row in rows}
        self.assertEqual(by_agent[agent_1.id]["leads"], 2)
        self.assertEqual(by_agent[agent_2.id]["leads"], 1)
        self.assertEqual(by_agent[agent_1.id]["leads_share"], 66.7)
