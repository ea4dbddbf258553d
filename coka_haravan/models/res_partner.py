from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import mapping
from .res_company import CONFIG_KINDS

# Per-record outcomes of _coka_haravan_sync.
DONE, FAILED, SKIPPED, CONFIG = "done", "failed", "skipped", "config"


class ResPartner(models.Model):
    _inherit = "res.partner"

    coka_haravan_customer_ref = fields.Char(
        string="Haravan Customer ID", readonly=True, copy=False, index=True
    )
    coka_haravan_sync_date = fields.Datetime(
        string="Haravan Sync Date",
        readonly=True,
        copy=False,
        help="When the contact was last synced to Haravan, or last tried.",
    )
    coka_haravan_sync_state = fields.Selection(
        [("never", "Not synced"), ("done", "Synced"), ("failed", "Failed")],
        string="Haravan Sync",
        default="never",
        readonly=True,
        copy=False,
        index=True,
    )
    coka_haravan_sync_error = fields.Char(string="Haravan Sync Error", readonly=True, copy=False)
    coka_haravan_sync_user_id = fields.Many2one(
        "res.users", string="Haravan Synced By", readonly=True, copy=False
    )
    coka_haravan_customer_url = fields.Char(
        string="Haravan Customer", compute="_compute_coka_haravan_customer_url"
    )

    @api.depends("coka_haravan_customer_ref", "company_id.coka_haravan_shop")
    @api.depends_context("company")
    def _compute_coka_haravan_customer_url(self):
        for partner in self:
            company = partner.company_id or self.env.company
            partner.coka_haravan_customer_url = mapping.shop_admin_url(
                company.coka_haravan_shop, partner.coka_haravan_customer_ref
            )

    # Sync (SPEC HRV-2) --------------------------------------------------------------------

    def _coka_haravan_check_rights(self):
        if not self.env.su and not self.env.user.has_group("coka_pbx.group_agent"):
            raise AccessError(self.env._("Only Call Center users may sync contacts to Haravan."))
        self.check_access("read")

    def _coka_haravan_sync(self, sleep=None):
        """Sync the contacts to their company's Haravan shop, now, one after the other.

        For each contact: one already synced is not synced again; otherwise the shop is
        searched by phone (as Haravan stores it, ``tools.mapping.haravan_phone``) and by
        email; a customer found there fails the contact with its id and nothing is created;
        else the customer is created and its id, the date and the user are kept. The outcome
        is written on the contact only once Haravan has answered, so a failed call leaves no
        half-written contact. A configuration error (no token, HTTP 401 / 403) stops the
        run: it and the contacts not reached yet get the ``config`` outcome with the same
        message, and nothing is written on them.

        :param sleep: the wait of the 429 retries (tests)
        :return: ``{partner id: (outcome, message)}``, outcome ``done``, ``failed``,
            ``skipped`` (already synced) or ``config``
        """
        self._coka_haravan_check_rights()
        results = {}
        config_message = None
        clients = {}
        for partner in self:
            if config_message:
                results[partner.id] = (CONFIG, config_message)
                continue
            company = partner.company_id or self.env.company
            try:
                if company not in clients:
                    clients[company] = company._coka_haravan_client(sleep=sleep)
                results[partner.id] = partner._coka_haravan_sync_one(clients[company], company)
            except ProviderError as error:
                config_message = company._coka_haravan_message(error)
                results[partner.id] = (CONFIG, config_message)
            except UserError as error:
                config_message = error.args[0]
                results[partner.id] = (CONFIG, config_message)
        return results

    def _coka_haravan_sync_one(self, client, company):
        """One contact's sync. :raise ProviderError: only for a configuration error."""
        self.ensure_one()
        env = self.env
        if self.coka_haravan_sync_state == "done" and self.coka_haravan_customer_ref:
            return SKIPPED, env._(
                "%(name)s is already synced to Haravan (id %(ref)s): not synced again.",
                name=self.display_name,
                ref=self.coka_haravan_customer_ref,
            )
        numbers = [number for number in (self.mobile, self.phone) if number]
        number = next((n for n in numbers if mapping.haravan_phone(n)), False)
        email = (self.email or "").strip()
        if numbers and not number:
            return self._coka_haravan_failed(
                env._("%(number)s is not a valid phone number.", number=numbers[0])
            )
        if not number and not email:
            return self._coka_haravan_failed(
                env._("A phone number or an email is needed to sync a contact to Haravan.")
            )
        try:
            existing = client.find_existing(number=number, email=email)
            if existing:
                return self._coka_haravan_failed(
                    env._(
                        "This contact already exists in Haravan (id %(ref)s): nothing was created.",
                        ref=existing.get("id"),
                    )
                )
            ref = self._coka_haravan_create(client, number, email)
        except ProviderError as error:
            if error.kind in CONFIG_KINDS:
                raise
            return self._coka_haravan_failed(company._coka_haravan_message(error))
        message = env._("Synced to Haravan (id %(ref)s).", ref=ref)
        self.sudo().write(
            {
                "coka_haravan_customer_ref": ref,
                "coka_haravan_sync_state": "done",
                "coka_haravan_sync_date": fields.Datetime.now(),
                "coka_haravan_sync_user_id": env.user.id,
                "coka_haravan_sync_error": False,
            }
        )
        return DONE, message

    def _coka_haravan_create(self, client, number, email):
        """Create the customer. When the answer is lost (timeout, 5xx, connection cut), the
        customer may have been created all the same: the shop is searched once more, and a
        customer found now, absent a moment ago, is this contact's.

        :return: the Haravan id
        :raise ProviderError: the create's error when no customer was created
        """
        try:
            return client.create_customer(self._coka_haravan_payload(number, email))
        except ProviderError as error:
            if not error.retryable or error.kind == "rate_limited":
                raise
            try:
                created = client.find_existing(number=number, email=email)
            except ProviderError:
                raise error from None
            if not created:
                raise
            return str(created["id"])

    def _coka_haravan_payload(self, number, email):
        """The Haravan customer of the contact (an override hook)."""
        return mapping.customer_payload(
            self.name,
            email,
            number,
            street=self.street,
            city=self.city,
            country_code=self.country_id.code,
            is_company=self.is_company,
        )

    def _coka_haravan_failed(self, message):
        self.sudo().write(
            {
                "coka_haravan_sync_state": "failed",
                "coka_haravan_sync_error": message,
                "coka_haravan_sync_date": fields.Datetime.now(),
                "coka_haravan_sync_user_id": self.env.user.id,
            }
        )
        return FAILED, message

    # Buttons ------------------------------------------------------------------------------

    def action_coka_haravan_sync(self):
        """The form's "Sync to Haravan": this contact, now, and its outcome."""
        self.ensure_one()
        return self._coka_haravan_notify_result(self._coka_haravan_sync())

    def _coka_haravan_notify_result(self, results):
        """The notification of one contact's outcome. :raise UserError: a configuration
        error (nothing was written)."""
        outcome, message = next(iter(results.values()))
        if outcome == CONFIG:
            raise UserError(message)
        kinds = {DONE: "success", SKIPPED: "info", FAILED: "danger"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Haravan"),
                "message": message,
                "type": kinds[outcome],
                "sticky": outcome == FAILED,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_coka_haravan_sync_selection(self):
        """The list's "Sync to Haravan": the selected contacts, in the background."""
        self._coka_haravan_check_rights()
        return self.env["coka.haravan.sync.job"]._coka_enqueue(self)
