from odoo import api, fields, models
from odoo.exceptions import ValidationError

# A keyword's field path is read on the recipient's contact (``name``, ``parent_id.name``),
# with the prefix "record." on the record the message is sent from (a lead when CRM is
# installed, a call), with "user." on the sender.
RECORD_MODELS = ("crm.lead", "coka.pbx.call", "res.partner")


class CokaMessageTemplateKeyword(models.Model):
    """One ``{{keyword}}`` of a template: read from a field of the recipient or typed by the
    sender; for ZNS, the parameter's maximum length at Zalo (SPEC MSG-1)."""

    _name = "coka.message.template.keyword"
    _description = "Message Template Keyword"
    _order = "sequence, id"

    template_id = fields.Many2one("coka.message.template", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    keyword = fields.Char(required=True)
    source = fields.Selection(
        [("field", "Contact / lead field"), ("typed", "Typed by the sender")],
        required=True,
        default="typed",
    )
    field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="set null",
        domain=[("model", "in", ("res.partner", "crm.lead")), ("store", "=", True)],
        help="Pick a field of the contact or the lead: it fills in the field path.",
    )
    field_path = fields.Char(
        compute="_compute_field_path",
        store=True,
        readonly=False,
        help="The field read for each recipient: a field of his contact (name, mobile, "
        "parent_id.name), record.<field> on the record it is sent from (e.g. "
        "record.expected_revenue on a lead), user.<field> on the sender (user.name).",
    )
    max_length = fields.Integer(
        string="Maximum Length",
        help="Zalo ZNS: the parameter's maximum length (synced from Zalo). 0: no limit.",
    )

    _sql_constraints = [
        (
            "keyword_uniq",
            "unique(template_id, keyword)",
            "A keyword is listed once per template.",
        ),
    ]

    @api.depends("field_id")
    def _compute_field_path(self):
        for line in self:
            if line.field_id:
                prefix = "" if line.field_id.model == "res.partner" else "record."
                line.field_path = prefix + line.field_id.name

    @api.constrains("source", "field_path")
    def _check_field_path(self):
        for line in self:
            if line.source != "field":
                continue
            path = (line.field_path or "").strip()
            if not path or not self._coka_path_exists(path):
                raise ValidationError(
                    self.env._(
                        "The keyword %(keyword)s reads a field: give a field of the contact "
                        "(e.g. name, parent_id.name), record.<field> of the lead or call, "
                        "or user.name.",
                        keyword=line.keyword,
                    )
                )

    @api.model
    def _coka_path_exists(self, path):
        """Whether ``path`` names a field chain of a contact, (``record.``) of a lead or a
        call, or (``user.``) of a user."""
        names = path.split(".")
        if names[0] == "user":
            return self._coka_chain_exists("res.users", names[1:])
        if names[0] == "record":
            return any(
                model in self.env and self._coka_chain_exists(model, names[1:])
                for model in RECORD_MODELS
            )
        return self._coka_chain_exists("res.partner", names)

    @api.model
    def _coka_chain_exists(self, model, names):
        if not names:
            return False
        for name in names:
            field = self.env[model]._fields.get(name)
            if not field:
                return False
            model = field.comodel_name
            if name != names[-1] and not model:
                return False
        return True
