from odoo import fields, models


class CokaLeadTokenWizard(models.TransientModel):
    """Name a new lead intake token, generate it and show it once (like Odoo's API keys)."""

    _name = "coka.lead.token.wizard"
    _description = "New Lead Intake Token"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    def action_coka_generate(self):
        self.ensure_one()
        token = self.env["coka.lead.token"].create(
            {"name": self.name, "company_id": self.company_id.id}
        )
        clear = token._coka_generate()
        return {
            "type": "ir.actions.act_window",
            "res_model": "coka.lead.token.show",
            "name": self.env._("Lead Intake Token Ready"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_token": clear, "default_name": token.name},
        }


class CokaLeadTokenShow(models.AbstractModel):
    """The clear token, shown once: it lives only in the action's context, never stored."""

    _name = "coka.lead.token.show"
    _description = "Show Lead Intake Token"

    # The field 'id' is needed by the onchange that returns the value of 'token'.
    id = fields.Id()
    name = fields.Char(readonly=True)
    token = fields.Char(readonly=True)
