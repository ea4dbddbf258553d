import logging

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools import phone
from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import report_token

_logger = logging.getLogger(__name__)

# What a provider error means in Odoo's ``sms.sms.failure_type`` vocabulary.
PROVIDER_TO_SMS_FAILURE_TYPE = {
    "no_balance": "sms_credit",
    "bad_number": "sms_number_format",
    "auth": "sms_acc",
    "bad_brandname": "sms_acc",
    "no_url": "sms_acc",
    "bad_template": "sms_acc",
    "refused": "sms_server",
}


class SmsSms(models.Model):
    """Odoo's own SMS (composer, SMS templates, SMS marketing) through the company's SMS
    provider instead of IAP (SPEC MSG-4). Without an active provider, IAP as usual."""

    _inherit = "sms.sms"

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        provider = self.env["coka.message.provider"]._coka_for_company(self.env.company, "sms")
        if not provider:
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        return self._coka_send_through(provider, unlink_failed, unlink_sent, raise_exception)

    # Delivery reports (SPEC MSG-4) ----------------------------------------------------------

    @api.model
    def _coka_apply_provider_report(self, provider, uuid, report):
        """Apply the delivery report of the SMS ``uuid`` sent through ``provider`` (its
        report URL, ``coka.message.provider._coka_receive_report``) as Odoo's own IAP
        reports are applied (``sms.controllers.main``): through the SMS tracker to the
        notification of the chatter message (delivered -> ``sent``, failed -> ``exception``
        ``sms_not_delivered``, rejected -> ``bounce`` ``sms_rejected``), and to the SMS
        itself while it exists (``sent`` / ``error``). The SMS may already be deleted (sent
        and unlinked): its tracker is enough. A final status (delivered or failed) never
        moves again, so a repeated or late report changes nothing.

        :return: ``(found, updated)``
        """
        # As the superuser: a report request has no user (auth "none"), and the chatter
        # message's notification update reads the current user.
        as_root = self.with_user(SUPERUSER_ID)
        tracker = as_root.env["sms.tracker"].search([("sms_uuid", "=", uuid)], limit=1)
        sms = as_root.search([("uuid", "=", uuid)], limit=1)
        if not tracker and not sms:
            return False, False
        status = report.get("status")
        if status not in ("delivered", "failed"):
            return True, False
        final = {"sent", "exception", "bounce"}
        notifications = tracker.mail_notification_id.filtered(
            lambda n: n.notification_status not in final
        )
        sms = sms.filtered(lambda s: s.state in ("process", "pending"))
        if not notifications and not sms:
            return True, False
        if notifications:
            if status == "delivered":
                tracker._action_update_from_sms_state("sent")
            else:
                error = "rejected" if report.get("error_code") == "rejected" else "not_delivered"
                tracker._action_update_from_provider_error(error)
        if sms:
            if status == "delivered":
                sms.write({"state": "sent", "failure_type": False})
            else:
                sms.write({"state": "error", "failure_type": "unknown"})
        return True, True

    def _coka_send_through(self, provider, unlink_failed, unlink_sent, raise_exception):
        """Send each SMS with the provider's client (its ``uuid`` as idempotency key) and set
        the states and failure types as Odoo's IAP path does: accepted -> ``pending`` (sent to
        the operator), refused -> ``error`` with the matching ``failure_type``."""
        outcomes = {}  # sms -> failure type or False
        try:
            client = provider._coka_client()
        except UserError:
            if raise_exception:
                raise
            _logger.info("SMS provider %s unusable for %s SMS", provider.id, len(self))
            client = None
        for sms in self:
            if client is None:
                outcomes[sms] = "sms_acc"
                continue
            try:
                client.send(
                    phone.to_e164(sms.number) or sms.number,
                    sms.body,
                    sms.uuid,
                    callback_url=provider._coka_report_url(
                        report_token.make_ref(report_token.SMS_PREFIX, sms.uuid)
                    ),
                )
            except ProviderError as error:
                if error.kind == "duplicate":
                    outcomes[sms] = False  # accepted by an earlier attempt
                    continue
                _logger.info("SMS %s refused by provider %s: %s", sms.id, provider.id, error)
                if raise_exception and error.retryable:
                    raise provider._coka_user_error(error) from None
                outcomes[sms] = (
                    "sms_server"
                    if error.retryable
                    else PROVIDER_TO_SMS_FAILURE_TYPE.get(error.kind, "sms_server")
                )
            else:
                outcomes[sms] = False
        all_sms = self.sudo().with_context(sms_skip_msg_notification=True)
        for failure_type in set(outcomes.values()):
            sms_group = all_sms.filtered(lambda s, f=failure_type: outcomes[s] == f)
            if not failure_type:
                sms_group.sms_tracker_id._action_update_from_sms_state("pending")
                to_delete = {"to_delete": True} if unlink_sent else {}
                sms_group.write({"state": "pending", "failure_type": False, **to_delete})
            else:
                sms_group.sms_tracker_id._action_update_from_sms_state(
                    "error", failure_type=failure_type
                )
                to_delete = {"to_delete": True} if unlink_failed else {}
                sms_group.write({"state": "error", "failure_type": failure_type, **to_delete})
        all_sms.mail_message_id._notify_message_notification_update()
