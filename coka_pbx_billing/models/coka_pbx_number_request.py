from odoo import api, fields, models
from odoo.exceptions import UserError

from .coka_pbx_number import NUMBER_TYPES


class CokaPbxNumberRequest(models.Model):
    """A company asks for a number the pool does not offer (SPEC BIL-9).

    Coin Operators get an activity; when done, the chosen number is reserved for the
    company, which then buys it like any pool number.
    """

    _name = "coka.pbx.number.request"
    _description = "Number Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    number_type = fields.Selection(
        NUMBER_TYPES,
        string="Type",
        required=True,
        default="fixed",
    )
    prefix = fields.Char(help="Wanted beginning of the number, e.g. 028 73.")
    pattern = fields.Char(help="Wanted digits or pattern, e.g. ends with 6868.")
    note = fields.Text()
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("rejected", "Rejected"),
        ],
        default="new",
        required=True,
        tracking=True,
    )
    requested_by = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    number_id = fields.Many2one(
        "coka.pbx.number",
        string="Chosen Number",
        tracking=True,
        domain="[('state', 'in', ('available', 'released'))]",
        help="The pool number reserved for the company when the request is done.",
    )

    @api.depends("company_id", "number_type", "prefix")
    def _compute_display_name(self):
        types = dict(self._fields["number_type"]._description_selection(self.env))
        for request in self:
            parts = [request.company_id.name, types.get(request.number_type), request.prefix]
            request.display_name = " - ".join(part for part in parts if part)

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests.sudo()._coka_notify_operators()
        return requests

    def _coka_notify_operators(self):
        for request in self:
            for user in request.company_id._coka_group_users(
                "coka_pbx_billing.group_coin_operator"
            ):
                request.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Process the number request"),
                    user_id=user.id,
                )

    def _coka_check_operator(self):
        if not (self.env.su or self.env.user.has_group("coka_pbx_billing.group_coin_operator")):
            raise UserError(self.env._("Only a Coin Operator can process a number request."))

    def action_start(self):
        self._coka_check_operator()
        if any(request.state != "new" for request in self):
            raise UserError(self.env._("Only new requests can be started."))
        self.write({"state": "in_progress"})
        return True

    def action_done(self):
        """Reserve the chosen number for the company, which may then buy it."""
        self._coka_check_operator()
        for request in self:
            if request.state not in ("new", "in_progress"):
                raise UserError(self.env._("This request is already closed."))
            number = request.number_id
            if not number:
                raise UserError(self.env._("Choose the number to reserve before closing."))
            if number.state not in ("available", "released"):
                raise UserError(
                    self.env._(
                        "The number %(number)s is not available any more.",
                        number=number.number,
                    )
                )
            number.write({"state": "reserved", "company_id": request.company_id.id})
            request.write({"state": "done"})
            request.activity_feedback(
                ["mail.mail_activity_data_todo"],
                feedback=self.env._(
                    "Number %(number)s reserved for %(company)s.",
                    number=number.number,
                    company=request.company_id.name,
                ),
            )
        return True

    def action_reject(self):
        self._coka_check_operator()
        if any(request.state not in ("new", "in_progress") for request in self):
            raise UserError(self.env._("This request is already closed."))
        self.write({"state": "rejected"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True
