from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools import phone

from ..tools import render

# The fields a recipient's mobile number is read from, first filled one wins.
NUMBER_FIELDS = ("mobile", "phone", "customer_number")


class CokaMessageSend(models.TransientModel):
    """Send an approved SMS or ZNS template to a contact, a lead, a selection of them or
    the caller of a call (SPEC MSG-2): channel -> approved template -> preview with the
    first recipient's data -> the typed keywords -> Send. Each recipient is checked (Do Not
    Contact, mobile number, keywords, ZNS lengths); the others are queued as ``coka.message``
    and the sending cron is triggered."""

    _name = "coka.message.send"
    _description = "Send SMS / ZNS"

    res_model = fields.Char(string="Recipient Model", required=True, readonly=True)
    res_ids = fields.Json(string="Recipient IDs", required=True, readonly=True)
    recipient_count = fields.Integer(compute="_compute_recipient_count")
    channel = fields.Selection([("sms", "SMS"), ("zns", "Zalo ZNS")], required=True, default="sms")
    template_id = fields.Many2one(
        "coka.message.template",
        domain="[('channel', '=', channel), ('state', '=', 'approved')]",
        compute="_compute_template_id",
        store=True,
        readonly=False,
    )
    template_count = fields.Integer(compute="_compute_template_count")
    value_ids = fields.One2many(
        "coka.message.send.value",
        "wizard_id",
        string="Keywords to Fill In",
        compute="_compute_value_ids",
        store=True,
        readonly=False,
    )
    preview_recipient = fields.Char(string="Preview For", compute="_compute_preview")
    preview = fields.Text(compute="_compute_preview")
    state = fields.Selection([("compose", "Compose"), ("done", "Done")], default="compose")
    result_ids = fields.One2many("coka.message.send.result", "wizard_id", string="Results")
    queued_count = fields.Integer(compute="_compute_result_counts")
    refused_count = fields.Integer(compute="_compute_result_counts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "res_model" in fields_list and not values.get("res_model"):
            values["res_model"] = context.get("active_model")
        if "res_ids" in fields_list and not values.get("res_ids"):
            ids = context.get("active_ids") or (
                [context["active_id"]] if context.get("active_id") else []
            )
            values["res_ids"] = list(ids)
        return values

    @api.model
    def _coka_open_for(self, records):
        """The wizard's action for ``records`` (a contact, a lead, a call...)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send SMS / ZNS"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
            "context": {"active_model": records._name, "active_ids": records.ids},
        }

    # Recipients ---------------------------------------------------------------------------

    def _coka_records(self):
        self.ensure_one()
        if not self.res_model or self.res_model not in self.env:
            raise UserError(self.env._("Open this from a contact, a lead or a call."))
        return self.env[self.res_model].browse(self.res_ids or []).exists()

    @api.depends("res_ids")
    def _compute_recipient_count(self):
        for wizard in self:
            wizard.recipient_count = len(wizard.res_ids or [])

    @staticmethod
    def _coka_partner_of(record):
        if record._name == "res.partner":
            return record
        partner = record["partner_id"] if "partner_id" in record._fields else None
        if partner is not None and partner._name == "res.partner":
            return partner
        return record.env["res.partner"]

    @classmethod
    def _coka_number_of(cls, record):
        for owner in (record, cls._coka_partner_of(record)):
            for name in NUMBER_FIELDS:
                if name in owner._fields and owner[name]:
                    return owner[name]
        return False

    @staticmethod
    def _coka_read_path(record, path):
        """The text of a field path on ``record`` (``partner_id.name``), or ``None`` when
        the path does not exist on its model."""
        value = record
        for name in path.split("."):
            if not isinstance(value, models.BaseModel) or name not in value._fields:
                return None
            value = value[:1][name] if value else False
        if isinstance(value, models.BaseModel):
            return value[:1].display_name or ""
        if value is False or value is None:
            return ""
        return str(value)

    def _coka_field_values(self, record, template):
        """The values of the template's field keywords for ``record``: a path on its contact
        (on the record itself when it has none), ``record.`` on the record, ``user.`` on the
        sender."""
        values = {}
        partner = self._coka_partner_of(record)
        for line in template.keyword_ids.filtered(lambda line: line.source == "field"):
            path = (line.field_path or "").strip()
            if path.startswith("user."):
                text = self._coka_read_path(self.env.user, path[5:])
            elif path.startswith("record."):
                text = self._coka_read_path(record, path[7:])
            elif partner:
                text = self._coka_read_path(partner, path)
            else:
                text = self._coka_read_contact_path(record, path)
            values[line.keyword] = text or ""
        return values

    def _coka_read_contact_path(self, record, path):
        """A contact path read on a record without a contact (a lead, a call): its own
        field of that name. Bridge modules map the contact's fields of their model."""
        return self._coka_read_path(record, path)

    def _coka_values(self, record):
        self.ensure_one()
        values = self._coka_field_values(record, self.template_id)
        values.update({line.keyword: (line.value or "").strip() for line in self.value_ids})
        return values

    # Template, keywords, preview ----------------------------------------------------------

    def _coka_template_domain(self):
        self.ensure_one()
        return [
            ("channel", "=", self.channel),
            ("state", "=", "approved"),
            ("company_id", "in", [False, self.env.company.id]),
        ]

    @api.depends("channel")
    def _compute_template_id(self):
        for wizard in self:
            if wizard.template_id and wizard.template_id.channel == wizard.channel:
                continue
            templates = self.env["coka.message.template"].search(
                wizard._coka_template_domain(), limit=2
            )
            wizard.template_id = templates if len(templates) == 1 else False

    @api.depends("channel")
    def _compute_template_count(self):
        for wizard in self:
            wizard.template_count = self.env["coka.message.template"].search_count(
                wizard._coka_template_domain()
            )

    @api.depends("template_id")
    def _compute_value_ids(self):
        for wizard in self:
            typed = {line.keyword: line.value for line in wizard.value_ids}
            lines = wizard.template_id.keyword_ids.filtered(lambda line: line.source == "typed")
            wizard.value_ids = [Command.clear()] + [
                Command.create(
                    {
                        "keyword": line.keyword,
                        "value": typed.get(line.keyword) or False,
                        "max_length": line.max_length if wizard.channel == "zns" else 0,
                    }
                )
                for line in lines
            ]

    @api.depends("template_id", "value_ids.value", "res_ids", "res_model")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview = False
            wizard.preview_recipient = False
            if not wizard.template_id or not wizard.res_model:
                continue
            record = wizard._coka_records()[:1]
            if not record:
                continue
            wizard.preview_recipient = record.display_name
            wizard.preview = render.preview(wizard.template_id.body, wizard._coka_values(record))

    @api.depends("result_ids.result")
    def _compute_result_counts(self):
        for wizard in self:
            wizard.queued_count = len(wizard.result_ids.filtered(lambda r: r.result == "queued"))
            wizard.refused_count = len(wizard.result_ids) - wizard.queued_count

    # Sending ------------------------------------------------------------------------------

    def _coka_check_template(self):
        self.ensure_one()
        channels = dict(self._fields["channel"]._description_selection(self.env))
        if not self.template_count:
            raise UserError(
                self.env._(
                    "There is no approved %(channel)s template: a Manager approves SMS "
                    "templates, Zalo approves ZNS ones.",
                    channel=channels.get(self.channel),
                )
            )
        template = self.template_id
        if not template:
            raise UserError(self.env._("Choose the template to send."))
        if template.channel != self.channel or template.state != "approved":
            raise UserError(
                self.env._("The template %(name)s is not approved.", name=template.name)
            )

    def _coka_prepare(self, records):
        """Check every recipient.

        :return: list of ``(record, values_or_None, reason_or_None)``: the ``coka.message``
            values of an accepted recipient, or why he is refused
        """
        template = self.template_id
        numbers = {record: self._coka_number_of(record) for record in records}
        blocked = self.env["phone.blacklist"]._coka_find([n for n in numbers.values() if n])
        max_lengths = (
            {line.keyword: line.max_length for line in template.keyword_ids}
            if self.channel == "zns"
            else {}
        )
        prepared = []
        for record in records:
            name = record.display_name
            number = numbers[record]
            key = phone.to_e164(number) if number else False
            entry = blocked.get(key or number or "")
            reason = None
            if entry:
                reason = self.env._(
                    "%(number)s is on the Do Not Contact list: %(reason)s",
                    number=phone.to_display(number),
                    reason=entry.sudo().coka_reason or self.env._("no reason given"),
                )
            elif not number:
                reason = self.env._("%(name)s has no mobile number.", name=name)
            elif not phone.is_mobile(number):
                reason = self.env._(
                    "%(number)s of %(name)s is not a valid mobile number.",
                    number=number,
                    name=name,
                )
            values = self._coka_values(record)
            if not reason:
                missing = render.missing(template.body, values)
                if missing:
                    reason = self.env._(
                        "The keyword %(keyword)s has no value for %(name)s.",
                        keyword=missing[0],
                        name=name,
                    )
            if not reason:
                over = render.too_long(values, max_lengths)
                if over:
                    keyword, length, maximum = over[0]
                    reason = self.env._(
                        "The keyword %(keyword)s is %(length)s characters long for %(name)s: "
                        "Zalo accepts at most %(maximum)s.",
                        keyword=keyword,
                        length=length,
                        name=name,
                        maximum=maximum,
                    )
            if reason:
                prepared.append((record, None, reason))
                continue
            partner = self._coka_partner_of(record)
            prepared.append(
                (
                    record,
                    {
                        "channel": self.channel,
                        "template_id": template.id,
                        "provider_id": template.provider_id.id,
                        "partner_id": partner.id,
                        "number": key,
                        "body": render.render(template.body, values),
                        "template_data": render.template_data(template.body, values)
                        if self.channel == "zns"
                        else False,
                    },
                    None,
                )
            )
        return prepared

    def action_send(self):
        """Queue the messages and trigger the sending cron. One recipient refused: a
        ``UserError`` with the reason; a selection: the result of each recipient."""
        self.ensure_one()
        self._coka_check_template()
        records = self._coka_records()
        if not records:
            raise UserError(self.env._("There is no recipient to send to."))
        prepared = self._coka_prepare(records)
        if len(records) == 1 and prepared[0][2]:
            raise UserError(prepared[0][2])
        messages = self.env["coka.message"].create(
            [values for _record, values, _reason in prepared if values]
        )
        if messages:
            self.env.ref("coka_messaging.ir_cron_coka_message_send").sudo()._trigger()
        if len(records) == 1:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": self.env._(
                        "The message to %(name)s is queued for sending.",
                        name=records.display_name,
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        queued = iter(messages)
        self.write(
            {
                "state": "done",
                "result_ids": [
                    Command.create(
                        {
                            "res_id": record.id,
                            "name": record.display_name,
                            "number": self._coka_number_of(record) or False,
                            "result": "refused" if reason else "queued",
                            "reason": reason or False,
                            "message_id": False if reason else next(queued).id,
                        }
                    )
                    for record, _values, reason in prepared
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send SMS / ZNS"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
        }


class CokaMessageSendValue(models.TransientModel):
    """A keyword of the template typed by the sender."""

    _name = "coka.message.send.value"
    _description = "Send SMS / ZNS: Typed Keyword"

    wizard_id = fields.Many2one("coka.message.send", required=True, ondelete="cascade")
    keyword = fields.Char(required=True, readonly=True)
    value = fields.Char()
    max_length = fields.Integer(string="Maximum Length", readonly=True)


class CokaMessageSendResult(models.TransientModel):
    """What happened to one recipient of a selection."""

    _name = "coka.message.send.result"
    _description = "Send SMS / ZNS: Result"

    wizard_id = fields.Many2one("coka.message.send", required=True, ondelete="cascade")
    res_id = fields.Integer(string="Record ID")
    name = fields.Char(string="Recipient")
    number = fields.Char()
    result = fields.Selection([("queued", "Queued"), ("refused", "Refused")])
    reason = fields.Char()
    message_id = fields.Many2one("coka.message")
