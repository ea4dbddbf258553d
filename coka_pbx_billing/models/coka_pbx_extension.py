from odoo import api, models
from odoo.tools import SQL


class CokaPbxExtension(models.Model):
    _inherit = "coka.pbx.extension"

    @api.model
    def _coka_routable_sql(self):
        """Only members of an active package ring and call (SPEC BIL-4, BIL-7).

        Uses the alias ``e`` only: the member lookup is served by the relation's
        ``(user_id, subscription_id)`` index and the package's unique company.
        """
        return SQL(
            "%s AND EXISTS (SELECT 1 FROM coka_pbx_subscription s "
            "JOIN coka_pbx_subscription_member_rel m ON m.subscription_id = s.id "
            "WHERE m.user_id = e.user_id AND s.company_id = e.company_id "
            "AND s.state = 'active')",
            super()._coka_routable_sql(),
        )

    def _coka_unroutable_reason(self):
        """Say why the package keeps this agent's extension from calling."""
        reason = super()._coka_unroutable_reason()
        extension = self[:1]
        if not extension:
            return reason
        # sudo: an agent may not read the package; only its state is told to him.
        subscription = (
            self.env["coka.pbx.subscription"]
            .sudo()
            .search([("company_id", "=", extension.company_id.id)], limit=1)
        )
        if subscription.state == "expired":
            return self.env._(
                "The PBX package of %(company)s expired on %(end)s: ask your administrator "
                "to renew it.",
                company=extension.company_id.name,
                end=subscription.date_end,
            )
        if subscription.state != "active":
            return self.env._(
                "%(company)s has no active PBX package: ask your administrator to activate it.",
                company=extension.company_id.name,
            )
        if extension.user_id not in subscription.member_ids:
            return self.env._(
                "You have no seat in the PBX package: ask your administrator to add you "
                "as a member."
            )
        return reason
