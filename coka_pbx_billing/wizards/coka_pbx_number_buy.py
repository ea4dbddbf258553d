from odoo import api, fields, models


class CokaPbxNumberBuy(models.TransientModel):
    """Buy a pool number: one-time price + monthly fee to the package end (SPEC BIL-8)."""

    _name = "coka.pbx.number.buy"
    _description = "Buy a Hotline Number"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    company_id = fields.Many2one(related="subscription_id.company_id")
    number_id = fields.Many2one(
        "coka.pbx.number",
        string="Hotline Number",
        required=True,
        domain=lambda self: self.env["coka.pbx.number"]._coka_buyable_domain(self.env.company.id),
    )
    number_type = fields.Selection(related="number_id.number_type")
    price = fields.Integer(related="number_id.price")
    monthly_fee = fields.Integer(related="number_id.monthly_fee")
    date_end = fields.Date(related="subscription_id.date_end", string="Package Ends On")
    cost = fields.Integer(string="Cost (Coin)", compute="_compute_cost")
    wallet_balance = fields.Integer(related="subscription_id.wallet_balance")

    @api.depends("subscription_id", "number_id")
    def _compute_cost(self):
        for wizard in self:
            if wizard.number_id and wizard.subscription_id.date_end:
                wizard.cost = wizard.number_id.sudo()._coka_purchase_cost(wizard.subscription_id)
            else:
                wizard.cost = 0

    def action_confirm(self):
        self.ensure_one()
        self.number_id._purchase(self.subscription_id)
        return True
