"""The sync against the fake Haravan shop over real sockets (the issue's "Done when")."""

import socket
import time
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools import haravan_client
from .common import HaravanCase


def closed_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestHaravanSocket(HaravanCase):
    def test_new_contact_syncs_and_gets_its_id(self):
        partner = self._contact(mobile="0912 345 678", email="an@example.vn", city="Huế")
        action = partner.with_user(self.agent).action_coka_haravan_sync()
        self.assertEqual(action["params"]["type"], "success")
        [customer] = self.shop.customers.values()
        self.assertEqual(partner.coka_haravan_customer_ref, str(customer["id"]))
        self.assertEqual(
            (customer["first_name"], customer["last_name"], customer["phone"]),
            ("An", "Nguyễn Văn", "0912345678"),
        )
        self.assertEqual(customer["addresses"][0]["city"], "Huế")
        # Synced once: not again, with a clear message, and nothing reaches the shop.
        sent = len(self.shop.requests)
        action = partner.action_coka_haravan_sync()
        self.assertEqual(action["params"]["type"], "info")
        self.assertIn("already synced to Haravan", action["params"]["message"])
        self.assertEqual(len(self.shop.requests), sent)

    def test_existing_phone_in_another_format_fails_with_its_id(self):
        existing = self.shop.add_customer(first_name="An", last_name="Nguyễn", phone="0912345678")
        partner = self._contact(mobile="+84 912 345 678")
        action = partner.action_coka_haravan_sync()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn(
            f"already exists in Haravan (id {existing['id']})", action["params"]["message"]
        )
        self.assertEqual(partner.coka_haravan_sync_state, "failed")
        self.assertIn(str(existing["id"]), partner.coka_haravan_sync_error)
        self.assertFalse(partner.coka_haravan_customer_ref)
        self.assertEqual(len(self.shop.customers), 1)
        self.assertNotIn("POST", [request[0] for request in self.shop.requests])

    def test_existing_email_fails_with_its_id(self):
        existing = self.shop.add_customer(first_name="Bình", email="binh@example.vn")
        partner = self._contact("Trần Bình", mobile="0987654321", email="Binh@Example.vn")
        partner._coka_haravan_sync()
        self.assertEqual(partner.coka_haravan_sync_state, "failed")
        self.assertIn(
            f"already exists in Haravan (id {existing['id']})", partner.coka_haravan_sync_error
        )
        self.assertEqual(len(self.shop.customers), 1)

    def test_200_contacts_as_a_selection_while_the_shop_answers_429(self):
        # A burst-prone shop: a small bucket, and no call-limit header to pace by.
        self.shop.capacity, self.shop.leak_rate, self.shop.limit_header = 10, 60.0, False
        taken = self.shop.add_customer(first_name="Cũ", email="c7@example.vn")
        partners = self.Partner.create(
            [
                {"name": f"Khách Hàng {n}", "mobile": f"09{n:08d}", "email": f"c{n}@example.vn"}
                for n in range(200)
            ]
        )
        action = partners.with_user(self.agent).action_coka_haravan_sync_selection()
        self.assertEqual(action["params"]["type"], "info")
        job = self.env["coka.haravan.sync.job"].search([], limit=1)
        self.assertEqual((job.state, len(job.pending_partner_ids)), ("queued", 200))
        with patch.object(self.env.registry["bus.bus"], "_sendone") as sent:
            self.env["coka.haravan.sync.job"]._cron_sync(batch_size=50)
        self.assertGreater(self.shop.throttled, 0, "the shop answered 429 to the bursts")
        states = partners.mapped("coka_haravan_sync_state")
        self.assertEqual(set(states) - {"done", "failed"}, set())
        failed = partners.filtered(lambda p: p.coka_haravan_sync_state == "failed")
        self.assertTrue(all(p.coka_haravan_sync_error for p in failed))
        self.assertIn(f"id {taken['id']}", partners[7].coka_haravan_sync_error)
        done = partners - failed
        self.assertEqual(len(self.shop.customers), 1 + len(done))
        self.assertEqual(len(done), 199)
        self.assertEqual((job.state, job.synced_count, job.failed_count), ("done", 199, 1))
        self.assertFalse(job.pending_partner_ids)
        [(channel, kind, payload)] = [call.args for call in sent.call_args_list]
        self.assertEqual((channel, kind), (self.agent.partner_id, "simple_notification"))
        self.assertIn("199 synced, 1 failed", payload["message"])

    def test_the_call_limit_header_paces_the_calls(self):
        self.shop.capacity, self.shop.leak_rate = 10, 40.0
        partners = self.Partner.create(
            [{"name": f"Khách {n}", "mobile": f"0913{n:06d}"} for n in range(30)]
        )
        partners.action_coka_haravan_sync_selection()

        def sleep(seconds):
            self.waits.append(seconds)
            time.sleep(seconds)

        with patch.object(self.env.registry["bus.bus"], "_sendone"):
            self.env["coka.haravan.sync.job"]._cron_sync(sleep=sleep)
        self.assertEqual(set(partners.mapped("coka_haravan_sync_state")), {"done"})
        self.assertEqual(self.shop.throttled, 0, "paced: the bucket never overflowed")
        self.assertIn(0.25, self.waits)

    def test_bad_token_is_one_configuration_message(self):
        self.env.company.coka_haravan_token = "wrong"
        partners = self._contact(mobile="0912000001") | self._contact(mobile="0912000002")
        with self.assertRaisesRegex(UserError, "refused the access token \\(HTTP 401\\)"):
            partners[0].action_coka_haravan_sync()
        self.assertEqual(partners[0].coka_haravan_sync_state, "never")
        partners.action_coka_haravan_sync_selection()
        job = self.env["coka.haravan.sync.job"].search([], limit=1)
        with patch.object(self.env.registry["bus.bus"], "_sendone") as sent:
            job._cron_sync()
        self.assertEqual(job.state, "failed")
        self.assertIn("HTTP 401", job.message)
        self.assertEqual(len(sent.call_args_list), 1)
        self.assertEqual(set(partners.mapped("coka_haravan_sync_state")), {"never"})
        # One request per run: each stops at its first 401.
        self.assertEqual(len(self.shop.requests), 2)

    def test_test_connection_says_what_is_wrong(self):
        settings = self.env["res.config.settings"].create({})
        action = settings.action_coka_haravan_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.shop.scopes = {"com.write_customers"}
        with self.assertRaisesRegex(UserError, "com.read_customers"):
            settings.action_coka_haravan_test_connection()
        self.env.company.coka_haravan_token = "wrong"
        with self.assertRaisesRegex(UserError, "HTTP 401"):
            settings.action_coka_haravan_test_connection()
        self.env.company.coka_haravan_token = False
        with self.assertRaisesRegex(UserError, "enter the access token"):
            settings.action_coka_haravan_test_connection()
        self.env.company.coka_haravan_token = self.shop.token
        self.env.company.coka_haravan_api_url = f"http://127.0.0.1:{closed_port()}"
        with self.assertRaisesRegex(UserError, "cannot be reached"):
            settings.action_coka_haravan_test_connection()

    def test_timeout_500_and_bad_json(self):
        cases = [
            (("sleep", 1.5), "did not answer within"),
            (("http", 500), "HTTP 500"),
            (("raw", b"<html>oops</html>"), "not JSON"),
        ]
        for n, (fault, reason) in enumerate(cases):
            partner = self._contact(mobile=f"091200010{n}")
            self.shop.faults = [fault]
            with self.subTest(fault=fault), patch.object(haravan_client, "READ_TIMEOUT", 0.3):
                results = partner._coka_haravan_sync()
                self.assertEqual(results[partner.id][0], "failed")
                self.assertIn(reason, partner.coka_haravan_sync_error)
                self.assertFalse(partner.coka_haravan_customer_ref)
        self.assertEqual(self.shop.customers, {})

    def test_a_create_whose_answer_is_lost_is_found_not_duplicated(self):
        partner = self._contact(mobile="0912000501")
        self.shop.faults = [None, ("create_then_sleep", 1.0)]
        with patch.object(haravan_client, "READ_TIMEOUT", 0.3):
            results = partner._coka_haravan_sync()
        [customer] = self.shop.customers.values()
        self.assertEqual(results[partner.id][0], "done")
        self.assertEqual(partner.coka_haravan_customer_ref, str(customer["id"]))
        self.assertEqual([r[0] for r in self.shop.requests], ["GET", "POST", "GET"])

    def test_lead_syncs_its_contact_created_if_needed(self):
        lead = self.env["crm.lead"].create(
            {"name": "Hỏi giá", "contact_name": "Phạm Thu Trang", "email_from": "trang@x.vn"}
        )
        self.assertFalse(lead.partner_id)
        lead.action_coka_haravan_sync()
        self.assertEqual(lead.partner_id.name, "Phạm Thu Trang")
        self.assertEqual(lead.coka_haravan_sync_state, "done")
        [customer] = self.shop.customers.values()
        self.assertEqual(lead.coka_haravan_customer_ref, str(customer["id"]))
        self.assertEqual(customer["email"], "trang@x.vn")
        Lead = self.env["crm.lead"]
        self.assertIn(lead, Lead.search([("partner_id.coka_haravan_sync_state", "=", "done")]))

    def test_filters_and_the_token_secret(self):
        done = self._contact(mobile="0912000201")
        done._coka_haravan_sync()
        never = self._contact(mobile="0912000202")
        ids = (done | never).ids
        Partner = self.Partner.with_context(active_test=False)
        self.assertEqual(
            Partner.search([("id", "in", ids), ("coka_haravan_sync_state", "=", "done")]), done
        )
        self.assertEqual(
            Partner.search([("id", "in", ids), ("coka_haravan_sync_state", "=", "never")]), never
        )
        manager = self.env["res.users"].create(
            {
                "name": "Manager Mai",
                "login": "hrv_manager",
                "groups_id": [(6, 0, [self.env.ref("coka_pbx.group_manager").id])],
            }
        )
        for user in (manager, self.agent):
            company = self.env.company.with_user(user)
            with self.assertRaises(AccessError):
                company.read(["coka_haravan_token"])
            self.assertNotIn("coka_haravan_token", company.fields_get())
            # Syncing uses the token without reading it.
            self.assertNotIn(self.shop.token, str(company.read(["coka_haravan_shop"])))
