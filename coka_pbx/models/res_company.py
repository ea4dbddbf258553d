from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    coka_auto_register_callers = fields.Boolean(
        string="Auto-register Unknown Callers",
        default=True,
        help="An inbound call from a number that matches no contact creates the contact.",
    )
    coka_hotline_ids = fields.One2many("coka.pbx.hotline", "company_id", string="Hotlines")
    coka_review_user_id = fields.Many2one(
        "res.users",
        string="Reviewer of Too-long Calls",
        domain=lambda self: [("groups_id", "in", self.env.ref("coka_pbx.group_manager").id)],
        help="Gets an activity on each call whose talk time passes its hotline's limit.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._coka_ensure_default_hotline()
        return companies

    def _coka_ensure_default_hotline(self):
        """Give each company of ``self`` that has none its default hotline (SPEC PBX-1),
        without a number until the PBX provider assigns one. Called when a company is
        created and, for the companies that exist then, when the module is installed.

        :return: the hotlines created
        """
        Hotline = self.env["coka.pbx.hotline"].sudo().with_context(active_test=False)
        served = Hotline.search([("is_default", "=", True), ("company_id", "in", self.ids)])
        # sudo: whoever creates a company, its default hotline is part of it.
        return Hotline.create(
            [{"company_id": company.id, "is_default": True} for company in self - served.company_id]
        )

    def _coka_default_hotline(self):
        """Return the company's default hotline (or its first active one).

        :return: a ``coka.pbx.hotline`` record, possibly empty
        """
        self.ensure_one()
        hotlines = self.env["coka.pbx.hotline"].search(
            [("company_id", "=", self.id)], order="is_default desc, sequence, id", limit=1
        )
        return hotlines
