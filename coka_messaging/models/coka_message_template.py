import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import render

_logger = logging.getLogger(__name__)


class CokaMessageTemplate(models.Model):
    """An SMS or Zalo ZNS template with keywords (SPEC MSG-1).

    Its keyword lines follow the body's ``{{keywords}}`` (kept mappings stay). An SMS
    template is approved by a Call Center Manager; a ZNS one takes the status of its template
    at Zalo (``action_sync_zns`` and a daily cron)."""

    _name = "coka.message.template"
    _description = "Message Template"
    _inherit = ["mail.thread"]
    _order = "channel, name, id"

    name = fields.Char(required=True)
    channel = fields.Selection([("sms", "SMS"), ("zns", "Zalo ZNS")], required=True, default="sms")
    body = fields.Text(required=True, help="Text with keywords such as {{customer_name}}.")
    keyword_list = fields.Char(string="Keywords", compute="_compute_keyword_list")
    keyword_ids = fields.One2many(
        "coka.message.template.keyword",
        "template_id",
        string="Keyword Mapping",
        compute="_compute_keyword_ids",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
    )
    provider_id = fields.Many2one(
        "coka.message.provider",
        help="Empty: the company's active provider of the channel.",
    )
    provider_template_ref = fields.Char(
        string="Provider Template ID", help="Template id registered at Zalo for ZNS."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending approval"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="draft",
        tracking=True,
    )
    zns_status = fields.Char(
        string="Zalo Status", readonly=True, copy=False, help="The status Zalo last gave."
    )
    zns_sync_date = fields.Datetime(string="Synced On", readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True)

    @api.depends("body")
    def _compute_keyword_list(self):
        for template in self:
            template.keyword_list = ", ".join(render.keywords(template.body))

    @api.depends("body")
    def _compute_keyword_ids(self):
        """One line per keyword of the body, in order: a line whose keyword stays keeps its
        mapping, a new keyword gets a line (a known name is mapped to the contact's field,
        e.g. customer_name -> name), a keyword gone loses its line."""
        for template in self:
            names = render.keywords(template.body)
            lines = {line.keyword: line for line in template.keyword_ids}
            commands = [
                Command.unlink(line.id) for keyword, line in lines.items() if keyword not in names
            ]
            for sequence, name in enumerate(names):
                line = lines.get(name)
                if line:
                    commands.append(Command.update(line.id, {"sequence": sequence}))
                    continue
                path = render.DEFAULT_FIELDS.get(name)
                commands.append(
                    Command.create(
                        {
                            "keyword": name,
                            "sequence": sequence,
                            "source": "field" if path else "typed",
                            "field_path": path or False,
                        }
                    )
                )
            template.keyword_ids = commands

    # Approval -----------------------------------------------------------------------------

    def _coka_check_manager(self):
        if not self.env.user.has_group("coka_pbx.group_manager"):
            raise UserError(self.env._("Only a Call Center Manager approves message templates."))

    def action_submit(self):
        self.write({"state": "pending"})

    def action_approve(self):
        self._coka_check_manager()
        if any(template.channel == "zns" for template in self):
            raise UserError(
                self.env._("Zalo approves ZNS templates: use Sync from Zalo to take its status.")
            )
        self.write({"state": "approved"})

    def action_reject(self):
        self._coka_check_manager()
        self.write({"state": "rejected"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    # Zalo ZNS status (SPEC MSG-1) ---------------------------------------------------------

    def _coka_provider(self):
        self.ensure_one()
        return self.provider_id or self.env["coka.message.provider"]._coka_for_company(
            self.company_id, self.channel
        )

    def _coka_sync_zns_one(self):
        """Take the template's status and parameter lengths from Zalo.

        :raise UserError: no provider or template id, or Zalo's refusal
        """
        self.ensure_one()
        if self.channel != "zns":
            raise UserError(self.env._("Only Zalo ZNS templates are synced from Zalo."))
        if not self.provider_template_ref:
            raise UserError(
                self.env._("The template %(name)s has no Zalo template id.", name=self.name)
            )
        provider = self._coka_provider()
        if not provider or provider.provider_type != "zalo_zns":
            raise UserError(self.env._("There is no active Zalo ZNS provider for this company."))
        client = provider._coka_client()
        if not hasattr(client, "template_info"):
            raise UserError(self.env._("This provider cannot tell a template's status."))
        try:
            info = client.template_info(self.provider_template_ref)
        except ProviderError as error:
            raise provider._coka_user_error(error) from None
        state = render.ZNS_STATUS_STATES.get(info["status"], "pending")
        values = {"zns_status": info["status"], "zns_sync_date": fields.Datetime.now()}
        if state != self.state:
            values["state"] = state
        self.sudo().write(values)
        for line in self.sudo().keyword_ids:
            if line.keyword in info["params"]:
                line.max_length = info["params"][line.keyword]
        if info["reason"] and state == "rejected":
            self.message_post(body=self.env._("Zalo: %(reason)s", reason=info["reason"]))
        return state

    def action_sync_zns(self):
        """The "Sync from Zalo" button (for those who may edit templates)."""
        self.check_access("write")
        for template in self:
            template._coka_sync_zns_one()
        return True

    @api.model
    def _cron_sync_zns(self):
        """Daily: every active ZNS template with a Zalo id takes Zalo's status; one refused
        template is logged and the others go on."""
        templates = self.search(
            [("channel", "=", "zns"), ("provider_template_ref", "!=", False)], order="id"
        )
        synced = 0
        for template in templates:
            try:
                template._coka_sync_zns_one()
                synced += 1
            except UserError as error:
                _logger.info("ZNS template %s not synced: %s", template.id, error.args[0])
        return synced
