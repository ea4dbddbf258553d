from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coka_haravan_shop = fields.Char(related="company_id.coka_haravan_shop", readonly=False)
    coka_haravan_token = fields.Char(
        related="company_id.coka_haravan_token", readonly=False, groups="base.group_system"
    )
    coka_haravan_api_url = fields.Char(related="company_id.coka_haravan_api_url", readonly=False)

    def action_coka_haravan_test_connection(self):
        """Read one customer of the shop with the saved settings and say what is wrong:
        the token (401), its scopes (403), the shop's reachability, a timeout."""
        self.ensure_one()
        self.env["res.company"].check_access("write")
        company = self.company_id
        try:
            company._coka_haravan_client().test_connection()
        except ProviderError as error:
            raise UserError(company._coka_haravan_message(error)) from None
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Connection works"),
                "message": self.env._(
                    "Haravan accepted the access token and the customers can be read."
                ),
                "type": "success",
                "sticky": False,
            },
        }
