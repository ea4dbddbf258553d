from odoo import api, fields, models
from odoo.tools import SQL


class CokaPbxExtension(models.Model):
    _inherit = "coka.pbx.extension"

    # Kept on the extension so that routing reads one table (PERF-1).
    seat_active = fields.Boolean(
        compute="_compute_seat_active",
        store=True,
        help="The agent holds a seat in his company's active PBX package.",
    )

    @api.depends(
        "company_id", "user_id.coka_subscription_ids.state", "user_id.coka_subscription_ids"
    )
    def _compute_seat_active(self):
        for extension in self:
            extension.seat_active = any(
                subscription.state == "active" and subscription.company_id == extension.company_id
                for subscription in extension.user_id.coka_subscription_ids
            )

    @api.model
    def _coka_routable_sql(self):
        """Only members of an active package ring and call (SPEC BIL-4, BIL-7)."""
        return SQL("%s AND e.seat_active", super()._coka_routable_sql())

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
