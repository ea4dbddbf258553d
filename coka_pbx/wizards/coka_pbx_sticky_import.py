import base64

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import sticky_import


class CokaPbxStickyImport(models.TransientModel):
    """Import a hotline's priority list from an .xlsx file (SPEC STK-5)."""

    _name = "coka.pbx.sticky.import"
    _description = "Import Sticky Rules"

    hotline_id = fields.Many2one("coka.pbx.hotline", required=True, ondelete="cascade")
    file = fields.Binary(string="File (.xlsx)", attachment=False)
    filename = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    report_file = fields.Binary(string="Rejected Rows", readonly=True, attachment=False)
    report_filename = fields.Char(readonly=True)

    def _coka_reason(self, code):
        env = self.env
        return {
            "missing": env._("phone number or extension missing"),
            "bad_phone": env._("not a valid phone number"),
            "unknown_extension": env._("no such extension in the company"),
            "duplicate": env._("number already in an earlier row of the file"),
        }[code]

    def _coka_file_error(self, kind):
        env = self.env
        messages = {
            "empty": env._("The file is empty: fill in the template and upload it again."),
            "not_xlsx": env._("The file is not an Excel workbook (.xlsx)."),
            "too_large": env._(
                "The file is larger than %(size)s MB.",
                size=sticky_import.MAX_BYTES // (1024 * 1024),
            ),
        }
        return UserError(messages[kind])

    @api.model
    def _coka_extension_ids(self, company):
        rows = self.env["coka.pbx.extension"].search_read(
            [("company_id", "=", company.id)], ["number"]
        )
        return {row["number"]: row["id"] for row in rows}

    def action_import(self):
        """Validate every row, keep every valid one, report the others."""
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        hotline = self.hotline_id
        try:
            rows = list(sticky_import.read_rows(data))
        except sticky_import.ImportFileError as error:
            raise self._coka_file_error(error.kind) from None
        if not rows:
            raise self._coka_file_error("empty")
        valid, rejected = sticky_import.validate(rows, self._coka_extension_ids(hotline.company_id))
        created, updated = self.env["coka.pbx.sticky.rule"]._coka_upsert(hotline, valid)
        values = {
            "state": "done",
            "created_count": created,
            "updated_count": updated,
            "rejected_count": len(rejected),
            "report_file": False,
            "report_filename": False,
        }
        if rejected:
            lines = [(row, value, self._coka_reason(code)) for row, value, code in rejected]
            values["report_file"] = base64.b64encode(sticky_import.report(lines))
            values["report_filename"] = "sticky_rules_rejected.xlsx"
        self.write(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
