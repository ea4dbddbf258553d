from odoo import api, fields, models

from ..tools.echo_client import EchoPbxClient


class CokaPbxProvider(models.Model):
    """The ``echo`` provider type and its adapter, without any change to ``coka_pbx``."""

    _inherit = "coka.pbx.provider"

    provider_type = fields.Selection(
        selection_add=[("echo", "Echo PBX (tests)")], ondelete={"echo": "set default"}
    )

    @api.model
    def _coka_adapter_class(self, provider_type):
        if provider_type == "echo":
            return EchoPbxClient
        return super()._coka_adapter_class(provider_type)
