from odoo import api, fields, models


class CokaLeadAssign(models.TransientModel):
    """Assign to (SPEC LEAD-3): a Manager gives the selected leads to an agent by hand."""

    _name = "coka.lead.assign"
    _description = "Assign Leads to an Agent"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        required=True,
        domain=lambda self: [("groups_id", "in", self.env.ref("coka_pbx.group_agent").ids)],
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "lead_ids" in fields_list and self.env.context.get("active_model") == "crm.lead":
            values["lead_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_assign(self):
        self.ensure_one()
        self.lead_ids._coka_assign_to(self.user_id)
        return self.lead_ids._coka_assignment_notification(
            self.env._(
                "%(count)s leads assigned to %(agent)s.",
                count=len(self.lead_ids),
                agent=self.user_id.name,
            ),
            "success",
        )
