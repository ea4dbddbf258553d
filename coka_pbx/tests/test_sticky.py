import base64
import io
from datetime import datetime, timedelta

import openpyxl
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import sticky, sticky_import
from .common import CokaPbxCase


def _xlsx(rows, header=("Phone number", "Extension")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestStickyRules(CokaPbxCase):
    """STK-3..STK-6 at model level; the call flows are proven end to end in
    tests/test_e2e_sticky.py through the simulator's webhooks."""

    def _import(self, data, filename="rules.xlsx"):
        wizard = self.env["coka.pbx.sticky.import"].create(
            {"hotline_id": self.hotline.id, "file": base64.b64encode(data), "filename": filename}
        )
        wizard.action_import()
        return wizard

    def _first(self, customer):
        target = self.hotline._coka_route(customer)["targets"][0]
        return target["extension"], target["reason"]

    def test_rule_phone_is_normalised_and_unique_per_hotline(self):
        Rule = self.env["coka.pbx.sticky.rule"]
        rule = Form(Rule.with_context(default_hotline_id=self.hotline.id))
        rule.phone = "0912 000 777"
        rule.extension_id = self.ext_1
        rule = rule.save()
        self.assertEqual((rule.phone_e164, rule.source), ("+84912000777", "manual"))
        # A constraint of the phone-key mixin, checked after the write: the savepoint drops it.
        with (
            self.assertRaisesRegex(ValidationError, "not a valid phone number"),
            self.cr.savepoint(),
        ):
            rule.phone = "abc"
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            Rule.create(
                {
                    "hotline_id": self.hotline.id,
                    "phone": "+84912000777",
                    "extension_id": self.ext_2.id,
                }
            )

    def test_import_keeps_every_good_row_and_reports_every_bad_one(self):
        self.env["coka.pbx.sticky.rule"].create(
            {"hotline_id": self.hotline.id, "phone": "0912000001", "extension_id": self.ext_1.id}
        )
        data = _xlsx(
            [
                ("0912 000 001", "202"),  # updates the existing rule
                ("0912000002", 201),  # numeric cell
                ("not a phone", "201"),
                ("0912000003", "999"),  # unknown extension
                ("+84 912 000 002", "202"),  # in-file duplicate of row 3
                (None, None),  # blank row: skipped, not an error
                ("0912000004", None),
                (912000005, "202"),  # number typed without the 0
            ]
        )
        wizard = self._import(data)
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.rejected_count), (2, 1, 4)
        )
        rules = self.env["coka.pbx.sticky.rule"].search([("hotline_id", "=", self.hotline.id)])
        by_key = {rule.phone_e164: rule for rule in rules}
        self.assertEqual(by_key["+84912000001"].extension_id, self.ext_2)
        self.assertEqual(by_key["+84912000001"].source, "import")
        self.assertEqual(by_key["+84912000002"].extension_id, self.ext_1)
        self.assertEqual(by_key["+84912000005"].extension_id, self.ext_2)
        report = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.report_file)))
        lines = list(report.active.iter_rows(min_row=2, values_only=True))
        self.assertEqual([line[0] for line in lines], [4, 5, 6, 8])
        self.assertEqual(lines[0][1:], ("not a phone", "not a valid phone number"))
        self.assertEqual(lines[1][1:], ("999", "no such extension in the company"))
        self.assertIn("earlier row", lines[2][2])
        self.assertIn("missing", lines[3][2])

    def test_bad_files_get_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "not an Excel workbook"):
            self._import(b"phone,extension\n0912000001,201\n", "rules.csv")
        with self.assertRaisesRegex(UserError, "empty"):
            self._import(b"")
        with self.assertRaisesRegex(UserError, "empty"):
            self._import(_xlsx([]))
        with self.assertRaisesRegex(UserError, "larger than"):
            self._import(b"x" * (sticky_import.MAX_BYTES + 1))
        self.assertFalse(self.env["coka.pbx.sticky.rule"].search([]))

    def test_export_reimports_as_is(self):
        self.env["coka.pbx.sticky.rule"].create(
            [
                {
                    "hotline_id": self.hotline.id,
                    "phone": "0912000011",
                    "extension_id": self.ext_1.id,
                },
                {
                    "hotline_id": self.hotline.id,
                    "phone": "0912000012",
                    "extension_id": self.ext_2.id,
                },
            ]
        )
        data = self.hotline._coka_sticky_export()
        rows = list(sticky_import.read_rows(data))
        self.assertEqual(rows, [(2, "0912000011", "201"), (3, "0912000012", "202")])
        wizard = self._import(data)
        self.assertEqual((wizard.created_count, wizard.updated_count), (0, 2))

    def test_export_holds_record_rules(self):
        """The export reads through the ORM as the user: a rule he may not read stays out."""
        Rule = self.env["coka.pbx.sticky.rule"]
        Rule.create(
            [
                {"hotline_id": self.hotline.id, "phone": number, "extension_id": ext.id}
                for number, ext in (("0912000013", self.ext_1), ("0912000016", self.ext_2))
            ]
        )
        self.env["ir.rule"].create(
            {
                "name": "Sticky rule: only extension 201 (test)",
                "model_id": self.env["ir.model"]._get_id("coka.pbx.sticky.rule"),
                "domain_force": f"[('extension_id', '=', {self.ext_1.id})]",
                "groups": [Command.link(self.env.ref("coka_pbx.group_manager").id)],
            }
        )
        data = self.hotline.with_user(self.manager)._coka_sticky_export()
        self.assertEqual(list(sticky_import.read_rows(data)), [(2, "0912000013", "201")])

    def test_user_of_another_company_cannot_export(self):
        self.env["coka.pbx.sticky.rule"].create(
            {"hotline_id": self.hotline.id, "phone": "0912000014", "extension_id": self.ext_1.id}
        )
        company_b = self.env["res.company"].create({"name": "Công ty B"})
        manager_b = new_test_user(
            self.env,
            login="pbx_manager_b",
            groups="coka_pbx.group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        with self.assertRaises(AccessError):
            self.hotline.with_user(manager_b)._coka_sticky_export()

    def test_upsert_sees_pending_orm_changes(self):
        """The raw-SQL upsert flushes first: a pending write cannot overwrite the import."""
        Rule = self.env["coka.pbx.sticky.rule"]
        rule = Rule.create(
            {"hotline_id": self.hotline.id, "phone": "0912000015", "extension_id": self.ext_1.id}
        )
        rule.extension_id = self.ext_2  # pending in the ORM cache, not yet in the table
        created, updated = Rule._coka_upsert(
            self.hotline, {"+84912000015": (2, "0912 000 015", self.ext_1.id)}
        )
        self.assertEqual((created, updated), (0, 1))
        self.assertEqual((rule.extension_id, rule.source), (self.ext_1, "import"))
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT extension_id FROM coka_pbx_sticky_rule WHERE id = %s", [rule.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], self.ext_1.id)

    def test_ttl_stops_routing_and_the_cron_archives(self):
        self.hotline.write({"sticky_ttl_days": 30, "ring_strategy": "sequential"})
        self.hotline.ring_member_ids = [(0, 0, {"extension_id": self.ext_1.id})]
        with freeze_time("2026-01-01 10:00:00"):
            self.hotline._coka_sticky_remember("+84912000021", self.ext_2, datetime(2026, 1, 1, 9))
        with freeze_time("2026-01-15 08:00:00"):
            self.assertEqual(self._first("+84912000021"), ("202", "sticky"))
        with freeze_time("2026-01-31 08:00:00"):
            self.assertEqual(self._first("+84912000021"), ("202", "sticky"))
        with freeze_time("2026-02-01 10:00:00"):
            self.assertEqual(self._first("+84912000021"), ("201", "group"))
            self.assertEqual(self.env["coka.pbx.sticky.rule"]._cron_archive_expired(), 1)
        rule = (
            self.env["coka.pbx.sticky.rule"]
            .with_context(active_test=False)
            .search([("phone_e164", "=", "+84912000021")])
        )
        self.assertFalse(rule.active)
        # A new call starts afresh with its own agent.
        self.hotline._coka_sticky_remember("+84912000021", self.ext_1, datetime(2026, 2, 2))
        self.assertEqual((rule.active, rule.extension_id), (True, self.ext_1))

    def test_delete_is_permanent(self):
        rules = self.env["coka.pbx.sticky.rule"].create(
            [
                {
                    "hotline_id": self.hotline.id,
                    "phone": f"091200003{i}",
                    "extension_id": self.ext_1.id,
                }
                for i in range(3)
            ]
        )
        rules[:2].with_user(self.manager).action_coka_delete()
        remaining = self.env["coka.pbx.sticky.rule"].with_context(active_test=False).search([])
        self.assertEqual(remaining, rules[2])

    def test_agents_cannot_touch_rules(self):
        with self.assertRaises(AccessError):
            self.env["coka.pbx.sticky.rule"].with_user(self.agent_1).search([])

    def test_decision_table(self):
        manual = {"extension_id": 1, "source": "manual", "active": True}
        auto = {"extension_id": 1, "source": "auto", "active": True}
        archived = dict(auto, active=False)
        cases = [
            (("first", True, None, 2), sticky.CREATE),
            (("first", True, auto, 2), sticky.TOUCH),
            (("last", True, auto, 2), sticky.MOVE),
            (("last", True, auto, 1), sticky.TOUCH),
            (("last", True, manual, 2), sticky.TOUCH),
            (("last", True, archived, 2), sticky.CREATE),
            (("last", False, None, 2), None),
            (("stop", True, None, 2), None),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                self.assertEqual(sticky.decide(*args), expected)
        self.assertFalse(sticky.is_rememberable("inbound", "missed", True, True))
        self.assertTrue(sticky.is_rememberable("inbound", "answered", True, False))
        self.assertFalse(sticky.is_rememberable("outbound", "no_answer", True, False))
        self.assertTrue(sticky.is_rememberable("outbound", "no_answer", True, True))
        self.assertFalse(sticky.is_rememberable("inbound", "answered", False, True))
        now = datetime(2026, 3, 1)
        self.assertTrue(sticky.is_expired(now - timedelta(days=31), 30, now))
        self.assertFalse(sticky.is_expired(now - timedelta(days=31), 0, now))
