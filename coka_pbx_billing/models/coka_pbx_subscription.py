from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import pricing

# Days before the end at which the company's administrators are reminded (SPEC BIL-7).
REMINDER_DAYS = (7, 1)


class CokaPbxSubscription(models.Model):
    """The PBX package of a company: seats × months, its members (SPEC BIL-3..BIL-7).

    Every purchase goes through :meth:`_activate`, :meth:`_add_seats`, :meth:`_renew`; the
    wallet is debited in the same transaction as the change, so a refused debit changes
    nothing. The records are read-only to users: the methods write them with ``sudo()``
    after checking the caller is the company's Call Center Administrator.
    """

    _name = "coka.pbx.subscription"
    _description = "PBX Package"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    state = fields.Selection(
        [("draft", "Not Activated"), ("active", "Active"), ("expired", "Expired")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    seats = fields.Integer(
        readonly=True, tracking=True, help="Seats bought: at most one member each."
    )
    date_start = fields.Date(string="Start Date", readonly=True, tracking=True)
    date_end = fields.Date(
        string="End Date", readonly=True, tracking=True, help="Last day of the package."
    )
    member_ids = fields.Many2many(
        "res.users",
        "coka_pbx_subscription_member_rel",
        "subscription_id",
        "user_id",
        string="Members",
        readonly=True,
        help="Users holding a seat: they have an extension and may ring and call.",
    )
    member_count = fields.Integer(compute="_compute_member_count")
    free_seats = fields.Integer(compute="_compute_member_count")
    wallet_balance = fields.Integer(string="Wallet (Coin)", compute="_compute_wallet_balance")
    number_ids = fields.One2many(
        "coka.pbx.number", compute="_compute_number_ids", string="Bought Numbers"
    )
    number_fees = fields.Integer(
        string="Monthly Number Fees (Coin)",
        compute="_compute_number_ids",
        help="Monthly fees of the numbers the company bought, renewed with the package.",
    )
    reminder_days = fields.Integer(
        readonly=True,
        help="Threshold (days before the end) of the last expiry reminder of this period.",
    )

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "A company has one PBX package."),
        ("seats_not_negative", "CHECK(seats >= 0)", "The number of seats cannot be negative."),
    ]

    @api.depends("member_ids", "seats")
    def _compute_member_count(self):
        for subscription in self:
            subscription.member_count = len(subscription.member_ids)
            subscription.free_seats = max(0, subscription.seats - subscription.member_count)

    def _compute_wallet_balance(self):
        # sudo: the balance is shown on the package; the wallet itself keeps its own rights.
        wallets = (
            self.env["coka.coin.wallet"].sudo().search([("company_id", "in", self.company_id.ids)])
        )
        balances = {wallet.company_id: wallet.balance for wallet in wallets}
        for subscription in self:
            subscription.wallet_balance = balances.get(subscription.company_id, 0)

    def _compute_number_ids(self):
        Number = self.env["coka.pbx.number"].sudo()
        numbers = Number.search([("company_id", "in", self.company_id.ids), ("state", "=", "sold")])
        for subscription in self:
            owned = numbers.filtered(lambda n, s=subscription: n.company_id == s.company_id)
            subscription.number_ids = owned.sudo(False)
            subscription.number_fees = sum(owned.mapped("monthly_fee"))

    # Helpers ----------------------------------------------------------------------------

    @api.model
    def _coka_seat_price(self):
        """Coin for one seat during one month (setting, SPEC BIL-3)."""
        value = (
            self.env["ir.config_parameter"].sudo().get_param("coka_pbx_billing.seat_month_price")
        )
        try:
            return int(value) if value else pricing.DEFAULT_SEAT_MONTH_PRICE
        except ValueError:
            return pricing.DEFAULT_SEAT_MONTH_PRICE

    def _coka_today(self):
        return fields.Date.context_today(self)

    def _coka_is_running(self):
        """Active and not past its end (the cron may not have run yet today)."""
        self.ensure_one()
        return self.state == "active" and self.date_end and self.date_end >= self._coka_today()

    def _coka_check_admin(self):
        """Only the company's Call Center Administrators buy: activate, extra seats, renew,
        numbers (SPEC SEC-1); the package row is locked until the transaction ends
        (:meth:`_coka_lock`).

        :raise AccessError: for anyone else
        """
        self._coka_check_group(
            "coka_pbx.group_admin",
            self.env._("Only a Call Center Administrator can manage the PBX package."),
        )

    def _coka_check_manager(self):
        """The company's Call Center Managers (Administrators too) add and remove the
        package's members (SPEC SEC-1); the package row is locked as for a purchase.

        :raise AccessError: for anyone else
        """
        self._coka_check_group(
            "coka_pbx.group_manager",
            self.env._("Only a Call Center Manager can add or remove package members."),
        )

    def _coka_check_group(self, group, message):
        self.ensure_one()
        self.check_access("read")
        if not (self.env.su or self.env.user.has_group(group)):
            raise AccessError(message)
        self._coka_lock()

    def _coka_lock(self):
        """Lock the package row: two changes of one package at once (two administrators
        adding the last free seat's member, say) run one after the other; the second one
        sees the first one's change (a serialisation failure makes Odoo replay it, REL-2).
        Every change writes the row, so the replay is certain.
        """
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM coka_pbx_subscription WHERE id = %s FOR UPDATE",
            [self.id],
            # A serialisation failure here is expected under concurrency and is retried.
            log_exceptions=False,
        )
        self.invalidate_recordset()

    def _coka_check_seats(self, seats):
        if not isinstance(seats, int) or seats < 1:
            raise UserError(self.env._("Choose at least 1 seat."))

    def _coka_check_months(self, months):
        if not isinstance(months, int) or months < 1:
            raise UserError(self.env._("Choose at least 1 month."))

    def _coka_pay(self, cost, reference):
        """Debit the company's wallet; the caller changes the package in the same
        transaction, so a refused debit changes nothing.

        :return: the ledger line
        """
        return self.company_id.sudo()._coka_wallet()._debit(cost, "purchase", reference)

    # Costs (what the wizards show before paying) ---------------------------------------

    def _coka_activation_cost(self, seats, months):
        return pricing.activation_cost(seats, months, self._coka_seat_price())

    def _coka_extra_seats_cost(self, count):
        self.ensure_one()
        return pricing.extra_seats_cost(
            count, self._coka_seat_price(), self._coka_today(), self.date_end
        )

    def _coka_renewal_seats(self, seats=None):
        """Seats renewed: all purchased ones while running, else ``seats`` (default: the
        current seats, at least the members)."""
        self.ensure_one()
        if self._coka_is_running() or not seats:
            return self.seats or max(1, len(self.member_ids))
        return seats

    def _coka_renewal_cost(self, months, seats=None):
        self.ensure_one()
        return pricing.renewal_cost(
            self._coka_renewal_seats(seats),
            months,
            self._coka_seat_price(),
            number_fees=self.sudo().number_fees,
        )

    # Purchases (SPEC BIL-3, BIL-5, BIL-6) ------------------------------------------------

    def _activate(self, seats, months):
        """Buy the package: ``seats`` × ``months`` × price, from today (SPEC BIL-3).

        :return: the ledger line of the purchase
        """
        self._coka_check_admin()
        self._coka_check_seats(seats)
        self._coka_check_months(months)
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "The PBX package of %(company)s is already activated: renew it or buy "
                    "extra seats instead.",
                    company=self.company_id.name,
                )
            )
        if seats < len(self.member_ids):
            raise UserError(
                self.env._(
                    "The package has %(members)s members: buy at least %(members)s seats.",
                    members=len(self.member_ids),
                )
            )
        today = self._coka_today()
        line = self._coka_pay(
            self._coka_activation_cost(seats, months),
            self.env._(
                "PBX package: %(seats)s seats × %(months)s months", seats=seats, months=months
            ),
        )
        self.sudo().write(
            {
                "state": "active",
                "seats": seats,
                "date_start": today,
                "date_end": pricing.package_end(today, months),
                "reminder_days": 0,
            }
        )
        return line

    def _add_seats(self, count):
        """Buy ``count`` seats ending with the package, prorated by days (SPEC BIL-5).

        :return: the ledger line of the purchase
        """
        self._coka_check_admin()
        self._coka_check_seats(count)
        if not self._coka_is_running():
            raise UserError(
                self.env._(
                    "Extra seats can only be bought while the package is active: "
                    "activate or renew it first."
                )
            )
        line = self._coka_pay(
            self._coka_extra_seats_cost(count),
            self.env._(
                "PBX package: %(count)s extra seats until %(end)s",
                count=count,
                end=self.date_end,
            ),
        )
        self.sudo().seats += count
        return line

    def _renew(self, months, seats=None):
        """Renew for ``months`` months, also before the end (SPEC BIL-6).

        While the package runs, all its seats are renewed and the end moves by ``months``.
        Once expired, ``seats`` may be any number down to the members (at least 1) and the
        package starts again today. The bought numbers' monthly fees are renewed too.

        :return: the ledger line of the purchase
        """
        self._coka_check_admin()
        self._coka_check_months(months)
        if seats is not None:
            self._coka_check_seats(seats)
        if self.state == "draft":
            raise UserError(self.env._("Activate the PBX package before renewing it."))
        running = self._coka_is_running()
        if running and seats is not None and seats < self.seats:
            raise UserError(
                self.env._(
                    "The package is still active: all %(seats)s seats are renewed. Seats "
                    "can be reduced only after the package has expired.",
                    seats=self.seats,
                )
            )
        if running and seats is not None and seats > self.seats:
            raise UserError(
                self.env._(
                    "A renewal keeps the %(seats)s seats of an active package: buy extra "
                    "seats first.",
                    seats=self.seats,
                )
            )
        seats = self._coka_renewal_seats(seats)
        if not running and seats < len(self.member_ids):
            raise UserError(
                self.env._(
                    "The package has %(members)s members: renew at least %(members)s seats, "
                    "or remove members first.",
                    members=len(self.member_ids),
                )
            )
        line = self._coka_pay(
            self._coka_renewal_cost(months, seats),
            self.env._(
                "PBX package renewal: %(seats)s seats × %(months)s months",
                seats=seats,
                months=months,
            ),
        )
        today = self._coka_today()
        if running:
            vals = {"date_end": pricing.package_end(self.date_end, months)}
        else:
            vals = {
                "state": "active",
                "seats": seats,
                "date_start": today,
                "date_end": pricing.package_end(today, months),
            }
        self.sudo().write(dict(vals, reminder_days=0))
        return line

    # Members (SPEC BIL-4) ---------------------------------------------------------------

    def _add_member(self, user):
        """Give ``user`` a seat: he gets an extension on the default hotline.

        :return: his ``coka.pbx.extension``
        """
        self._coka_check_manager()
        user.ensure_one()
        if not self._coka_is_running():
            raise UserError(
                self.env._(
                    "The PBX package is not active: activate or renew it before adding members."
                )
            )
        if user in self.member_ids:
            raise UserError(
                self.env._("%(user)s is already a member of the package.", user=user.name)
            )
        if self.company_id not in user.sudo().company_ids:
            raise UserError(
                self.env._(
                    "%(user)s does not work in %(company)s.",
                    user=user.name,
                    company=self.company_id.name,
                )
            )
        if len(self.member_ids) >= self.seats:
            raise UserError(
                self.env._(
                    "All %(seats)s seats are taken: buy more seats to add another member.",
                    seats=self.seats,
                )
            )
        self.sudo().member_ids = [fields.Command.link(user.id)]
        self.sudo().message_post(body=self.env._("%(user)s joined the package.", user=user.name))
        return self._coka_member_extension(user)

    def _remove_member(self, user):
        """Free ``user``'s seat: his extension is archived, his calls are kept."""
        self._coka_check_manager()
        user.ensure_one()
        if user not in self.member_ids:
            raise UserError(self.env._("%(user)s is not a member of the package.", user=user.name))
        self.sudo().member_ids = [fields.Command.unlink(user.id)]
        self.env["coka.pbx.extension"].sudo().search(
            [("user_id", "=", user.id), ("company_id", "=", self.company_id.id)]
        ).active = False
        self.sudo().message_post(body=self.env._("%(user)s left the package.", user=user.name))
        return True

    def _coka_member_extension(self, user):
        """The member's extension in the company: his own (unarchived) when he has one,
        else a new one with the next free number, on the default hotline."""
        Extension = self.env["coka.pbx.extension"].sudo().with_context(active_test=False)
        domain = [("user_id", "=", user.id), ("company_id", "=", self.company_id.id)]
        extension = Extension.search(domain, order="active desc, id", limit=1)
        hotline = self.company_id.sudo()._coka_default_hotline()
        if extension:
            vals = {"active": True}
            if not extension.hotline_id and hotline:
                vals["hotline_id"] = hotline.id
            extension.write(vals)
            return extension
        numbers = Extension.search([("company_id", "=", self.company_id.id)]).mapped("number")
        return Extension.create(
            {
                "number": str(pricing.next_extension_number(numbers)),
                "user_id": user.id,
                "company_id": self.company_id.id,
                "hotline_id": hotline.id,
            }
        )

    # Expiry (SPEC BIL-7) ----------------------------------------------------------------

    @api.model
    def _cron_expire(self):
        """Daily: expire the packages past their end, remind administrators before it."""
        today = fields.Date.context_today(self)
        ended = self.search([("state", "=", "active"), ("date_end", "<", today)])
        ended._coka_expire()
        running = self.search([("state", "=", "active"), ("date_end", ">=", today)])
        for subscription in running:
            threshold = pricing.reminder_threshold(
                (subscription.date_end - today).days, REMINDER_DAYS, subscription.reminder_days
            )
            if threshold:
                subscription._coka_remind(threshold)
        return True

    def _coka_expire(self):
        for subscription in self:
            subscription.state = "expired"
            subscription.message_post(
                body=self.env._(
                    "The PBX package expired on %(end)s: its members can no longer call or "
                    "receive calls until it is renewed.",
                    end=subscription.date_end,
                )
            )

    def _coka_remind(self, threshold):
        """One activity per administrator, once per threshold and package period."""
        self.ensure_one()
        summary = self.env._(
            "PBX package expires in %(days)s days (%(end)s)", days=threshold, end=self.date_end
        )
        note = self.env._(
            "Renew the PBX package before %(end)s, or its members can no longer call.",
            end=self.date_end,
        )
        for user in self.company_id._coka_group_users("coka_pbx.group_admin"):
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date_end,
                summary=summary,
                note=note,
                user_id=user.id,
            )
        self.reminder_days = threshold

    # UI buttons: open the wizards -------------------------------------------------------

    def _coka_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_subscription_id": self.id},
        }

    def action_activate(self):
        return self._coka_wizard("coka.pbx.package.activate", self.env._("Activate PBX Package"))

    def action_add_seats(self):
        return self._coka_wizard("coka.pbx.seat.add", self.env._("Buy Extra Seats"))

    def action_renew(self):
        return self._coka_wizard("coka.pbx.package.renew", self.env._("Renew PBX Package"))

    def action_add_member(self):
        return self._coka_wizard("coka.pbx.member.add", self.env._("Add Members"))

    def action_remove_member(self):
        return self._coka_wizard("coka.pbx.member.remove", self.env._("Remove Members"))

    def action_buy_number(self):
        return self._coka_wizard("coka.pbx.number.buy", self.env._("Buy a Number"))

    def action_request_number(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request a Number"),
            "res_model": "coka.pbx.number.request",
            "view_mode": "form",
            "target": "new",
            "context": {"default_company_id": self.company_id.id},
        }

    def action_open_wallet(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Coin Wallet"),
            "res_model": "coka.coin.wallet",
            "view_mode": "form",
            "res_id": self.company_id.sudo()._coka_wallet().id,
        }

    @api.model
    def action_open_package(self):
        """Open the current company's package (menu Billing › PBX Package)."""
        subscription = self.env.company._coka_pbx_subscription()
        subscription.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("PBX Package"),
            "res_model": self._name,
            "view_mode": "form",
            "res_id": subscription.id,
            "target": "current",
        }
