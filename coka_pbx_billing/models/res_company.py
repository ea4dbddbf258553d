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

    def _coka_pbx_subscription(self):
        """Return the company's PBX package, creating a draft one on first use (SPEC BIL-3).

        :return: one ``coka.pbx.subscription`` record
        """
        self.ensure_one()
        Subscription = self.env["coka.pbx.subscription"].sudo()
        subscription = Subscription.search([("company_id", "=", self.id)], limit=1)
        if not subscription:
            subscription = Subscription.create({"company_id": self.id})
        return subscription.sudo(False)
