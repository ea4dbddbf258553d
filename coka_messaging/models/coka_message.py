from odoo import api, fields, models


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
    provider_message_ref = fields.Char(string="Provider Message ID", readonly=True)
    error_code = fields.Char(readonly=True)
    error_message = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", string="Sent By", default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        """A message is queued for sending when it is created: never to a number on the Do
        Not Contact list (SPEC LEAD-4, refused with the reason)."""
        self.env["phone.blacklist"]._coka_check_contactable(
            [vals.get("number") for vals in vals_list if vals.get("state", "queued") == "queued"]
        )
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
