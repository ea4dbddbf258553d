import base64
import io
from collections import Counter
from datetime import date
from unittest.mock import patch

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.coka_pbx.tools import phone as phone_tools

WIZARD = "odoo.addons.coka_crm_leads.wizards.coka_contact_import"
JOB = "odoo.addons.coka_crm_leads.models.coka_contact_import_job"
HEADERS = ("Họ và tên", "Số điện thoại", "Email", "Ngày sinh", "Hạng")


def _xlsx(rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _report(wizard_or_job):
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard_or_job.report_file)))
    return list(book.active.iter_rows(min_row=2, values_only=True))


@tagged("post_install", "-at_install")
class TestContactImport(TransactionCase):
    """Import contacts with allocation (SPEC CON-3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["coka_crm_leads"], ["vi_VN"])
        cls.admin = new_test_user(cls.env, login="ci_admin", groups="base.group_system")
        cls.manager = new_test_user(
            cls.env,
            login="ci_manager",
            groups="coka_pbx.group_manager,base.group_partner_manager",
        )
        cls.agent = new_test_user(
            cls.env, login="ci_agent", groups="coka_pbx.group_agent,base.group_partner_manager"
        )
        cls.staff = cls.env["res.users"]
        for number in range(1, 4):
            cls.staff |= new_test_user(
                cls.env,
                login=f"ci_staff_{number}",
                name=f"Nhân viên {number}",
                groups="coka_pbx.group_agent",
            )

    def setUp(self):
        # Manual fields reload the registry: put it back as it was after each test.
        self.addCleanup(self.registry.reset_changes)
        self.addCleanup(self.registry.clear_all_caches)
        super().setUp()
        Field = self.env["coka.contact.field"].with_user(self.admin)
        self.birthday = Field.create({"name": "Ngày sinh", "field_type": "date", "required": True})
        self.rank = Field.create(
            {"name": "Hạng", "field_type": "selection", "selection_options": "Vàng\nBạc"}
        )
        self.birthday_field = self.birthday.field_id.name
        self.rank_field = self.rank.field_id.name

    def _wizard(self, data, filename="contacts.xlsx", user=None):
        wizard = (
            self.env["coka.contact.import"]
            .with_user(user or self.manager)
            .create({"file": base64.b64encode(data), "filename": filename})
        )
        wizard.action_read_file()
        return wizard

    def _import(self, data, filename="contacts.xlsx", **values):
        wizard = self._wizard(data, filename)
        wizard.write({"allocation": "round_robin", "staff_ids": [(6, 0, self.staff.ids)], **values})
        wizard.action_import()
        return wizard

    def _imported(self):
        return self.env["res.partner"].search([("coka_source", "=", "import")])

    def test_thousand_rows_fifty_bad(self):
        """The "Done when" case: 950 good rows allocated evenly, 50 bad ones reported."""
        rows, bad = [], {}
        for index in range(1000):
            number = f"0903{index:06d}"
            row = [f"Khách {index}", number, f"k{index}@example.vn", "24/03/1990", "Vàng"]
            if index % 20 == 19:
                kind = len(bad)
                if kind < 20:
                    row[1], reason = "12345", "not a valid phone number"
                elif kind < 35:
                    row[1], reason = rows[-1][1], "same number as row"
                elif kind < 45:
                    row[3], reason = None, "required value missing"
                else:
                    row[3], reason = "32/13/1990", "not a date"
                bad[index + 2] = reason
            rows.append(row)
        wizard = self._wizard(_xlsx(rows))
        mapping = {line.header: line.field_name for line in wizard.line_ids}
        self.assertEqual(
            mapping,
            {
                "Họ và tên": "name",
                "Số điện thoại": "phone",
                "Email": "email",
                "Ngày sinh": self.birthday_field,
                "Hạng": self.rank_field,
            },
        )
        self.assertEqual(wizard.row_count, 1000)
        wizard.write({"allocation": "round_robin", "staff_ids": [(6, 0, self.staff.ids)]})
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertFalse(wizard.background)
        counts = (
            wizard.created_count,
            wizard.updated_count,
            wizard.skipped_count,
            wizard.rejected_count,
        )
        self.assertEqual(counts, (950, 0, 0, 50))
        partners = self._imported()
        self.assertEqual(len(partners), 950)
        per_user = Counter(partner.user_id.id for partner in partners)
        self.assertEqual(set(per_user), set(self.staff.ids))
        self.assertLessEqual(max(per_user.values()) - min(per_user.values()), 1)
        first = partners.filtered(lambda partner: partner.name == "Khách 0")
        self.assertEqual(first[self.birthday_field], date(1990, 3, 24))
        self.assertEqual(first[self.rank_field], self.rank.field_id.selection_ids[0].value)
        self.assertEqual(first.phone, phone_tools.to_display("0903000000"))
        self.assertEqual(first.coka_phone_e164, "+84903000000")
        report = _report(wizard)
        self.assertEqual(len(report), 50)
        self.assertEqual([line[0] for line in report], sorted(bad))
        for row, column, value, reason in report:
            self.assertIn(bad[row], reason, (row, column, value))
        by_row = {line[0]: line for line in report}
        self.assertEqual(by_row[21][1:3], ("Số điện thoại", "12345"))
        self.assertEqual(by_row[421][1:3], ("Số điện thoại", "0903000418"))
        self.assertIn("row 420", by_row[421][3])
        self.assertEqual(by_row[901][1], "Ngày sinh")

    def test_defaults_read_once_per_batch_are_odoos(self):
        """The contacts' defaults are read once per batch (not once per row) and are those of
        a contact created by hand; the file's values and the allocation come first."""
        self.env["ir.default"].set("res.partner", "comment", "Khách từ danh sách")
        self.env["ir.default"].set("res.partner", "city", "Huế")
        rows = [(f"Khách {n}", f"09120003{n:02d}", "", "01/01/1990", "") for n in range(5)]
        headers = ("Họ và tên", "Số điện thoại", "Email", "Ngày sinh", "Hạng", "Thành phố")
        rows[0] += ("Hà Nội",)
        Partner = type(self.env["res.partner"])
        default_get, calls = Partner.default_get, []

        def counted(partner, fields_list):
            calls.append(len(fields_list))
            return default_get(partner, fields_list)

        with patch(f"{JOB}.BATCH_SIZE", 2), patch.object(Partner, "default_get", counted):
            wizard = self._import(_xlsx(rows, headers))
        self.assertEqual((wizard.job_state, wizard.created_count), ("done", 5), wizard.job_id.error)
        self.assertLessEqual(len(calls), 3, "once per batch of 2 rows, not once per row")
        by_hand = self.env["res.partner"].create({"name": "Khách tay", "user_id": False})
        partners = self._imported().sorted("name")
        self.assertEqual(len(partners), 5)
        self.assertEqual(partners.mapped("city"), ["Hà Nội", "Huế", "Huế", "Huế", "Huế"])
        for name in ("comment", "lang", "tz", "type", "active", "is_company", "color"):
            self.assertEqual(set(partners.mapped(name)), {by_hand[name]}, name)
        # The empty set of tags of the defaults is not written: no tags, as by hand.
        self.assertFalse(by_hand.category_id)
        self.assertFalse(partners.category_id)
        self.assertEqual(set(partners.mapped("coka_source")), {"import"})
        self.assertEqual(set(partners.mapped("user_id")), set(self.staff))
        self.assertEqual(partners.mapped("commercial_partner_id"), partners)
        self.assertEqual(partners[0].coka_phone_e164, "+84912000300")
        self.assertEqual(partners[0].phone, "0912 000 300")

    def test_precomputed_fields_are_odoos(self):
        """What the import gives of Odoo's stored computes before the INSERT (complete name,
        commercial company name, shared flag, normalised e-mail, sanitised number) is what
        Odoo computes for a contact created by hand with the same values, with the company
        in Vietnam and with no country; no new record is built for it, and the resized
        images and the commercial entity are Odoo's too."""
        rows = [
            ("  Khách Một  ", "0912 000 401", " Khach.Mot@Example.VN ", "01/01/1990", ""),
            ("Khách Hai", "+84 912 000 402", "", "01/01/1990", ""),
            ("Khách Ba", "84912000403", "ba <BA@example.vn>", "01/01/1990", ""),
            ("Khách Năm", "+1 650 253 0000", "", "01/01/1990", ""),
        ]
        names = ("complete_name", "commercial_company_name", "partner_share", "email_normalized")
        names += ("phone_sanitized", "image_128", "image_1024")
        Partner = type(self.env["res.partner"])
        new, made = Partner.new, []

        def counted(partner, *args, **kwargs):
            made.append(partner._name)
            return new(partner, *args, **kwargs)

        sanitized, by_hand = {}, self.env["res.partner"]
        for country in (self.env.ref("base.vn"), self.env["res.country"]):
            self.env.company.country_id = country
            (self._imported() | by_hand).unlink()  # the same numbers again
            with patch.object(Partner, "new", counted):
                wizard = self._import(_xlsx(rows))
            self.assertEqual(wizard.created_count, 4, wizard.job_id.error)
            self.assertNotIn("res.partner", made, "no new record per row for the precompute")
            imported = self._imported().sorted("id")
            by_hand = self.env["res.partner"].create(
                [
                    {"name": p.name, "phone": p.phone, "email": p.email, "user_id": False}
                    for p in imported
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            for partner, other in zip(imported, by_hand, strict=True):
                for name in names:
                    self.assertEqual(partner[name], other[name], (country.code, name))
                self.assertEqual(partner.commercial_partner_id, partner)
            sanitized[country.code] = imported.mapped("phone_sanitized")
            self.assertEqual(
                imported.mapped("complete_name"),
                ["Khách Một", "Khách Hai", "Khách Ba", "Khách Năm"],
            )
            self.assertEqual(imported[0].email_normalized, "khach.mot@example.vn")
            self.assertEqual(set(imported.mapped("partner_share")), {True})
        numbers = [f"+8491200040{n}" for n in (1, 2, 3)]
        self.assertEqual(sanitized["VN"], [*numbers, "+16502530000"])
        self.assertEqual(sanitized[False], [False, False, False, "+16502530000"])

    def test_entity_in_the_insert_no_update(self):
        """The commercial entity of the imported contacts is written by their INSERT (ids
        reserved from the table's sequence): no UPDATE of res_partner follows; a contact of
        a company created in the same batch by the import's create keeps the company as
        its entity, and a company is its own."""
        rows = [(f"Khách {n}", f"09120005{n:02d}", "", "01/01/1990", "") for n in range(5)]
        Cursor = type(self.env.cr)
        execute, statements = Cursor.execute, []

        def recorded(cr, query, params=None, log_exceptions=True):
            code = getattr(query, "code", query)
            if code.lstrip().startswith('INSERT INTO "res_partner"'):
                execute(cr, "SHOW enable_seqscan")
                code += f" -- enable_seqscan {cr.fetchone()[0]}"
            statements.append(code)
            return execute(cr, query, params, log_exceptions)

        with patch(f"{JOB}.BATCH_SIZE", 2), patch.object(Cursor, "execute", recorded):
            wizard = self._import(_xlsx(rows))
        self.assertEqual(wizard.created_count, 5, wizard.job_id.error)
        inserts = [s for s in statements if s.lstrip().startswith('INSERT INTO "res_partner"')]
        self.assertEqual(len(inserts), 3, "one INSERT a batch of two rows")
        # Sequential scans are off for the INSERT (the entity's foreign key check), and only
        # for it.
        self.assertTrue(all(s.endswith("enable_seqscan off") for s in inserts), inserts)
        self.env.cr.execute("SHOW enable_seqscan")
        self.assertEqual(self.env.cr.fetchone()[0], "on")
        self.assertFalse(
            [s for s in statements if s.lstrip().startswith('UPDATE "res_partner"')],
            "no UPDATE of the new contacts",
        )
        self.env.invalidate_all()
        partners = self._imported()
        self.assertEqual(len(partners), 5)
        for partner in partners:
            self.assertEqual(partner.commercial_partner_id, partner)
        self.env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE id = ANY(%s) AND commercial_partner_id = id",
            [partners.ids],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 5, "stored, not only in the cache")
        # The import's create with a contact of a company (not one of its own rows).
        company = self.env["res.partner"].create({"name": "Công ty A", "is_company": True})
        creator = self.env["res.partner"].with_context(coka_import_defaults={})
        created = creator.create(
            [
                {"name": "Nhân viên A", "parent_id": company.id},
                {"name": "Công ty B", "is_company": True},
                {"name": "Khách lẻ"},
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(created.mapped("commercial_partner_id"), company | created[1:])
        self.assertEqual(created[0].commercial_company_name, "Công ty A")

    def test_bulk_create_is_odoos_create(self):
        """The import's INSERT with the cache filled a field at a time for the batch
        (``_coka_import_bulk_create``) leaves what Odoo's ``_create`` leaves: for every field
        of every new contact the same value in the cache (or none), the same fields to
        compute and the same rows in the table, with rows that give different fields (no
        e-mail, no rank) and a salesperson or none."""
        rows = [
            ("Khách Một", "0912 000 601", "mot@example.vn", "01/01/1990", "Vàng"),
            ("Khách Hai", "0912 000 602", "", "02/01/1990", ""),
            ("Khách Ba", "0912 000 603", "", "03/01/1990", "Bạc"),
        ]
        Partner = type(self.env["res.partner"])
        create, bulk_create = Partner._create, Partner._coka_import_bulk_create
        seen, bulk_calls = {}, []

        def snapshot(partner, data_list):
            records = create(partner, data_list)
            cache, tocompute = self.env.cache, self.env.transaction.tocompute
            position = {record_id: n for n, record_id in enumerate(records.ids)}

            def by_position(field, value):
                if field.name != "id" and getattr(field, "comodel_name", None) != "res.partner":
                    return value
                if isinstance(value, tuple):
                    return tuple(position.get(v, v) for v in value)
                return position.get(value, value) if isinstance(value, int) else value

            cached = records.with_context(bin_size=False)
            seen["cache"] = {
                (field.name, n): by_position(field, cache.get(record, field, "not cached"))
                for field in records._fields.values()
                for n, record in enumerate(cached)
            }
            seen["tocompute"] = {
                field.name: sorted(position[i] for i in ids if i in position)
                for field, ids in tocompute.items()
            }
            return records

        def counted(partner, data_list):
            bulk_calls.append(len(data_list))
            return bulk_create(partner, data_list)

        results = {}
        for bulk in (True, False):
            self._imported().unlink()  # the same numbers again
            with (
                # Defaults such as the calendar's last notification are the time of the create.
                freeze_time("2026-12-01 09:00:00"),
                patch.object(Partner, "_create", snapshot),
                patch.object(Partner, "_coka_import_bulk_create", counted),
                patch.object(Partner, "_coka_import_bulk_create_ok", return_value=bulk),
            ):
                wizard = self._import(_xlsx(rows))
            self.assertEqual(wizard.created_count, 3, wizard.job_id.error)
            imported = self._imported().sorted("id")
            self.env.cr.execute(
                """SELECT to_jsonb(p) - 'id' - 'commercial_partner_id' - 'create_date'
                          - 'write_date', commercial_partner_id = id
                     FROM res_partner p WHERE id = ANY(%s) ORDER BY id""",
                [imported.ids],
            )
            results[bulk] = (seen.pop("cache"), seen.pop("tocompute"), self.env.cr.fetchall())
        self.assertEqual(bulk_calls, [3], "the bulk path ran for the first import only")
        odoo_cache, odoo_tocompute, odoo_rows = results[False]
        bulk_cache, bulk_tocompute, bulk_rows = results[True]
        self.assertEqual(len(odoo_cache), len(bulk_cache))
        for key, value in odoo_cache.items():
            self.assertEqual(bulk_cache[key], value, key)
        self.assertEqual(bulk_tocompute, odoo_tocompute)
        self.assertEqual(bulk_rows, odoo_rows)
        self.assertEqual(bulk_cache["email", 0], "mot@example.vn")
        self.assertIsNone(bulk_cache["email", 1], "not given: empty in the cache")
        self.assertEqual(bulk_cache["coka_lead_count", 0], "not cached", "a computed field")

    def test_overridden_complete_name_is_left_to_odoo(self):
        """A module that overrides how the complete name is made gets its own at the import
        too: the recompute the import drops is only that of base's methods."""
        Partner = type(self.env["res.partner"])

        def marked(partner):
            return f"{partner.name} (VIP)"

        rows = [("Khách Bốn", "0912 000 404", "", "01/01/1990", "")]
        with patch.object(Partner, "_get_complete_name", marked):
            wizard = self._import(_xlsx(rows))
            self.assertEqual(wizard.created_count, 1, wizard.job_id.error)
            self.env.invalidate_all()
            self.assertEqual(self._imported().complete_name, "Khách Bốn (VIP)")

    def test_update_or_skip_known_numbers(self):
        known = self.env["res.partner"].create(
            {"name": "Khách cũ", "mobile": "0912 000 001", "user_id": self.agent.id}
        )
        rows = [("Khách mới", "+84 912 000 001", "moi@example.vn", "01/01/1990", "Bạc")]
        rows.append(("Khách hai", "0912000002", "", "1990-01-02", ""))
        wizard = self._import(_xlsx(rows))
        self.assertEqual((wizard.created_count, wizard.skipped_count), (1, 1))
        self.assertEqual(known.name, "Khách cũ")
        wizard = self._import(_xlsx(rows), on_duplicate="update")
        self.assertEqual((wizard.created_count, wizard.updated_count), (0, 2))
        self.assertEqual(known.name, "Khách mới")
        self.assertEqual(known.email, "moi@example.vn")
        self.assertEqual(known[self.birthday_field], date(1990, 1, 1))
        self.assertEqual(known.user_id, self.agent, "an update keeps the contact's owner")
        self.assertEqual(known.coka_source, "system")

    def test_one_staff_member_and_csv(self):
        data = (
            "\ufeffHọ tên;SĐT;Ngày sinh;Nhân viên phụ trách\n"
            "An;0912 000 011;24/03/1990;\n"
            "Bình;0912000012;1990-03-25;ci_staff_3\n"
        ).encode()
        wizard = self._wizard(data, "contacts.csv")
        self.assertEqual(
            wizard.line_ids.mapped("field_name"), ["name", "phone", self.birthday_field, "user_id"]
        )
        wizard.write({"allocation": "single", "user_id": self.staff[0].id})
        wizard.action_import()
        self.assertEqual(wizard.created_count, 2)
        owners = {partner.name: partner.user_id for partner in self._imported()}
        self.assertEqual(owners, {"An": self.staff[0], "Bình": self.staff[2]})

    def test_file_level_errors_import_nothing(self):
        with self.assertRaisesRegex(UserError, "neither an Excel workbook"):
            self._wizard("tên".encode("utf-16"), "contacts.csv")
        with self.assertRaisesRegex(UserError, "not an Excel workbook"):
            self._wizard(b"PK\x03\x04 broken", "contacts.xlsx")
        with self.assertRaisesRegex(UserError, "empty"):
            self._wizard(b"", "contacts.csv")
        no_phone = _xlsx([("An", "a@example.vn", "01/01/1990")], ("Tên", "Email", "Ngày sinh"))
        with self.assertRaisesRegex(UserError, "No column is mapped to Phone"):
            self._import(no_phone)
        no_birthday = _xlsx([("An", "0912000021")], ("Tên", "SĐT"))
        with self.assertRaisesRegex(UserError, "required field: Ngày sinh"):
            self._import(no_birthday)
        wizard = self._wizard(_xlsx([("An", "0912000022", "", "01/01/1990", "")]))
        wizard.line_ids.filtered(lambda line: line.header == "Email").field_name = "name"
        with self.assertRaisesRegex(UserError, "Two columns"):
            wizard.action_import()
        self.assertFalse(self._imported())
        self.assertFalse(self.env["coka.contact.import.job"].search([]))

    def test_big_file_runs_in_the_background_and_notifies(self):
        rows = [(f"Khách {n}", f"09120001{n:02d}", "", "01/01/1990", "") for n in range(7)]
        rows[3] = ("Khách lỗi", "999", "", "01/01/1990", "")
        cron = self.env.ref("coka_crm_leads.ir_cron_coka_contact_import")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        with patch(f"{WIZARD}.BACKGROUND_ROWS", 5):
            wizard = self._import(_xlsx(rows))
        job = wizard.job_id
        self.assertTrue(job.background)
        self.assertEqual(job.state, "queued")
        self.assertFalse(self._imported(), "nothing is imported before the cron runs")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )
        Users = type(self.env["res.users"])
        with (
            patch(f"{JOB}.BATCH_SIZE", 2),
            patch.object(Users, "_bus_send", autospec=True) as bus_send,
        ):
            cron.method_direct_trigger()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.progress, 100.0)
        self.assertEqual((job.created_count, job.rejected_count), (6, 1))
        self.assertEqual(_report(job)[0][0], 5)
        self.assertEqual(len(self._imported()), 6)
        bus_send.assert_called_once()
        user, kind, payload = bus_send.call_args.args
        self.assertEqual((user, kind), (self.manager, "simple_notification"))
        self.assertIn("6 created", payload["message"])
        message = job.message_ids[0]
        self.assertIn("6 created", message.body)
        self.assertIn(self.manager.partner_id, message.notified_partner_ids)
        # The manager sees his import and its progress; the counts are on the wizard too.
        self.assertEqual(wizard.created_count, 6)
        self.assertEqual(job.with_user(self.manager).progress, 100.0)

    def test_interrupted_job_resumes_after_its_last_written_row(self):
        rows = [(f"Khách {n}", f"09120002{n:02d}", "", "01/01/1990", "") for n in range(6)]
        with patch(f"{WIZARD}.BACKGROUND_ROWS", 3):
            job = self._import(_xlsx(rows)).job_id
        # An earlier pass wrote the rows 2..4 (3 contacts) and committed, then stopped.
        job.write({"state": "running", "processed_row": 4, "created_count": 3})
        with patch.object(type(self.env["res.users"]), "_bus_send", autospec=True):
            self.env["coka.contact.import.job"]._cron_coka_process()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.created_count, 6)
        self.assertEqual(sorted(self._imported().mapped("name")), ["Khách 3", "Khách 4", "Khách 5"])

    def test_agents_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["coka.contact.import"].with_user(self.agent).create({"filename": "x.csv"})
        with self.assertRaises(AccessError):
            self.env["coka.contact.import.job"].with_user(self.agent).search([])
        menu = self.env.ref("coka_crm_leads.coka_contact_import_menu")
        visible = self.env["ir.ui.menu"].with_user(self.agent)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids())

    def test_template_has_standard_and_custom_headers(self):
        data = self.env["coka.contact.import.job"].with_user(self.manager)._coka_template()
        headers = next(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
        self.assertIn("Phone", headers)
        self.assertIn("Ngày sinh", headers)
        self.assertIn("Hạng", headers)
        # Read back, the template maps every column.
        wizard = self._wizard(data)
        self.assertTrue(all(wizard.line_ids.mapped("field_name")))
