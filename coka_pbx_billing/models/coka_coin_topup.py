from odoo import api, fields, models
from odoo.exceptions import UserError


class CokaCoinTopup(models.Model):
    """A company's request to add Coin to its wallet (SPEC BIL-2): asked by a company
    Administrator with the payment reference, confirmed by a Coin Operator."""

    _name = "coka.coin.topup"
    _description = "Coin Top-up"
    _inherit = ["mail.thread"]
    _order = "id desc"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    amount = fields.Integer(string="Amount (Coin)", required=True, tracking=True)
    payment_ref = fields.Char(string="Payment Reference", required=True)
    state = fields.Selection(
        [("requested", "Requested"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
        default="requested",
        required=True,
        tracking=True,
    )
    requested_by = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    confirmed_by = fields.Many2one("res.users", readonly=True)
    confirm_date = fields.Datetime(readonly=True)
    transaction_id = fields.Many2one("coka.coin.transaction", readonly=True)

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A top-up must be a positive amount of Coin."),
    ]

    @api.depends("company_id", "amount")
    def _compute_display_name(self):
        for topup in self:
            topup.display_name = f"{topup.company_id.name} +{topup.amount:,} Coin"

    def _coka_check_operator(self):
        if not self.env.user.has_group("coka_pbx_billing.group_coin_operator"):
            raise UserError(self.env._("Only a Coin Operator can confirm or reject a top-up."))
        if any(topup.state != "requested" for topup in self):
            raise UserError(self.env._("Only requested top-ups can be confirmed or rejected."))

    def action_confirm(self):
        """Credit the wallet (Coin Operators)."""
        self._coka_check_operator()
        for topup in self:
            wallet = topup.company_id.sudo()._coka_wallet()
            line = wallet._credit(topup.amount, "topup", topup.payment_ref)
            topup.sudo().write(
                {
                    "state": "confirmed",
                    "confirmed_by": self.env.user.id,
                    "confirm_date": fields.Datetime.now(),
                    "transaction_id": line.id,
                }
            )
        return True

    def action_reject(self):
        self._coka_check_operator()
        self.sudo().write({"state": "rejected"})
        return True
