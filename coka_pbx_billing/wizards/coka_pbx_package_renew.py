from odoo import api, fields, models

from ..tools import pricing


class CokaPbxPackageRenew(models.TransientModel):
    """Renew the package: all seats while active, a chosen number once expired (BIL-6)."""

    _name = "coka.pbx.package.renew"
    _description = "Renew PBX Package"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    months = fields.Integer(required=True, default=1)
    running = fields.Boolean(compute="_compute_running")
    seats = fields.Integer(compute="_compute_seats", store=True, readonly=False)
    member_count = fields.Integer(related="subscription_id.member_count")
    number_fees = fields.Integer(
        string="Monthly Number Fees (Coin)", related="subscription_id.number_fees"
    )
    date_end = fields.Date(string="Ends On", compute="_compute_cost")
    cost = fields.Integer(string="Cost (Coin)", compute="_compute_cost")
    wallet_balance = fields.Integer(related="subscription_id.wallet_balance")

    @api.depends("subscription_id")
    def _compute_running(self):
        for wizard in self:
            subscription = wizard.subscription_id
            wizard.running = bool(subscription) and subscription._coka_is_running()

    @api.depends("subscription_id")
    def _compute_seats(self):
        for wizard in self:
            subscription = wizard.subscription_id
            wizard.seats = subscription._coka_renewal_seats() if subscription else 0

    @api.depends("subscription_id", "months", "seats", "running")
    def _compute_cost(self):
        for wizard in self:
            subscription = wizard.subscription_id
            months = max(wizard.months, 0)
            if not subscription:
                wizard.cost, wizard.date_end = 0, False
                continue
            wizard.cost = subscription._coka_renewal_cost(months, max(wizard.seats, 0))
            start = subscription.date_end if wizard.running else subscription._coka_today()
            wizard.date_end = pricing.package_end(start, months)

    def action_confirm(self):
        self.ensure_one()
        self.subscription_id._renew(self.months, None if self.running else self.seats)
        return True
