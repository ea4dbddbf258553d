from datetime import date

from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user

from ..tools import contact_fields

CALL_CENTER = {"coka_call_center_contact": True}


@tagged("post_install", "-at_install")
class TestContactFields(TransactionCase):
    """Custom contact fields (SPEC CON-2): real res.partner fields, their views and rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["coka_crm_leads"], ["vi_VN"])
        cls.admin = new_test_user(cls.env, login="cf_admin", groups="base.group_system")
        cls.agent = new_test_user(cls.env, login="cf_agent", groups="coka_pbx.group_agent")
        cls.Field = cls.env["coka.contact.field"].with_user(cls.admin)

    def setUp(self):
        # Manual fields reload the registry: put it back as it was after each test.
        names = set(self.registry["res.partner"]._fields)
        self.addCleanup(lambda: self.assertEqual(set(self.registry["res.partner"]._fields), names))
        self.addCleanup(self.registry.reset_changes)
        self.addCleanup(self.registry.clear_all_caches)
        super().setUp()

    def _birthday_and_rank(self):
        birthday = self.Field.with_context(lang="vi_VN").create(
            {"name": "Ngày sinh", "field_type": "date", "required": True, "in_list": True}
        )
        rank = self.Field.create(
            {"name": "Hạng", "field_type": "selection", "selection_options": "Vàng\nBạc\n\nVàng"}
        )
        return birthday, rank

    def _arch(self, view_type, lang="en_US"):
        Partner = self.env["res.partner"].with_context(lang=lang)
        arch = Partner.get_views([(False, view_type)])["views"][view_type]["arch"]
        return etree.fromstring(arch)

    def test_slug_and_names(self):
        self.assertEqual(contact_fields.slug("Ngày sinh"), "ngay_sinh")
        self.assertEqual(contact_fields.slug("Đơn vị / Phòng ban"), "don_vi_phong_ban")
        self.assertEqual(contact_fields.slug("!!!"), "field")
        self.assertEqual(contact_fields.field_name("Hạng", {"x_coka_hang"}), "x_coka_hang_2")
        self.assertEqual(len(contact_fields.field_name("a" * 100, set())), 63)
        self.assertEqual(contact_fields.parse_options(" A \n\nB\nA\n"), ["A", "B"])
        self.assertEqual(
            contact_fields.option_values(["Bác", "Bạc", "Vàng"], {"Vàng": "gold"}),
            [("bac", "Bác"), ("bac_2", "Bạc"), ("gold", "Vàng")],
        )

    def test_a_field_is_a_real_stored_partner_field(self):
        birthday, rank = self._birthday_and_rank()
        self.assertEqual(birthday.field_id.name, "x_coka_ngay_sinh")
        self.assertEqual(birthday.technical_name, "x_coka_ngay_sinh")
        self.assertEqual(birthday.field_id.state, "manual")
        self.assertEqual(birthday.field_id.ttype, "date")
        self.assertTrue(birthday.field_id.store)
        # Not NOT NULL: the PBX and the existing contacts have no value.
        self.assertFalse(birthday.field_id.required)
        field = self.env["res.partner"]._fields["x_coka_ngay_sinh"]
        self.assertTrue(field.store)
        self.assertFalse(field.required)
        # The label is what the administrator typed, in every language.
        for lang in ("en_US", "vi_VN"):
            self.assertEqual(
                birthday.field_id.with_context(lang=lang).field_description, "Ngày sinh"
            )
        self.assertEqual(
            self.env["res.partner"]._fields["x_coka_hang"].get_values(self.env),
            ["vang", "bac"],
        )
        partner = self.env["res.partner"].create(
            {"name": "Lê Thị Hoa", "x_coka_ngay_sinh": "1990-04-30", "x_coka_hang": "vang"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT x_coka_ngay_sinh, x_coka_hang FROM res_partner WHERE id = %s", [partner.id]
        )
        self.assertEqual([str(value) for value in self.env.cr.fetchone()], ["1990-04-30", "vang"])
        # Without a value it saves too, outside the Call Center.
        self.assertTrue(self.env["res.partner"].create({"name": "Không ngày sinh"}))

    def test_form_list_and_search_views(self):
        birthday, rank = self._birthday_and_rank()
        form = self._arch("form")
        group = form.xpath("//group[@name='coka_contact_fields']")
        self.assertEqual(len(group), 1)
        self.assertEqual(group[0].get("string"), "Call Center")
        self.assertEqual(
            group[0].xpath(".//field[@name='x_coka_ngay_sinh']")[0].get("required"), "1"
        )
        self.assertFalse(group[0].xpath(".//field[@name='x_coka_hang']")[0].get("required"))
        listed = self._arch("list")
        self.assertTrue(listed.xpath("//field[@name='x_coka_ngay_sinh']"))
        self.assertFalse(listed.xpath("//field[@name='x_coka_hang']"))
        search = self._arch("search")
        self.assertTrue(search.xpath("//field[@name='x_coka_hang']"))
        self.assertTrue(search.xpath("//filter[@name='group_x_coka_hang']"))
        # One generated view per view type, not one per field.
        views = self.env["ir.ui.view"].search([("arch_db", "ilike", "x_coka_")])
        self.assertEqual(len(views), 3)
        # The group's title is translated; the labels are what the administrator typed.
        vietnamese = self._arch("form", lang="vi_VN")
        group = vietnamese.xpath("//group[@name='coka_contact_fields']")[0]
        self.assertEqual(group.get("string"), "Tổng đài")
        fields = self.env["res.partner"].with_context(lang="vi_VN").fields_get(["x_coka_hang"])
        self.assertEqual(fields["x_coka_hang"]["string"], "Hạng")
        self.assertEqual(fields["x_coka_hang"]["selection"], [("vang", "Vàng"), ("bac", "Bạc")])
        rank.in_list = True
        self.assertTrue(self._arch("list").xpath("//field[@name='x_coka_hang']"))

    def test_filter_group_and_export(self):
        birthday, rank = self._birthday_and_rank()
        Partner = self.env["res.partner"]
        gold = Partner.create(
            {"name": "An", "x_coka_hang": "vang", "x_coka_ngay_sinh": "1980-01-02"}
        )
        silver = Partner.create({"name": "Bình", "x_coka_hang": "bac"})
        Partner.create({"name": "Chi", "x_coka_hang": "vang"})
        self.assertEqual(Partner.search([("x_coka_ngay_sinh", "<", "1990-01-01")]), gold)
        self.assertEqual(Partner.search([("x_coka_hang", "=", "bac")]), silver)
        groups = Partner.read_group(
            [("x_coka_hang", "!=", False)], ["x_coka_hang"], ["x_coka_hang"]
        )
        self.assertEqual(
            {g["x_coka_hang"]: g["x_coka_hang_count"] for g in groups}, {"vang": 2, "bac": 1}
        )
        rows = gold.export_data(["name", "x_coka_hang", "x_coka_ngay_sinh"])["datas"]
        self.assertEqual(rows, [["An", "Vàng", date(1980, 1, 2)]])
        fields = Partner.fields_get(["x_coka_hang"])["x_coka_hang"]
        self.assertTrue(fields["searchable"] and fields["sortable"])

    def test_edit_label_required_list_and_options(self):
        birthday, rank = self._birthday_and_rank()
        partner = self.env["res.partner"].create({"name": "Dũng", "x_coka_hang": "bac"})
        other = self.env["res.partner"].create({"name": "Em", "x_coka_hang": "vang"})
        birthday.write({"name": "Sinh nhật", "required": False, "in_list": False})
        self.assertEqual(birthday.field_id.name, "x_coka_ngay_sinh")  # the name never changes
        for lang in ("en_US", "vi_VN"):
            self.assertEqual(
                birthday.field_id.with_context(lang=lang).field_description, "Sinh nhật"
            )
        self.assertFalse(
            self._arch("form").xpath("//field[@name='x_coka_ngay_sinh']")[0].get("required")
        )
        self.assertFalse(self._arch("list").xpath("//field[@name='x_coka_ngay_sinh']"))
        # Vàng kept (and its contacts), Bạc removed (emptied), Kim cương added.
        rank.selection_options = "Kim cương\nVàng"
        self.assertEqual(
            self.env["res.partner"]._fields["x_coka_hang"].get_values(self.env),
            ["kim_cuong", "vang"],
        )
        self.assertFalse(partner.x_coka_hang)
        self.assertEqual(other.x_coka_hang, "vang")
        with self.assertRaises(UserError):
            rank.field_type = "char"

    def test_delete_drops_the_field_and_its_data(self):
        birthday, rank = self._birthday_and_rank()
        field = birthday.field_id
        birthday.action_coka_delete()
        self.assertFalse(field.exists())
        self.assertNotIn("x_coka_ngay_sinh", self.env["res.partner"]._fields)
        self.env.cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'res_partner' "
            "AND column_name = 'x_coka_ngay_sinh'"
        )
        self.assertFalse(self.env.cr.fetchone())
        self.assertFalse(self._arch("form").xpath("//field[@name='x_coka_ngay_sinh']"))
        self.assertTrue(self._arch("form").xpath("//field[@name='x_coka_hang']"))
        rank.unlink()
        self.assertFalse(self._arch("form").xpath("//group[@name='coka_contact_fields']"))
        self.assertFalse(self.env.ref("coka_crm_leads.res_partner_view_form_contact_fields").active)

    def test_wrong_definitions_are_refused(self):
        with self.assertRaises(ValidationError):
            self.Field.create(
                {"name": "Hạng", "field_type": "selection", "selection_options": " \n"}
            )
        with self.assertRaises(ValidationError):
            self.Field.create({"name": "Đồng ý", "field_type": "boolean", "required": True})

    def test_agent_cannot_manage_fields(self):
        birthday, _rank = self._birthday_and_rank()
        Field = self.env["coka.contact.field"].with_user(self.agent)
        self.assertEqual(Field.search([]).mapped("name"), ["Ngày sinh", "Hạng"])
        with self.assertRaises(AccessError):
            Field.create({"name": "Nghề nghiệp", "field_type": "char"})
        with self.assertRaises(AccessError):
            birthday.with_user(self.agent).name = "Tuổi"
        with self.assertRaises(AccessError):
            birthday.with_user(self.agent).unlink()
        manager = new_test_user(self.env, login="cf_manager", groups="coka_pbx.group_manager")
        with self.assertRaises(AccessError):
            self.env["coka.contact.field"].with_user(manager).create(
                {"name": "X", "field_type": "char"}
            )

    def test_required_fields_checked_from_the_call_center_only(self):
        self._birthday_and_rank()
        user = new_test_user(
            self.env, login="cf_sales", groups="coka_pbx.group_agent,base.group_partner_manager"
        )
        team = self.env["crm.team"].create({"name": "Phòng CSKH"})
        required = {"mobile": "0905 222 333", "team_id": team.id, "user_id": user.id}
        Partner = self.env["res.partner"].with_user(user)
        with self.assertRaisesRegex(ValidationError, "Ngày sinh"):
            Partner.with_context(**CALL_CENTER).create({"name": "Giang", **required})
        partner = Partner.with_context(**CALL_CENTER).create(
            {
                "name": "Giang",
                "x_coka_ngay_sinh": "2000-01-01",
                **required,
                # Its address and a company typed by name are not checked.
                "child_ids": [(0, 0, {"name": "Nhà riêng", "type": "other"})],
            }
        )
        self.assertEqual(len(partner.child_ids), 1)
        self.assertTrue(Partner.with_context(**CALL_CENTER).name_create("Công ty Giang"))
        with self.assertRaises(ValidationError):
            partner.with_context(**CALL_CENTER).write({"x_coka_ngay_sinh": False})
        partner.with_context(**CALL_CENTER).write({"name": "Giang Lê"})
        # Elsewhere (the Contacts app, the PBX for unknown callers) nothing is required.
        self.assertTrue(Partner.create({"name": "Hà"}))
        company = self.env.company
        company.coka_auto_register_callers = True
        caller = self.env["coka.pbx.call"]._coka_find_or_register_partner(
            company, "+84905444555", "inbound"
        )
        self.assertTrue(caller)
        self.assertFalse(caller.x_coka_ngay_sinh)
