from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import phone


class CokaPbxHotline(models.Model):
    """A hotline ("đầu số") of the company and its ring group (SPEC PBX-1)."""

    _name = "coka.pbx.hotline"
    _description = "Hotline"
    _order = "sequence, id"
    _rec_name = "display_number"

    sequence = fields.Integer(default=10)
    number = fields.Char(required=True, help="The number as it is written, e.g. 028 7300 1234.")
    number_e164 = fields.Char(
        string="E.164 Number", compute="_compute_number_e164", store=True, index=True
    )
    display_number = fields.Char(compute="_compute_number_e164", store=True)
    provider_id = fields.Many2one("coka.pbx.provider", ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    ring_member_ids = fields.One2many(
        "coka.pbx.ring.member", "hotline_id", string="Ring Group", copy=True
    )
    ring_strategy = fields.Selection(
        [
            ("ring_all", "Ring all"),
            ("sequential", "Sequential"),
            ("round_robin", "Round robin"),
            ("longest_idle", "Longest idle"),
        ],
        required=True,
        default="ring_all",
    )
    ring_timeout = fields.Integer(
        string="Ring Timeout (s)", default=20, help="Seconds each target rings."
    )
    too_long_minutes = fields.Integer(
        string="Too Long After (min)",
        default=10,
        help="Calls whose talk time is over this many minutes are flagged as too long.",
    )
    is_default = fields.Boolean(string="Default Hotline")
    extension_ids = fields.One2many("coka.pbx.extension", "hotline_id")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(number_e164, company_id)",
            "This hotline number already exists in the company.",
        ),
        ("ring_timeout_positive", "CHECK(ring_timeout > 0)", "The ring timeout must be positive."),
        (
            "too_long_minutes_positive",
            "CHECK(too_long_minutes >= 0)",
            "The 'too long' threshold cannot be negative.",
        ),
    ]

    @api.depends("number")
    def _compute_number_e164(self):
        for hotline in self:
            hotline.number_e164 = phone.to_e164(hotline.number)
            hotline.display_number = phone.to_display(hotline.number)

    @api.constrains("number")
    def _check_number(self):
        for hotline in self:
            if not hotline.number_e164:
                raise ValidationError(
                    self.env._(
                        "The hotline number %(number)s is not a valid phone number.",
                        number=hotline.number,
                    )
                )

    @api.constrains("is_default", "company_id", "active")
    def _check_one_default(self):
        companies = self.filtered("is_default").company_id
        if not companies:
            return
        counts = dict(
            self._read_group(
                [("is_default", "=", True), ("company_id", "in", companies.ids)],
                ["company_id"],
                ["__count"],
            )
        )
        for company, count in counts.items():
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The company %(company)s already has a default hotline.",
                        company=company.display_name,
                    )
                )
