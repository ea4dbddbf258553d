import base64

from odoo import Command, fields, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools import spreadsheet

from ..models.coka_contact_import_job import BACKGROUND_ROWS, DUPLICATE_MODES
from ..tools import contact_import


class CokaContactImport(models.TransientModel):
    """Import contacts from an .xlsx or .csv file (SPEC CON-3).

    Step 1 reads the header row and proposes a field for each column (labels in English
    and Vietnamese, common aliases); step 2 sets the allocation and what to do with numbers
    already known, then imports: at once for a small file, in the background (a
    ``coka.contact.import.job`` processed by the cron) for a large one.
    """

    _name = "coka.contact.import"
    _description = "Import Contacts"

    state = fields.Selection(
        [("upload", "Upload"), ("map", "Mapping"), ("done", "Done")],
        default="upload",
        required=True,
    )
    file = fields.Binary(string="File (.xlsx or .csv)", attachment=False)
    filename = fields.Char()
    header_row = fields.Integer(default=1)
    headers = fields.Json()
    row_count = fields.Integer("Rows", readonly=True)
    line_ids = fields.One2many("coka.contact.import.line", "wizard_id", string="Columns")
    on_duplicate = fields.Selection(
        DUPLICATE_MODES,
        string="Number Already Known",
        default="skip",
        required=True,
        help="A row whose phone or mobile number is already a contact's.",
    )
    allocation = fields.Selection(
        [("single", "One staff member"), ("round_robin", "Round robin over staff")],
        default="single",
        required=True,
        help="Who receives the new contacts (a Salesperson column of the file comes first).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Staff Member",
        domain=[("share", "=", False)],
        default=lambda self: self.env.user,
    )
    staff_ids = fields.Many2many(
        "res.users",
        "coka_contact_import_staff_rel",
        "wizard_id",
        "user_id",
        domain=[("share", "=", False)],
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", help="For the new contacts without a team column."
    )
    job_id = fields.Many2one("coka.contact.import.job", readonly=True)
    job_state = fields.Selection(related="job_id.state", string="Import State")
    background = fields.Boolean(related="job_id.background")
    created_count = fields.Integer(related="job_id.created_count")
    updated_count = fields.Integer(related="job_id.updated_count")
    skipped_count = fields.Integer(related="job_id.skipped_count")
    rejected_count = fields.Integer(related="job_id.rejected_count")
    report_file = fields.Binary(related="job_id.report_file")
    report_filename = fields.Char(related="job_id.report_filename")

    def _coka_file_error(self, kind):
        env = self.env
        messages = {
            "empty": env._("The file is empty: fill in the template and upload it again."),
            "not_xlsx": env._("The file is not an Excel workbook (.xlsx)."),
            "not_csv": env._(
                "The file is neither an Excel workbook (.xlsx) nor a UTF-8 .csv file "
                "(comma or semicolon separated)."
            ),
            "too_large": env._(
                "The file is larger than %(size)s MB.",
                size=spreadsheet.MAX_BYTES // (1024 * 1024),
            ),
            "no_header": env._("The file has no header row: its first row names the columns."),
        }
        return UserError(messages[kind])

    def _coka_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Contacts"),
        }

    def _coka_read_header(self, data):
        """``(header row number, header texts, first data row, rows in the file)``."""
        try:
            rows = spreadsheet.read_table(data, self.filename)
            first = next(rows, None)
            sample = next(rows, None)
            size = spreadsheet.table_size(data, self.filename)
        except spreadsheet.ImportFileError as error:
            raise self._coka_file_error(error.kind) from None
        if first is None:
            raise self._coka_file_error("empty")
        number, cells = first
        headers = [spreadsheet.cell_text(cell) for cell in cells]
        if not any(headers):
            raise self._coka_file_error("no_header")
        return number, headers, (sample[1] if sample else ()), max(0, size - number)

    def action_read_file(self):
        """Step 1: read the header row, propose a field for each column."""
        self.ensure_one()
        data = base64.b64decode(self.file or b"")
        header_row, headers, sample, size = self._coka_read_header(data)
        proposed = self.env["coka.contact.import.job"]._coka_propose(headers)
        lines = [Command.clear()]
        for index, header in enumerate(headers):
            if not header:
                continue
            value = sample[index] if index < len(sample) else None
            lines.append(
                Command.create(
                    {
                        "column": index,
                        "header": header,
                        "sample": spreadsheet.cell_text(value)[:100],
                        "field_name": proposed[index],
                    }
                )
            )
        self.write(
            {
                "state": "map",
                "header_row": header_row,
                "headers": headers,
                "row_count": size,
                "line_ids": lines,
            }
        )
        return self._coka_reopen()

    def action_back(self):
        self.ensure_one()
        self.state = "upload"
        return self._coka_reopen()

    def _coka_mapping(self):
        """``{field: column}`` of the lines, checked: each field once, a name and a number
        column, every required custom field."""
        env = self.env
        specs = env["coka.contact.import.job"]._coka_import_fields()
        mapping = {}
        for line in self.line_ids.filtered("field_name"):
            if line.field_name in mapping:
                raise UserError(
                    env._(
                        "Two columns fill the field “%s”: keep one.",
                        specs[line.field_name]["label"],
                    )
                )
            mapping[line.field_name] = line.column
        if not mapping.keys() & set(contact_import.PHONE_FIELDS):
            raise UserError(
                env._(
                    "No column is mapped to %(phone)s or %(mobile)s: the contacts are "
                    "recognised by their number.",
                    phone=specs["phone"]["label"],
                    mobile=specs["mobile"]["label"],
                )
            )
        missing = [
            spec["label"]
            for name, spec in specs.items()
            if spec["required"] and name not in mapping
        ]
        if missing:
            raise UserError(env._("Map a column to each required field: %s", ", ".join(missing)))
        return mapping

    def _coka_staff(self):
        if self.allocation == "single":
            if not self.user_id:
                raise UserError(self.env._("Choose the staff member who receives the contacts."))
            return self.user_id
        if not self.staff_ids:
            raise UserError(self.env._("Choose the staff of the round robin."))
        return self.staff_ids

    def action_import(self):
        """Step 2: import at once, or queue the job of a large file."""
        self.ensure_one()
        mapping = self._coka_mapping()
        staff = self._coka_staff()
        size = self.row_count
        Job = self.env["coka.contact.import.job"]
        job = Job.create(
            {
                "name": self.filename or "contacts",
                "file": self.file,
                "header_row": self.header_row,
                "headers": self.headers,
                "mapping": mapping,
                "on_duplicate": self.on_duplicate,
                "staff_ids": [Command.set(staff.ids)],
                "team_id": self.team_id.id,
                "row_count": size,
                "background": size > BACKGROUND_ROWS,
            }
        )
        self.write({"job_id": job.id, "state": "done"})
        if job.background:
            self.env.ref("coka_crm_leads.ir_cron_coka_contact_import")._trigger()
        else:
            job._coka_run()
            if job.state == "failed":
                raise UserError(job.error)
        return self._coka_reopen()

    def action_open_job(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "coka.contact.import.job",
            "res_id": self.job_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_download_template(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/coka_crm_leads/contact_import/template",
            "target": "download",
        }
