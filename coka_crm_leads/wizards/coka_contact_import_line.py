from odoo import api, fields, models


class CokaContactImportLine(models.TransientModel):
    """One column of the uploaded file and the contact field it fills (SPEC CON-3)."""

    _name = "coka.contact.import.line"
    _description = "Contact Import Column"
    _order = "column"

    wizard_id = fields.Many2one("coka.contact.import", required=True, ondelete="cascade")
    column = fields.Integer("Column Index", readonly=True)
    header = fields.Char("Column", readonly=True)
    sample = fields.Char("First Value", readonly=True)
    field_name = fields.Selection(
        selection="_selection_field_name",
        string="Field",
        help="The contact field this column fills; empty: the column is not imported.",
    )

    @api.model
    def _selection_field_name(self):
        specs = self.env["coka.contact.import.job"]._coka_import_fields()
        return [(name, spec["label"]) for name, spec in specs.items()]
