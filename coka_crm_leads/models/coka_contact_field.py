from lxml import etree

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import contact_fields

FIELD_TYPES = [
    ("char", "Text"),
    ("text", "Long Text"),
    ("integer", "Integer"),
    ("float", "Decimal"),
    ("date", "Date"),
    ("datetime", "Date & Time"),
    ("boolean", "Yes/No"),
    ("selection", "Selection"),
]
# The generated views, one per view type, each holding every custom field (data, noupdate).
FORM_VIEW = "coka_crm_leads.res_partner_view_form_contact_fields"
LIST_VIEW = "coka_crm_leads.res_partner_view_list_contact_fields"
SEARCH_VIEW = "coka_crm_leads.res_partner_view_search_contact_fields"
GROUP_TITLE = "Call Center"
GROUPABLE = ("selection", "boolean", "date", "datetime", "char")


class CokaContactField(models.Model):
    """A custom field of the contacts, added by an administrator (SPEC CON-2).

    Each record owns one real stored field of ``res.partner`` (``ir.model.fields`` in state
    ``manual``, named ``x_coka_…``): Odoo adds the column, reloads its registry and signals
    the other workers itself, so the field is usable at once, without restart or upgrade.
    The three generated views (form group "Call Center", list, search) are rewritten after
    every change. ``required`` is not a database constraint (existing and PBX-created
    contacts have no value): the form asks for the field, and contacts created from the
    Call Center are checked on the server (``res.partner._coka_check_call_center_contact``).
    """

    _name = "coka.contact.field"
    _description = "Custom Contact Field"
    _order = "sequence, id"

    name = fields.Char("Label", required=True)
    field_type = fields.Selection(FIELD_TYPES, string="Type", required=True, default="char")
    selection_options = fields.Text("Options", help="The choices of a selection, one a line.")
    required = fields.Boolean(help="The contact form asks for a value.")
    in_list = fields.Boolean("Shown in List", help="A column of the contacts list.")
    sequence = fields.Integer(default=10)
    field_id = fields.Many2one("ir.model.fields", readonly=True, copy=False, ondelete="cascade")
    technical_name = fields.Char(related="field_id.name", string="Technical Name")

    _sql_constraints = [
        ("field_id_unique", "unique (field_id)", "A contact field owns its own Odoo field."),
    ]

    @api.constrains("field_type", "selection_options", "required")
    def _check_options(self):
        for record in self:
            if record.field_type == "selection" and not contact_fields.parse_options(
                record.selection_options
            ):
                raise ValidationError(
                    self.env._("The selection “%s” needs at least one option.", record.name)
                )
            if record.field_type == "boolean" and record.required:
                raise ValidationError(
                    self.env._(
                        "A yes/no field always has a value: “%s” cannot be required.", record.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            record.field_id = record._coka_create_field()
        records._coka_sync_views()
        return records

    def write(self, vals):
        if "field_type" in vals and any(r.field_type != vals["field_type"] for r in self):
            raise UserError(
                self.env._(
                    "The type of a contact field cannot change once created: delete it and "
                    "add a new one."
                )
            )
        result = super().write(vals)
        for record in self:
            if "name" in vals:
                record._coka_write_label()
            if "selection_options" in vals and record.field_type == "selection":
                record._coka_write_options()
        if {"name", "required", "in_list", "sequence", "selection_options"} & set(vals):
            self._coka_sync_views()
        return result

    def unlink(self):
        """Deleting a contact field drops its column: every contact loses its value."""
        odoo_fields = self.field_id
        result = super().unlink()
        # The views first: Odoo refuses to drop a field that a view still shows.
        self._coka_sync_views()
        odoo_fields.sudo().unlink()
        return result

    def action_coka_delete(self):
        """The Delete button (after its confirmation): back to the list, the page reloaded
        (the contacts' fields and views changed)."""
        self.unlink()
        action = self.env.ref("coka_crm_leads.coka_contact_field_action")
        return {"type": "ir.actions.client", "tag": "reload", "params": {"action_id": action.id}}

    # The Odoo field -----------------------------------------------------------------------

    def _coka_create_field(self):
        self.ensure_one()
        Fields = self.env["ir.model.fields"].sudo()
        taken = set(self.env["res.partner"]._fields)
        taken |= set(Fields.search([("model", "=", "res.partner")]).mapped("name"))
        values = {
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "name": contact_fields.field_name(self.name, taken),
            "field_description": self.name,
            "ttype": self.field_type,
            "state": "manual",
            "store": True,
            "required": False,
        }
        if self.field_type == "selection":
            pairs = contact_fields.option_values(
                contact_fields.parse_options(self.selection_options), {}
            )
            values["selection_ids"] = [
                Command.create({"value": value, "name": label, "sequence": index})
                for index, (value, label) in enumerate(pairs)
            ]
        field = Fields.create(values)
        self._coka_translate(field, "field_description", self.name)
        return field

    def _coka_translate(self, record, field_name, text):
        """The label is data typed by the administrator: the same in every language."""
        languages = [code for code, _name in self.env["res.lang"].get_installed()]
        record.update_field_translations(field_name, dict.fromkeys(languages, text))

    def _coka_write_label(self):
        self._coka_translate(self.field_id.sudo(), "field_description", self.name)

    def _coka_write_options(self):
        """Options kept keep their value; removed ones are emptied on the contacts (Odoo's
        own ``ondelete`` of a manual selection); new ones are added."""
        field = self.field_id.sudo()
        existing = {option.name: option.value for option in field.selection_ids}
        pairs = contact_fields.option_values(
            contact_fields.parse_options(self.selection_options), existing
        )
        kept = {value for value, _label in pairs}
        field.selection_ids.filtered(lambda option: option.value not in kept).unlink()
        by_value = {option.value: option for option in field.selection_ids}
        commands = []
        for index, (value, label) in enumerate(pairs):
            if value in by_value:
                commands.append(Command.update(by_value[value].id, {"sequence": index}))
            else:
                commands.append(Command.create({"value": value, "name": label, "sequence": index}))
        field.write({"selection_ids": commands})

    # The generated views ------------------------------------------------------------------

    @api.model
    def _coka_sync_views(self):
        """Rewrite the form, list and search views from every contact field (one view per
        view type, never a view per field); a view with nothing to show is archived."""
        records = self.sudo().search([("field_id", "!=", False)])
        arches = {
            FORM_VIEW: records._coka_form_arch(),
            LIST_VIEW: records.filtered("in_list")._coka_list_arch(),
            SEARCH_VIEW: records._coka_search_arch(),
        }
        for xml_id, arch in arches.items():
            view = self.env.ref(xml_id).sudo().with_context(lang="en_US")
            if arch is None:
                view.write({"active": False})
                continue
            view.write({"arch_db": arch, "active": True})
        # The group's title is the module's term, translated like any view term (the
        # labels are data: the same in every language).
        form = self.env.ref(FORM_VIEW).sudo()
        if form.active:
            languages = [code for code, _name in self.env["res.lang"].get_installed()]
            form.update_field_translations(
                "arch_db",
                {
                    code: {GROUP_TITLE: self.with_context(lang=code).env._("Call Center")}
                    for code in languages
                    if code != "en_US"
                },
            )

    def _coka_form_arch(self):
        if not self:
            return None
        root = etree.Element("data")
        xpath = etree.SubElement(root, "xpath", expr="//sheet/notebook", position="before")
        group = etree.SubElement(xpath, "group", name="coka_contact_fields", string=GROUP_TITLE)
        columns = [etree.SubElement(group, "group") for _index in range(2)]
        for index, record in enumerate(self):
            attributes = {"name": record.field_id.name}
            if record.required:
                attributes["required"] = "1"
            etree.SubElement(columns[index % 2], "field", attributes)
        return etree.tostring(root, encoding="unicode")

    def _coka_list_arch(self):
        if not self:
            return None
        root = etree.Element("data")
        xpath = etree.SubElement(root, "xpath", expr="//list", position="inside")
        for record in self:
            etree.SubElement(xpath, "field", name=record.field_id.name, optional="show")
        return etree.tostring(root, encoding="unicode")

    def _coka_search_arch(self):
        if not self:
            return None
        root = etree.Element("data")
        searched = etree.SubElement(root, "xpath", expr="//search", position="inside")
        grouped = etree.SubElement(
            root, "xpath", expr="//group[@name='group_by']", position="inside"
        )
        for record in self:
            name = record.field_id.name
            if record.field_type in ("char", "text", "selection"):
                etree.SubElement(searched, "field", name=name)
            if record.field_type in GROUPABLE:
                etree.SubElement(
                    grouped,
                    "filter",
                    name=f"group_{name}",
                    string=record.name,
                    context=repr({"group_by": name}),
                )
        return etree.tostring(root, encoding="unicode")
