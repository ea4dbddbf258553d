from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import pricing

# Numbers of a package expired for longer than this go back to the pool (SPEC BIL-8).
RELEASE_AFTER_DAYS = 30

# Kinds of hotline numbers (SPEC BIL-8), also what a number request asks for (BIL-9).
NUMBER_TYPES = [("fixed", "Fixed Line"), ("mobile", "Mobile"), ("1800", "1800"), ("1900", "1900")]


class CokaPbxNumber(models.Model):
    """A hotline number of the provider's pool, bought by a company (SPEC BIL-8).

    Available numbers have no company (every company sees them); a number reserved for a
    company (after a number request) or sold to it belongs to that company.
    """

    _name = "coka.pbx.number"
    _description = "Hotline Number"
    _inherit = ["mail.thread", "coka.phone.mixin"]
    _coka_phone_strict = True
    _order = "state, number"
    _rec_name = "number"

    number = fields.Char(required=True, tracking=True, help="e.g. 028 7300 6789")
    number_e164 = fields.Char(
        string="E.164 Number",
        compute="_compute_coka_phone_keys",
        store=True,
        index=True,
        precompute=True,
    )
    number_type = fields.Selection(
        NUMBER_TYPES,
        string="Type",
        required=True,
        default="fixed",
    )
    carrier = fields.Char(help="Carrier of the number, e.g. Viettel, VNPT, Mobifone.")
    price = fields.Integer(string="One-time Price (Coin)", tracking=True)
    monthly_fee = fields.Integer(string="Monthly Fee (Coin)", tracking=True)
    state = fields.Selection(
        [
            ("available", "Available"),
            ("reserved", "Reserved"),
            ("sold", "Sold"),
            ("released", "Released"),
        ],
        default="available",
        required=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        tracking=True,
        help="The company the number is reserved for or sold to.",
    )
    hotline_id = fields.Many2one("coka.pbx.hotline", readonly=True, ondelete="set null")
    date_purchase = fields.Date(string="Bought On", readonly=True)

    _sql_constraints = [
        ("number_uniq", "unique(number_e164)", "This number is already in the pool."),
        (
            "price_not_negative",
            "CHECK(price >= 0 AND monthly_fee >= 0)",
            "Prices cannot be negative.",
        ),
    ]

    def _coka_phone_fields(self):
        return {"number": "number_e164"}

    @api.model
    def _coka_buyable_domain(self, company_id):
        """The numbers a company may buy: on sale to all, or reserved for it (SPEC BIL-8,
        BIL-9)."""
        return [
            "|",
            ("state", "in", ("available", "released")),
            "&",
            ("state", "=", "reserved"),
            ("company_id", "=", company_id),
        ]

    def _coka_buyable_by(self, company):
        """Whether ``company`` may buy this number now."""
        self.ensure_one()
        return bool(self.filtered_domain(self._coka_buyable_domain(company.id)))

    def _coka_purchase_cost(self, subscription):
        """One-time price + monthly fee prorated to the package end (SPEC BIL-8)."""
        self.ensure_one()
        return pricing.number_cost(
            self.price, self.monthly_fee, subscription._coka_today(), subscription.date_end
        )

    def _purchase(self, subscription):
        """Sell this number to the subscription's company: charge it and make it a hotline.

        :return: the new ``coka.pbx.hotline``
        """
        self.ensure_one()
        subscription._coka_check_admin()
        company = subscription.company_id
        # Two companies buying this number at once: the second waits here, then gets a
        # serialisation failure and its request is replayed, to find the number sold.
        self.env.cr.execute(
            "SELECT id FROM coka_pbx_number WHERE id = %s FOR UPDATE",
            [self.id],
            log_exceptions=False,
        )
        self.invalidate_recordset()
        number = self.sudo()
        if not number._coka_buyable_by(company):
            raise UserError(
                self.env._("The number %(number)s is not for sale.", number=number.number)
            )
        if not subscription._coka_is_running():
            raise UserError(self.env._("Activate or renew the PBX package before buying a number."))
        cost = number._coka_purchase_cost(subscription)
        if cost:
            subscription._coka_pay(
                cost,
                self.env._(
                    "Hotline number %(number)s until %(end)s",
                    number=number.number,
                    end=subscription.date_end,
                ),
            )
        hotline = number._coka_make_hotline(company)
        number.write(
            {
                "state": "sold",
                "company_id": company.id,
                "hotline_id": hotline.id,
                "date_purchase": subscription._coka_today(),
            }
        )
        subscription.sudo().message_post(
            body=self.env._("Hotline number %(number)s bought.", number=number.number)
        )
        return hotline

    def _coka_make_hotline(self, company):
        """The company's hotline for this number (an archived one comes back)."""
        Hotline = self.env["coka.pbx.hotline"].sudo().with_context(active_test=False)
        hotline = Hotline.search(
            [("number_e164", "=", self.number_e164), ("company_id", "=", company.id)], limit=1
        )
        if hotline:
            hotline.active = True
            return hotline
        default = company._coka_default_hotline()
        return Hotline.create(
            {
                "number": self.number,
                "company_id": company.id,
                "provider_id": default.provider_id.id,
            }
        )

    @api.model
    def _cron_release(self):
        """Daily: numbers of packages expired for more than 30 days go back to the pool."""
        limit = fields.Date.context_today(self) - timedelta(days=RELEASE_AFTER_DAYS)
        expired = self.env["coka.pbx.subscription"].search(
            [("state", "=", "expired"), ("date_end", "<", limit)]
        )
        numbers = self.search(
            [("state", "=", "sold"), ("company_id", "in", expired.company_id.ids)]
        )
        numbers._coka_release()
        return True

    def _coka_release(self):
        self.hotline_id.active = False
        self.write({"state": "released", "company_id": False, "hotline_id": False})

    def action_make_available(self):
        """Coin Operators put a released or reserved number back on sale."""
        self.filtered(lambda n: n.state in ("released", "reserved")).write(
            {"state": "available", "company_id": False}
        )
        return True
