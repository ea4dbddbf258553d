from odoo import api, fields, models
from odoo.exceptions import UserError


class CokaCoinTransaction(models.Model):
    """One line of a wallet's immutable ledger (SPEC BIL-1, SEC-2)."""

    _name = "coka.coin.transaction"
    _description = "Coin Transaction"
    _order = "date desc, id desc"

    wallet_id = fields.Many2one("coka.coin.wallet", required=True, ondelete="restrict", index=True)
    company_id = fields.Many2one(related="wallet_id.company_id", store=True, index=True)
    amount = fields.Integer(required=True, help="Coin credited (positive) or debited (negative).")
    kind = fields.Selection(
        [
            ("topup", "Top-up"),
            ("purchase", "Purchase"),
            ("refund", "Refund"),
            ("adjustment", "Adjustment"),
        ],
        required=True,
    )
    reference = fields.Char()
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    balance_after = fields.Integer(readonly=True)

    def write(self, vals):
        if self:
            raise UserError(
                self.env._("Ledger lines cannot be changed: record a reversing line instead.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        raise UserError(
            self.env._("Ledger lines cannot be deleted: record a reversing line instead.")
        )
