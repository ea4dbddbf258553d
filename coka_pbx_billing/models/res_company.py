from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _coka_wallet(self):
        """Return the company's Coin wallet, creating it on first use.

        :return: one ``coka.coin.wallet`` record
        """
        self.ensure_one()
        Wallet = self.env["coka.coin.wallet"].sudo()
        wallet = Wallet.search([("company_id", "=", self.id)], limit=1)
        if not wallet:
            wallet = Wallet.create({"company_id": self.id})
        return wallet.sudo(False)
