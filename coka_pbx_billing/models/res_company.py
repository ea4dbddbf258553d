from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _coka_own_record(self, model, create_vals=None):
        """The company's one record of ``model`` (it has a unique ``company_id``), created
        on first use.

        :return: one record, without superuser rights
        """
        self.ensure_one()
        Model = self.env[model].sudo()
        record = Model.search([("company_id", "=", self.id)], limit=1)
        if not record:
            record = Model.create({"company_id": self.id, **(create_vals or {})})
        return record.sudo(False)

    def _coka_wallet(self):
        """Return the company's Coin wallet, creating it on first use.

        :return: one ``coka.coin.wallet`` record
        """
        return self._coka_own_record("coka.coin.wallet")

    def _coka_pbx_subscription(self):
        """Return the company's PBX package, creating a draft one on first use (SPEC BIL-3).

        :return: one ``coka.pbx.subscription`` record
        """
        return self._coka_own_record("coka.pbx.subscription")

    def _coka_group_users(self, group_xmlid):
        """The internal, active users of a group who work in this company (who gets the
        package reminders and the number requests)."""
        self.ensure_one()
        group = self.env.ref(group_xmlid).sudo()
        return group.users.filtered(
            lambda user: self in user.company_ids and not user.share and user.active
        )
