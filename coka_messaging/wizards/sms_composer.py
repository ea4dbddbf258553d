from odoo import models

from odoo.addons.coka_pbx.tools import phone


class SmsComposer(models.TransientModel):
    """Odoo's SMS composer respects Do Not Contact (SPEC LEAD-4): sending to one number or
    to the records of a chatter is refused with the reason; a mass sending never sends to a
    number of the list (Odoo cancels those as blacklisted), even with "Use blacklist" off."""

    _inherit = "sms.composer"

    def _coka_recipient_numbers(self):
        """The numbers a ``numbers`` or ``comment`` sending goes to."""
        self.ensure_one()
        if self.sanitized_numbers:
            return self.sanitized_numbers.split(",")
        single = self.recipient_single_number_itf or self.recipient_single_number
        records = self._get_records()
        if (
            self.composition_mode == "numbers"
            or self.comment_single_recipient
            or records is None
            or not isinstance(records, self.pool["mail.thread"])
        ):
            return [single]
        info = records._sms_get_recipients_info(
            force_field=self.number_field_name, partner_fallback=True
        )
        return [values["sanitized"] or values["number"] for values in info.values()]

    def _action_send_sms(self):
        if self.composition_mode != "mass":
            self.env["phone.blacklist"]._coka_check_contactable(self._coka_recipient_numbers())
        return super()._action_send_sms()

    def _get_blacklist_record_ids(self, records, recipients_info):
        blacklisted = set(super()._get_blacklist_record_ids(records, recipients_info))
        numbers = {
            record_id: values["sanitized"]
            for record_id, values in recipients_info.items()
            if values["sanitized"]
        }
        found = self.env["phone.blacklist"]._coka_find(list(numbers.values()))
        blacklisted.update(
            record_id
            for record_id, number in numbers.items()
            if (phone.to_e164(number) or number) in found
        )
        return [record.id for record in records if record.id in blacklisted]
