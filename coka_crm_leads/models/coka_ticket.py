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
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], default="0", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("reference", "/") == "/":
                vals["reference"] = self.env["ir.sequence"].next_by_code("coka.ticket") or "/"
        tickets = super().create(vals_list)
        tickets._coka_log_on_contacts(self.env._("created"))
        return tickets

    def write(self, vals):
        result = super().write(vals)
        if vals.get("stage") in ("done", "cancelled"):
            stages = dict(self._fields["stage"]._description_selection(self.env))
            self._coka_log_on_contacts(stages[vals["stage"]])
        return result

    def _coka_log_on_contacts(self, what):
        """Log the tickets on their contacts' chatter, in one batch (SPEC CON-6)."""
        author = self.env.user.partner_id.id
        self.env["res.partner"]._coka_log_timeline(
            (
                ticket.partner_id.id,
                self.env._(
                    "Ticket %(ticket)s: %(what)s (assignee: %(user)s).",
                    ticket=ticket.display_name,
                    what=what,
                    user=ticket.user_id.name or self.env._("nobody"),
                ),
                author,
            )
            for ticket in self
            if ticket.partner_id
        )

    @api.onchange("call_id")
    def _onchange_call_id(self):
        """A ticket about a call is about its contact and lead (when not chosen yet)."""
        if self.call_id:
            self.partner_id = self.partner_id or self.call_id.partner_id
            self.lead_id = self.lead_id or self.call_id.lead_id

    @api.onchange("lead_id")
    def _onchange_lead_id(self):
        if self.lead_id and not self.partner_id:
            self.partner_id = self.lead_id.partner_id

    @api.depends("reference", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.reference} {ticket.name or ''}".strip()
