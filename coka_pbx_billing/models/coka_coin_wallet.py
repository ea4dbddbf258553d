from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError


class CokaCoinWallet(models.Model):
    """The prepaid Coin wallet of a company (SPEC BIL-1)."""

    _name = "coka.coin.wallet"
    _description = "Coin Wallet"
    _inherit = ["mail.thread"]
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", index=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Holder",
        compute="_compute_partner_id",
        store=True,
        help="The commercial partner of the company.",
    )
    balance = fields.Integer(string="Balance (Coin)", readonly=True, default=0)
    transaction_ids = fields.One2many("coka.coin.transaction", "wallet_id", string="Ledger")

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "A company has one Coin wallet."),
        ("balance_not_negative", "CHECK(balance >= 0)", "A Coin balance cannot be negative."),
    ]

    @api.depends("company_id.partner_id")
    def _compute_partner_id(self):
        for wallet in self:
            wallet.partner_id = wallet.company_id.partner_id.commercial_partner_id

    def _coka_lock(self):
        """Lock the wallet row until the transaction ends; :return: the current balance.

        Concurrent debits wait here one after the other (SPEC BIL-1, REL-2).
        """
        self.ensure_one()
        self.env.cr.execute(
            "SELECT balance FROM coka_coin_wallet WHERE id = %s FOR UPDATE", [self.id]
        )
        return self.env.cr.fetchone()[0]

    def _coka_move(self, amount, kind, ref):
        """Change the balance by ``amount`` and write the ledger line, the row locked."""
        self.env.cr.execute(
            "UPDATE coka_coin_wallet SET balance = balance + %s, write_date = now() at time zone "
            "'UTC', write_uid = %s WHERE id = %s RETURNING balance",
            [amount, self.env.uid, self.id],
        )
        balance = self.env.cr.fetchone()[0]
        self.invalidate_recordset(["balance"])
        return (
            self.env["coka.coin.transaction"]
            .sudo()
            .create(
                {
                    "wallet_id": self.id,
                    "amount": amount,
                    "kind": kind,
                    "reference": ref,
                    "balance_after": balance,
                }
            )
        )

    def _credit(self, amount, kind, ref):
        """Add Coin to the wallet. :return: the ledger line"""
        self.ensure_one()
        if not isinstance(amount, int) or amount <= 0:
            raise UserError(self.env._("A credit must be a positive whole number of Coin."))
        self._coka_lock()
        return self._coka_move(amount, kind, ref)

    def _debit(self, amount, kind, ref):
        """Take Coin from the wallet, or refuse with the missing amount (SPEC BIL-1, BIL-2).

        :return: the ledger line
        :raise RedirectWarning: not enough Coin, with a button to top up
        """
        self.ensure_one()
        if not isinstance(amount, int) or amount <= 0:
            raise UserError(self.env._("A debit must be a positive whole number of Coin."))
        balance = self._coka_lock()
        if balance < amount:
            cost, held, missing = (f"{value:,}" for value in (amount, balance, amount - balance))
            message = self.env._(
                "Not enough Coin: this costs %(cost)s Coin, the wallet has %(balance)s. "
                "Top up at least %(missing)s Coin.",
                cost=cost,
                balance=held,
                missing=missing,
            )
            action = self.env.ref(
                "coka_pbx_billing.coka_coin_topup_action", raise_if_not_found=False
            )
            if action:
                raise RedirectWarning(message, action.id, self.env._("Top up"))
            raise UserError(message)
        return self._coka_move(-amount, kind, ref)
