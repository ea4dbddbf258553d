from odoo import fields, models

DEFAULT_SEAT_MONTH_PRICE = 100000


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coka_seat_month_price = fields.Integer(
        string="Price per Seat-Month (Coin)",
        config_parameter="coka_pbx_billing.seat_month_price",
        default=DEFAULT_SEAT_MONTH_PRICE,
    )
