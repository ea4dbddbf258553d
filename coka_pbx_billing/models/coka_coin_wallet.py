from odoo import api, fields, models


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
