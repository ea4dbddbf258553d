from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    coka_assign_last_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned Agent",
        compute="_compute_coka_assign_last_user_id",
        help="Round-robin pointer of the instant lead assignment: the next lead goes to the "
        "next eligible agent after this one.",
    )

    def _compute_coka_assign_last_user_id(self):
        # The pointer lives in coka.lead.rotation, never in the team's row (see there).
        rows = self.env["coka.lead.rotation"].sudo().search([("team_ref", "in", self.ids)])
        pointers = {row.team_ref: row.last_user_ref for row in rows}
        for team in self:
            team.coka_assign_last_user_id = self.env["res.users"].browse(
                pointers.get(team.id) or []
            )

    def _get_lead_to_assign_domain(self):
        """Odoo's periodic assignment leaves alone the leads of the instant assignment (tag
        Assign): they were assigned at creation, or stay for a manager when nobody was ON."""
        domain = super()._get_lead_to_assign_domain()
        tag = self.env.ref("coka_crm_leads.crm_tag_assign", raise_if_not_found=False)
        if tag:
            domain = [*domain, ("tag_ids", "not in", tag.ids)]
        return domain
