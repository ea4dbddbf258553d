from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HaravanCase


@tagged("post_install", "-at_install")
class TestHaravanAccess(HaravanCase):
    def test_only_call_center_users_sync(self):
        clerk = self.env["res.users"].create(
            {
                "name": "Nhân viên kho",
                "login": "hrv_clerk",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        partner = self._contact(mobile="0912000301")
        with self.assertRaises(AccessError):
            partner.with_user(clerk)._coka_haravan_sync()
        self.assertEqual(self.shop.requests, [])
        self.assertEqual(partner.coka_haravan_sync_state, "never")

    def test_an_agent_sees_his_own_syncs_a_manager_all(self):
        other = self.env["res.users"].create(
            {
                "name": "Agent Khác",
                "login": "hrv_agent2",
                "groups_id": [(6, 0, [self.env.ref("coka_pbx.group_agent").id])],
            }
        )
        manager = self.env["res.users"].create(
            {
                "name": "Manager Mai",
                "login": "hrv_manager2",
                "groups_id": [(6, 0, [self.env.ref("coka_pbx.group_manager").id])],
            }
        )
        partner = self._contact(mobile="0912000302")
        partner.with_user(self.agent).action_coka_haravan_sync_selection()
        partner.with_user(other).action_coka_haravan_sync_selection()
        Job = self.env["coka.haravan.sync.job"]
        mine = Job.with_user(self.agent).search([])
        self.assertEqual(mine.user_id, self.agent)
        self.assertEqual(len(Job.with_user(manager).search([])), 2)
        with self.assertRaises(AccessError):
            mine.with_user(self.agent).write({"state": "done"})

    def test_the_token_is_never_logged(self):
        self.env.company.coka_haravan_api_url = "http://127.0.0.1:9"
        with self.assertLogs("odoo.addons.coka_haravan", "DEBUG") as logs:
            self._contact(mobile="0912000303")._coka_haravan_sync()
        self.assertTrue(logs.output)
        self.assertNotIn(self.shop.token, "\n".join(logs.output))

    def test_shop_refusing_a_duplicate_keeps_one_customer(self):
        # Stored in another format that the search by the shop's format does not find: the
        # shop's own uniqueness refuses the second customer, and the reason is kept.
        self.shop.add_customer(first_name="An", phone="+84912345678")
        partner = self._contact(mobile="0912 345 678")
        partner._coka_haravan_sync()
        self.assertEqual(partner.coka_haravan_sync_state, "failed")
        self.assertIn("HTTP 422", partner.coka_haravan_sync_error)
        self.assertIn("phone", partner.coka_haravan_sync_error)
        self.assertEqual(len(self.shop.customers), 1)

    def test_lead_selection_and_lead_filters(self):
        # The contacts are created with the user's rights (Odoo's lead -> contact).
        creator = self.env["res.users"].create(
            {
                "name": "Agent Tạo",
                "login": "hrv_creator",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("coka_pbx.group_agent").id,
                            self.env.ref("base.group_partner_manager").id,
                        ],
                    )
                ],
            }
        )
        Lead = self.env["crm.lead"]
        leads = Lead.create(
            [
                {
                    "name": "Lead 1",
                    "contact_name": "Đỗ Văn Một",
                    "phone": "0912000401",
                    "user_id": creator.id,
                },
                {
                    "name": "Lead 2",
                    "contact_name": "Đỗ Văn Hai",
                    "phone": "0912000402",
                    "user_id": creator.id,
                },
            ]
        )
        leads.with_user(creator).action_coka_haravan_sync_selection()
        self.assertEqual(len(leads.partner_id), 2)
        self.env["coka.haravan.sync.job"]._cron_sync()
        self.assertEqual(set(leads.mapped("coka_haravan_sync_state")), {"done"})
        synced = Lead.search(
            [("id", "in", leads.ids), ("partner_id.coka_haravan_sync_state", "=", "done")]
        )
        self.assertEqual(synced, leads)
        self.assertEqual(len(self.shop.customers), 2)
