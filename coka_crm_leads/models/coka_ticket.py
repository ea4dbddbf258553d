from odoo import api, fields, models


class CokaTicket(models.Model):
    """A ticket ("phiếu ghi") about a contact, a lead or a call (SPEC CON-5)."""

    _name = "coka.ticket"
    _description = "Ticket"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id desc"

    name = fields.Char(string="Subject", required=True, tracking=True)
    reference = fields.Char(readonly=True, copy=False, default="/")
    partner_id = fields.Many2one("res.partner", string="Contact", index=True, tracking=True)
    lead_id = fields.Many2one("crm.lead", index=True)
    call_id = fields.Many2one("coka.pbx.call", index=True)
    description = fields.Html()
    stage = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        group_expand=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Assignee", default=lambda self: self.env.user, tracking=True
    )
    priority = fields.Selection([("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("coka.ticket") or "/"
        return super().create(vals_list)

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.reference} {ticket.name or ''}".strip()
