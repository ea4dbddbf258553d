import logging
import uuid

import psycopg2

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.modules import module as odoo_module

from odoo.addons.coka_pbx.tools import retry
from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import report_token, sending

_logger = logging.getLogger(__name__)


class CokaMessage(models.Model):
    """One SMS or ZNS message sent to a contact, with its delivery status (SPEC MSG-3)."""

    _name = "coka.message"
    _description = "Message"
    _order = "id desc"

    template_id = fields.Many2one("coka.message.template", ondelete="restrict")
    channel = fields.Selection([("sms", "SMS"), ("zns", "Zalo ZNS")], required=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index=True)
    number = fields.Char(required=True)
    body = fields.Text()
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("failed", "Failed"),
        ],
        required=True,
        default="queued",
        index=True,
    )
    provider_message_ref = fields.Char(string="Provider Message ID", readonly=True, index=True)
    error_code = fields.Char(readonly=True)
    error_message = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Sent By", default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    provider_id = fields.Many2one(
        "coka.message.provider",
        index=True,
        help="Empty: the company's active provider of the channel, chosen when it is sent.",
    )
    template_data = fields.Json(
        help="ZNS template parameters (name -> value), sent as template_data."
    )
    idempotency_key = fields.Char(
        readonly=True,
        copy=False,
        help="Sent with every attempt (eSMS RequestId, ZNS tracking_id): the provider "
        "refuses or ignores a key it has already seen, so a message is never sent twice.",
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_try_date = fields.Datetime(string="Next Try", readonly=True, index=True)
    sent_date = fields.Datetime(readonly=True)
    delivered_date = fields.Datetime(readonly=True)

    _sql_constraints = [
        ("idempotency_key_uniq", "unique(idempotency_key)", "A message key is used only once."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        """A message is queued for sending when it is created: never to a number on the Do
        Not Contact list (SPEC LEAD-4, refused with the reason)."""
        self.env["phone.blacklist"]._coka_check_contactable(
            [vals.get("number") for vals in vals_list if vals.get("state", "queued") == "queued"]
        )
        for vals in vals_list:
            vals.setdefault("idempotency_key", uuid.uuid4().hex)
        messages = super().create(vals_list)
        # On the contacts' chatter too, in one batch (SPEC CON-6).
        channels = dict(self._fields["channel"]._description_selection(self.env))
        self.env["res.partner"]._coka_log_timeline(
            (
                message.partner_id.id,
                self.env._(
                    "%(channel)s to %(number)s: %(body)s",
                    channel=channels.get(message.channel, ""),
                    number=message.number,
                    body=message.body or "",
                ),
                message.user_id.partner_id.id,
            )
            for message in messages
            if message.partner_id
        )
        return messages

    # Sending (SPEC MSG-3, REL-3) ----------------------------------------------------------

    @api.model
    def _coka_due_domain(self, now):
        return [
            ("state", "=", "queued"),
            "|",
            ("next_try_date", "=", False),
            ("next_try_date", "<=", now),
        ]

    @api.model
    def _cron_send(
        self, batch_size=sending.BATCH_SIZE, limit=sending.CRON_LIMIT, now=None, domain=None
    ):
        """Send the due queued messages, ``batch_size`` at a time (``split_every``).

        Each message is claimed (row lock ``FOR UPDATE SKIP LOCKED``, still queued and due)
        so two workers never send it, sent with its idempotency key, and committed on its
        own outside tests; the partners' chatter notes are logged once per batch.

        :param list domain: only the messages it matches as well (tests, manual runs)
        :return: how many messages were due
        """
        now = now or fields.Datetime.now()
        due = self._coka_due_domain(now) + list(domain or [])
        ids = self.search(due, order="id", limit=limit).ids
        self._coka_commit()  # each claim below reads a fresh snapshot
        for batch_ids in tools.split_every(batch_size, ids):
            done = self.browse()
            for message in self.browse(batch_ids):
                if message._coka_claim(now):
                    message._coka_send_one(now)
                    done |= message
                    self._coka_commit()
            # Retried ones are still queued: only sent and failed ones are news.
            done.filtered(lambda message: message.state != "queued")._coka_log_on_partners()
            self._coka_commit()
        return len(ids)

    @api.model
    def _coka_commit(self):
        if not odoo_module.current_test:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _coka_claim(self, now):
        """Lock the message row if it is still queued and due and no worker holds it."""
        self.ensure_one()
        self.flush_model(["state", "next_try_date", "idempotency_key"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM coka_message WHERE id = %s AND state = 'queued' "
                    "AND (next_try_date IS NULL OR next_try_date <= %s) FOR UPDATE SKIP LOCKED",
                    [self.id, now],
                    log_exceptions=False,
                )
                claimed = self.env.cr.fetchone()
        except psycopg2.errors.SerializationFailure:
            # Another worker changed it since this transaction's snapshot: it is theirs.
            return False
        if not claimed:
            return False
        self.invalidate_recordset()
        if not self.idempotency_key:
            # A message from before the keys: the key is stored before the first attempt.
            self.idempotency_key = uuid.uuid4().hex
            self._coka_commit()
            return self._coka_claim(now)
        return True

    def _coka_provider(self):
        self.ensure_one()
        return (
            self.provider_id
            or self.template_id.provider_id
            or self.env["coka.message.provider"]._coka_for_company(self.company_id, self.channel)
        )

    def _coka_send_one(self, now):
        """One attempt at sending the (claimed) message; the outcome is written on it."""
        self.ensure_one()
        provider = self._coka_provider()
        if not provider:
            return self._coka_fail(
                "no_provider",
                self.env._(
                    "No active %(channel)s provider for this company.", channel=self.channel
                ),
            )
        try:
            client = provider._coka_client()
            ref = client.send(
                self.number,
                self.body,
                self.idempotency_key,
                template_ref=self.template_id.provider_template_ref or None,
                template_data=self.template_data or None,
                callback_url=provider._coka_report_url(
                    report_token.make_ref(report_token.MESSAGE_PREFIX, self.idempotency_key)
                ),
            )
        except UserError as error:
            return self._coka_fail("config", error.args[0], provider)
        except ProviderError as error:
            return self._coka_on_error(error, provider, now)
        self.write(
            {
                "state": "sent",
                "provider_id": provider.id,
                "provider_message_ref": ref,
                "attempt_count": self.attempt_count + 1,
                "next_try_date": False,
                "sent_date": now,
                "error_code": False,
                "error_message": False,
            }
        )
        return True

    def _coka_fail(self, code, reason, provider=None, attempts=None):
        values = {
            "state": "failed",
            "error_code": code,
            "error_message": reason,
            "next_try_date": False,
            "attempt_count": attempts if attempts is not None else self.attempt_count + 1,
        }
        if provider:
            values["provider_id"] = provider.id
        self.write(values)
        return False

    def _coka_on_error(self, error, provider, now):
        attempts = self.attempt_count + 1
        reason = error.detail or error.kind
        code = error.code or error.kind
        if error.kind == "duplicate":
            # The provider already accepted this key: an earlier attempt reached it (the
            # worker died before writing so). It is sent, not sent again.
            self.write(
                {
                    "state": "sent",
                    "provider_id": provider.id,
                    "attempt_count": attempts,
                    "next_try_date": False,
                    "sent_date": now,
                }
            )
            return True
        if not error.retryable:
            return self._coka_fail(code, reason, provider, attempts)
        if retry.gives_up(attempts, sending.MAX_ATTEMPTS):
            return self._coka_fail(
                code,
                self.env._(
                    "Gave up after %(count)s attempts: %(reason)s", count=attempts, reason=reason
                ),
                provider,
                attempts,
            )
        self.write(
            {
                "provider_id": provider.id,
                "attempt_count": attempts,
                "next_try_date": now + sending.retry_delay(attempts, error.retry_after),
                "error_code": code,
                "error_message": reason,
            }
        )
        return False

    # Delivery callbacks -------------------------------------------------------------------

    @api.model
    def _coka_apply_reports(self, provider, reports, now=None):
        """Apply delivery reports of ``provider``: ``sent`` -> ``delivered`` | ``failed``.

        :param reports: dicts of ``MessageClient.parse_callback``
        :return: ``(updated, unknown)`` counts
        """
        now = now or fields.Datetime.now()
        refs = [report["message_id"] for report in reports if report["message_id"]]
        keys = [report["key"] for report in reports if report["key"]]
        messages = self.search(
            [
                ("provider_id", "=", provider.id),
                "|",
                ("provider_message_ref", "in", refs),
                ("idempotency_key", "in", keys),
            ]
        )
        by_ref = {message.provider_message_ref: message for message in messages}
        by_key = {message.idempotency_key: message for message in messages}
        changed = self.browse()
        unknown = 0
        for report in reports:
            message = by_ref.get(report["message_id"]) or by_key.get(report["key"])
            if not message:
                unknown += 1
                continue
            if message._coka_apply_report(report, now):
                changed |= message
        changed._coka_log_on_partners()
        return len(changed), unknown

    @api.model
    def _coka_apply_provider_report(self, provider, key, report, now=None):
        """Apply the report sent to the report URL of the message of ``provider`` whose
        idempotency key is ``key`` (``coka.message.provider._coka_receive_report``).

        :param dict report: of the client's ``parse_report``
        :return: ``(found, updated)``
        """
        message = self.search(
            [("provider_id", "=", provider.id), ("idempotency_key", "=", key)], limit=1
        )
        if not message:
            return False, False
        updated = message._coka_apply_report(report, now or fields.Datetime.now())
        if updated:
            message._coka_log_on_partners()
        return True, updated

    def _coka_apply_report(self, report, now):
        """``sent`` -> ``delivered`` | ``failed``; a queued message that already reached the
        provider (an answer lost in a timeout, retry pending) moves too. Anything else (a
        report that changes nothing, a late or repeated one) leaves the message as it is:
        ``delivered`` and ``failed`` never move back.

        :return: whether the message changed
        """
        self.ensure_one()
        reached = self.state == "sent" or (self.state == "queued" and self.attempt_count)
        if not reached or report.get("status") not in ("delivered", "failed"):
            return False
        values = {"next_try_date": False}
        if report.get("message_id") and not self.provider_message_ref:
            values["provider_message_ref"] = report["message_id"]
        if report["status"] == "delivered":
            values.update(
                state="delivered", delivered_date=now, error_code=False, error_message=False
            )
        else:
            values.update(
                state="failed",
                error_code=report.get("error_code") or "not_delivered",
                error_message=report.get("error_message")
                or self.env._("The provider could not deliver the message."),
            )
        self.write(values)
        return True

    # Chatter ------------------------------------------------------------------------------

    def _coka_log_on_partners(self):
        """Note the state changes of these messages on their contacts' chatter, in one batch
        (``res.partner._coka_log_timeline``: one logged note per contact)."""
        states = dict(self._fields["state"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        entries = []
        for message in self.filtered("partner_id"):
            text = self.env._(
                "%(channel)s to %(number)s: %(state)s",
                channel=channels.get(message.channel),
                number=message.number,
                state=states.get(message.state),
            )
            if message.state == "failed" and message.error_message:
                text = f"{text} ({message.error_message})"
            entries.append((message.partner_id.id, text, False))
        self.env["res.partner"]._coka_log_timeline(entries)
