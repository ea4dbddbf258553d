from odoo import api, fields, models

from ..tools import render


class CokaMessageTemplate(models.Model):
    """An SMS or Zalo ZNS template with keywords (SPEC MSG-1)."""

    _name = "coka.message.template"
    _description = "Message Template"
    _inherit = ["mail.thread"]
    _order = "channel, name, id"

    name = fields.Char(required=True)
    channel = fields.Selection([("sms", "SMS"), ("zns", "Zalo ZNS")], required=True, default="sms")
    body = fields.Text(required=True, help="Text with keywords such as {{customer_name}}.")
    keyword_list = fields.Char(string="Keywords", compute="_compute_keyword_list")
    provider_id = fields.Many2one(
        "coka.message.provider",
        help="Empty: the company's active provider of the channel.",
    )
    provider_template_ref = fields.Char(
        string="Provider Template ID", help="Template id registered at Zalo for ZNS."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="draft",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    @api.depends("body")
    def _compute_keyword_list(self):
        for template in self:
            template.keyword_list = ", ".join(render.keywords(template.body))

    def action_submit(self):
        self.write({"state": "pending"})

    def action_approve(self):
        self.write({"state": "approved"})

    def action_reject(self):
        self.write({"state": "rejected"})

    def action_reset_draft(self):
        self.write({"state": "draft"})
