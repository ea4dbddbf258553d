import base64
import logging
import zoneinfo

from odoo import Command, api, fields, models, modules
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools import spreadsheet

from ..tools import contact_import
from .res_partner import IMPORT_DEFAULTS

_logger = logging.getLogger(__name__)

# Rows written per create() call, and per commit in the background.
BATCH_SIZE = 1000
# Files with more data rows than this run in the background (cron), smaller ones at once.
BACKGROUND_ROWS = 1000
# The standard contact fields the import fills (custom fields come from coka.contact.field).
STANDARD_FIELDS = (
    "name",
    "phone",
    "mobile",
    "email",
    "street",
    "city",
    "function",
    "comment",
    "coka_customer_type",
    "team_id",
    "user_id",
)
CUSTOM_KINDS = ("char", "text", "integer", "float", "date", "datetime", "boolean", "selection")
# What the partners' create() skips: chatter log, followers, tracking (one import, one job),
# and the sync with a parent company (imported contacts have none), as base_import's does.
CREATE_CONTEXT = {
    "_partners_skip_fields_sync": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "coka_call_center_contact": False,
}
DUPLICATE_MODES = [("skip", "Skip the row"), ("update", "Update the existing contact")]


def _empty_x2many(field, value):
    """Whether ``value`` of ``field`` leaves a new record's x2many empty: no command, or
    only "set to nothing" / "clear" commands."""
    if field.type not in ("one2many", "many2many"):
        return False
    return all(
        isinstance(command, list | tuple)
        and (command[0] == Command.CLEAR or (command[0] == Command.SET and not command[2]))
        for command in value or ()
    )


class CokaContactImportJob(models.Model):
    """One contact import (SPEC CON-3): the file, its mapping and allocation, progress,
    counts and the report of rejected rows.

    The wizard ``coka.contact.import`` creates it and runs it at once for a small file; a
    larger one is processed by the cron ``ir_cron_coka_contact_import`` in batches of
    :data:`BATCH_SIZE` rows, committed one by one: a job stopped halfway resumes after its
    last committed row (``processed_row``). Every row is checked on each pass (the numbers
    seen in the file and the rejections are rebuilt), only the rows after the resume point
    are written.
    """

    _name = "coka.contact.import.job"
    _description = "Contact Import"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char("File Name", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Imported By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "In Progress"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    background = fields.Boolean(readonly=True, help="Processed by the scheduler.")
    file = fields.Binary(attachment=True, readonly=True)
    header_row = fields.Integer(default=1, readonly=True)
    headers = fields.Json(readonly=True)
    mapping = fields.Json(readonly=True, help="Field name → column index (from 0).")
    on_duplicate = fields.Selection(
        DUPLICATE_MODES, string="Existing Number", default="skip", required=True, readonly=True
    )
    staff_ids = fields.Many2many(
        "res.users",
        "coka_contact_import_job_staff_rel",
        "job_id",
        "user_id",
        readonly=True,
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    pointer = fields.Integer(readonly=True, help="The staff member given the last contact.")
    row_count = fields.Integer("Rows", readonly=True)
    processed_row = fields.Integer(readonly=True, help="Last row of the file written.")
    processed_count = fields.Integer("Rows Processed", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    created_count = fields.Integer("Created", readonly=True)
    updated_count = fields.Integer("Updated", readonly=True)
    skipped_count = fields.Integer("Skipped", readonly=True)
    rejected_count = fields.Integer("Rejected", readonly=True)
    report_file = fields.Binary("Report", attachment=True, readonly=True)
    report_filename = fields.Char(readonly=True)
    error = fields.Text(readonly=True)

    @api.depends("processed_count", "row_count", "state")
    def _compute_progress(self):
        for job in self:
            if job.state == "done":
                job.progress = 100.0
            elif job.row_count:
                job.progress = min(100.0, 100.0 * job.processed_count / job.row_count)
            else:
                job.progress = 0.0

    # The fields of the import ---------------------------------------------------------------

    @api.model
    def _coka_import_fields(self):
        """The contact fields a column can fill: ``{name: {"label", "kind", "required",
        "options", "model"}}``, standard fields first, then the custom ones in their order."""
        Partner = self.env["res.partner"]
        specs = {}
        for name in STANDARD_FIELDS:
            odoo_field = Partner._fields[name]
            spec = {"label": odoo_field._description_string(self.env), "required": False}
            spec.update(kind="char", options=[], model=None)
            if name in contact_import.PHONE_FIELDS:
                spec["kind"] = "phone"
            elif odoo_field.type == "selection":
                spec["kind"] = "selection"
                spec["options"] = odoo_field._description_selection(self.env)
            elif odoo_field.type == "many2one":
                spec.update(kind="many2one", model=odoo_field.comodel_name)
            specs[name] = spec
        specs["name"]["required"] = True
        for record in self.env["coka.contact.field"].sudo().search([("field_id", "!=", False)]):
            odoo_name = record.field_id.name
            if odoo_name not in Partner._fields or record.field_type not in CUSTOM_KINDS:
                continue
            specs[odoo_name] = {
                "label": record.name,
                "kind": record.field_type,
                "required": record.required,
                "options": [
                    (option.value, option.name) for option in record.field_id.selection_ids
                ],
                "model": None,
            }
        return specs

    @api.model
    def _coka_field_labels(self, names):
        """Every label of these fields to match headers with: English, Vietnamese and the
        user's language (``ir.model.fields``' translated descriptions)."""
        languages = {"en_US", self.env.lang or "en_US"}
        if self.env["res.lang"]._lang_get("vi_VN"):
            languages.add("vi_VN")
        labels = {name: set() for name in names}
        Fields = self.env["ir.model.fields"].sudo()
        for lang in languages:
            rows = Fields.with_context(lang=lang).search_read(
                [("model", "=", "res.partner"), ("name", "in", list(names))],
                ["name", "field_description"],
            )
            for row in rows:
                labels[row["name"]].add(row["field_description"])
        return labels

    @api.model
    def _coka_propose(self, headers):
        specs = self._coka_import_fields()
        labels = self._coka_field_labels(list(specs))
        for name, spec in specs.items():
            labels[name].add(spec["label"])
        return contact_import.propose_mapping(headers, labels)

    @api.model
    def _coka_template(self):
        """The .xlsx to fill in: one header per field the import fills."""
        return spreadsheet.workbook(
            [spec["label"] for spec in self._coka_import_fields().values()], []
        )

    def _coka_records(self, model):
        """Normalised name (and login) → id of the records a many2one column may name."""
        records = {}
        languages = ["en_US"]
        if self.env["res.lang"]._lang_get("vi_VN"):
            languages.append("vi_VN")
        if model == "res.users":
            for row in (
                self.env["res.users"].sudo().search_read([("share", "=", False)], ["name", "login"])
            ):
                for text in (row["login"], row["name"]):
                    records.setdefault(contact_import.normalize(text), row["id"])
            return records
        for lang in languages:
            for row in self.env[model].sudo().with_context(lang=lang).search_read([], ["name"]):
                records.setdefault(contact_import.normalize(row["name"]), row["id"])
        return records

    def _coka_columns(self):
        self.ensure_one()
        specs = self._coka_import_fields()
        headers = self.headers or []
        columns = []
        for name, index in (self.mapping or {}).items():
            spec = specs.get(name)
            if not spec:
                continue  # a custom field deleted since
            columns.append(
                contact_import.Column(
                    index=index,
                    field=name,
                    header=headers[index] if index < len(headers) else spec["label"],
                    kind=spec["kind"],
                    required=spec["required"],
                    options=list(spec["options"]),
                    records=self._coka_records(spec["model"]) if spec["model"] else {},
                )
            )
        return columns

    # Running ------------------------------------------------------------------------------

    @api.model
    def _cron_coka_process(self):
        """Process the queued (or interrupted) background imports, committing each batch."""
        commit = not modules.module.current_test
        jobs = self.search([("state", "in", ("queued", "running")), ("background", "=", True)])
        for job in jobs.sorted("id"):
            job._coka_run(commit=commit)

    def _coka_run(self, commit=False):
        """Import the file; with ``commit``, commit after each batch (background only)."""
        self.ensure_one()
        self.state = "running"
        self._coka_commit(commit)
        partners = self.env["res.partner"].with_user(self.user_id).with_context(**self._coka_lang())
        checker = contact_import.RowChecker(self._coka_columns())
        # Read once: the cache is emptied after each batch.
        staff_ids = self.staff_ids.ids
        timezone = self._coka_timezone()
        rejections, rejected_rows, seen_rows, batch = [], 0, 0, []
        resume_after = self.processed_row
        data = base64.b64decode(self.file or b"")
        try:
            rows = spreadsheet.read_table(data, self.name, min_row=self.header_row + 1)
            for number, cells in rows:
                seen_rows += 1
                values, keys, problems = checker.check(number, cells)
                if problems:
                    rejected_rows += 1
                    rejections.extend((number, *problem) for problem in problems)
                    continue
                if number <= resume_after:
                    continue  # written by an earlier, interrupted pass
                batch.append((number, self._coka_to_utc(values, timezone), keys))
                if len(batch) >= BATCH_SIZE:
                    self._coka_write_batch(partners, batch, seen_rows, staff_ids)
                    batch = []
                    self._coka_commit(commit)
            self._coka_write_batch(partners, batch, seen_rows, staff_ids)
        except spreadsheet.ImportFileError as error:
            self._coka_fail(self.env._("The file cannot be read (%s).", error.kind), commit)
            return
        except UserError as error:
            self._coka_fail(str(error), commit)
            return
        self._coka_finish(rejections, rejected_rows)
        self._coka_commit(commit)

    def _coka_commit(self, commit):
        if commit:
            # Background only: each batch is kept, a stopped job resumes after it.
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _coka_lang(self):
        return {"lang": self.user_id.lang or self.env.lang}

    def _coka_timezone(self):
        try:
            return zoneinfo.ZoneInfo(self.user_id.tz or "Asia/Ho_Chi_Minh")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def _coka_to_utc(self, values, timezone):
        """Date-times of the file are in the user's time zone; Odoo stores UTC."""
        utc = zoneinfo.ZoneInfo("UTC")
        for name, value in values.items():
            if hasattr(value, "hour") and hasattr(value, "tzinfo"):
                moment = value.replace(tzinfo=timezone).astimezone(utc)
                values[name] = moment.replace(tzinfo=None)
        return values

    def _coka_write_batch(self, partners, batch, seen_rows, staff_ids):
        """Create or update the contacts of one batch: one lookup of all its numbers, one
        create() of the new contacts, allocated in turn over the staff (``staff_ids``, the
        job's)."""
        counts = {"created": 0, "updated": 0, "skipped": 0}
        pointer = self.pointer
        if batch:
            owners = partners._coka_phone_owners(
                {key for *_rest, keys in batch for key in keys.values()}
            )
            creates, updates = [], []
            for _number, values, keys in batch:
                owner = next((owners[key] for key in keys.values() if key in owners), None)
                if not owner:
                    creates.append(values)
                elif self.on_duplicate == "update":
                    updates.append((owner, values))
                else:
                    counts["skipped"] += 1
            unallocated = [values for values in creates if not values.get("user_id")]
            picks, pointer = contact_import.allocate(
                len(unallocated), staff_ids, self.pointer or None
            )
            for values, pick in zip(unallocated, picks, strict=True):
                values["user_id"] = pick
            for values in creates:
                values["coka_source"] = "import"
                # No staff: no salesperson, as res.partner's precompute would find (the
                # contact has no parent); given, the precompute is skipped for the batch.
                values.setdefault("user_id", False)
                if self.team_id and not values.get("team_id"):
                    values["team_id"] = self.team_id.id
            if creates:
                creator = partners.with_context(**CREATE_CONTEXT)
                # The defaults of a contact, read once for the batch (see res.partner's
                # _add_missing_default_values): they depend on the context, not on the row;
                # not with properties fields, whose defaults depend on the record's values.
                if not any(field.type == "properties" for field in partners._fields.values()):
                    defaults = creator._add_missing_default_values({})
                    # An empty set of tags (res.partner's default ``category_id``) is not
                    # written: a new contact has none, and create() would write the empty
                    # set of each contact of the batch.
                    defaults = {
                        name: value
                        for name, value in defaults.items()
                        if not _empty_x2many(partners._fields[name], value)
                    }
                    creator = creator.with_context(**{IMPORT_DEFAULTS: defaults})
                creator.create(creates)
            for owner, values in updates:
                partners.browse(owner).with_context(coka_call_center_contact=False).write(values)
            counts.update(created=len(creates), updated=len(updates))
        self.write(
            {
                "pointer": pointer or 0,
                "processed_row": batch[-1][0] if batch else self.processed_row,
                "processed_count": seen_rows,
                "created_count": self.created_count + counts["created"],
                "updated_count": self.updated_count + counts["updated"],
                "skipped_count": self.skipped_count + counts["skipped"],
            }
        )
        # Written: drop the batch's contacts from the cache, memory stays flat on big files.
        self.env.flush_all()
        self.env.invalidate_all()

    def _coka_reason(self, code, params):
        env = self.env
        texts = {
            "missing": env._("required value missing"),
            "no_phone": env._("no phone or mobile number"),
            "bad_phone": env._("not a valid phone number"),
            "duplicate": env._("same number as row %(row)s of the file", row=params.get("row")),
            "bad_integer": env._("not a whole number"),
            "bad_float": env._("not a number"),
            "bad_date": env._("not a date (dd/mm/yyyy or yyyy-mm-dd)"),
            "bad_datetime": env._("not a date and time (dd/mm/yyyy hh:mm)"),
            "bad_boolean": env._("not yes or no"),
            "bad_option": env._("not one of the options: %s", params.get("options", "")),
            "unknown_record": env._("no such record"),
        }
        return texts.get(code, code)

    def _coka_finish(self, rejections, rejected_rows):
        job = self.with_context(**self._coka_lang())
        values = {
            "state": "done",
            "rejected_count": rejected_rows,
            "processed_count": max(job.processed_count, job.row_count),
            "report_file": False,
            "report_filename": False,
        }
        if rejections:
            env = job.env
            headers = [env._("Row"), env._("Column"), env._("Value"), env._("Reason")]
            lines = (
                (row, column, value, job._coka_reason(code, params))
                for row, column, value, code, params in rejections
            )
            values["report_file"] = base64.b64encode(spreadsheet.workbook(headers, lines))
            values["report_filename"] = "contacts_import_report.xlsx"
        job.write(values)
        if job.background:
            job._coka_notify()

    def _coka_summary(self):
        return self.env._(
            "%(created)s created, %(updated)s updated, %(skipped)s skipped, %(rejected)s rejected.",
            created=self.created_count,
            updated=self.updated_count,
            skipped=self.skipped_count,
            rejected=self.rejected_count,
        )

    def _coka_notify(self):
        """The import is over: a note on the job for its user, and a live notification."""
        title = self.env._("Contact import %s done", self.name)
        summary = self._coka_summary()
        self.message_post(
            body=self.env._("%(title)s: %(summary)s", title=title, summary=summary),
            partner_ids=self.user_id.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.user_id._bus_send(
            "simple_notification",
            {"type": "success", "title": title, "message": summary, "sticky": True},
        )

    def _coka_fail(self, message, commit):
        if commit:
            self.env.cr.rollback()
        self.write({"state": "failed", "error": message})
        if self.background:
            self.message_post(body=message, partner_ids=self.user_id.partner_id.ids)
        self._coka_commit(commit)
