from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    coka_subscription_ids = fields.Many2many(
        "coka.pbx.subscription",
        "coka_pbx_subscription_member_rel",
        "user_id",
        "subscription_id",
        string="PBX Packages",
        groups="coka_pbx.group_admin,coka_pbx_billing.group_coin_operator",
        help="The PBX packages in which the user holds a seat.",
    )
