from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestCallerCardLeads(TransactionCase):
    """PBX-9: the incoming popup's card lists the caller's open leads the agent may read."""

    def test_card_lists_open_leads_of_the_agent_only(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        agent = new_test_user(env, login="card_agent", groups="coka_pbx.group_agent")
        other = new_test_user(env, login="card_agent_2", groups="coka_pbx.group_agent")
        partner = env["res.partner"].create({"name": "Lê Minh Tâm", "mobile": "0905333444"})
        won = env["crm.stage"].search([("is_won", "=", True)], limit=1) or env["crm.stage"].create(
            {"name": "Won", "is_won": True}
        )
        leads = env["crm.lead"].create(
            [
                {"name": "Mua máy lọc nước", "partner_id": partner.id, "user_id": agent.id},
                {"name": "Đã chốt", "partner_id": partner.id, "user_id": agent.id},
                {"name": "Của người khác", "partner_id": partner.id, "user_id": other.id},
            ]
        )
        leads[1].stage_id = won
        card = partner.with_user(agent)._coka_caller_card()
        self.assertEqual([lead["id"] for lead in card["leads"]], leads[0].ids)
        self.assertEqual(card["name"], "Lê Minh Tâm")
