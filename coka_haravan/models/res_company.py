from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    coka_haravan_shop = fields.Char(
        string="Haravan Shop", help="Shop domain, e.g. myshop.myharavan.com"
    )
    coka_haravan_token = fields.Char(
        string="Haravan Access Token", groups="base.group_system", copy=False
    )
