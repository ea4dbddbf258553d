from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import phone


class PhoneBlacklist(models.Model):
    """Odoo's phone blacklist is the suite's Do Not Contact list (SPEC LEAD-4): Odoo's SMS and
    marketing tools already respect it; the suite adds why and by whom a number was put on it,
    and refuses click-to-call, SMS and ZNS to it (:meth:`_coka_check_contactable`)."""

    _inherit = "phone.blacklist"

    coka_reason = fields.Text(string="Do Not Contact Reason", tracking=True)
    coka_user_id = fields.Many2one("res.users", string="Set By", readonly=True)
    coka_date = fields.Datetime(string="Set On", readonly=True)

    @api.model
    def _coka_keys(self, numbers):
        """The E.164 keys of ``numbers`` (any usual form); numbers without a key are kept
        as given, as Odoo's own blacklist would keep them."""
        keys = []
        for number in numbers or ():
            key = phone.to_e164(number) or (number or "").strip()
            if key and key not in keys:
                keys.append(key)
        return keys

    @api.model
    def _coka_find(self, numbers):
        """The active entries of ``numbers``, by their E.164 key.

        :return: dict ``{key: phone.blacklist}``
        """
        keys = self._coka_keys(numbers)
        if not keys:
            return {}
        # sudo: every user must learn that a number is not to be contacted, while only
        # administrators manage Odoo's blacklist itself.
        entries = self.sudo().search([("number", "in", keys)])
        return {entry.number: entry.sudo(False) for entry in entries}

    @api.model
    def _coka_block(self, numbers, reason):
        """Put ``numbers`` on the Do Not Contact list, or back on it, with ``reason`` and the
        current user as who did it; the reason is also logged on each entry's chatter.

        :param list numbers: numbers in any usual form
        :param str reason: why (required)
        :return: the ``phone.blacklist`` entries
        """
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why these numbers must not be contacted."))
        keys = self._coka_keys(numbers)
        if not keys:
            raise UserError(self.env._("There is no phone number to put on the list."))
        entries = self._add(keys)
        for entry in entries:
            entry._message_log(body=self.env._("Do Not Contact: %(reason)s", reason=reason))
        entries.write(
            {
                "coka_reason": reason,
                "coka_user_id": self.env.uid,
                "coka_date": fields.Datetime.now(),
            }
        )
        return entries

    @api.model
    def _coka_lift(self, numbers, reason):
        """Take ``numbers`` off the Do Not Contact list; ``reason`` goes on the chatter.

        :return: the archived ``phone.blacklist`` entries
        """
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason why these numbers may be contacted again."))
        entries = self._remove(self._coka_keys(numbers))
        for entry in entries:
            entry._message_log(body=self.env._("Do Not Contact lifted: %(reason)s", reason=reason))
        return entries

    @api.model
    def _coka_check_contactable(self, numbers):
        """Refuse any number of ``numbers`` that is on the Do Not Contact list.

        :param list numbers: numbers in any usual form (empty ones are ignored)
        :raise UserError: naming the number and the reason
        """
        found = self._coka_find(numbers)
        for key in self._coka_keys(numbers):
            entry = found.get(key)
            if entry:
                raise UserError(
                    self.env._(
                        "%(number)s is on the Do Not Contact list: %(reason)s",
                        number=phone.to_display(key) or key,
                        reason=entry.sudo().coka_reason or self.env._("no reason given"),
                    )
                )
        return True
