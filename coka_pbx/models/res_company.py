from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    coka_auto_register_callers = fields.Boolean(
        string="Auto-register Unknown Callers",
        default=True,
        help="An inbound call from a number that matches no contact creates the contact.",
    )
    coka_hotline_ids = fields.One2many("coka.pbx.hotline", "company_id", string="Hotlines")

    def _coka_default_hotline(self):
        """Return the company's default hotline (or its first active one).

        :return: a ``coka.pbx.hotline`` record, possibly empty
        """
        self.ensure_one()
        hotlines = self.env["coka.pbx.hotline"].search(
            [("company_id", "=", self.id)], order="is_default desc, sequence, id", limit=1
        )
        return hotlines
