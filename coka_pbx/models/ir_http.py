from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Adds ``coka_agent`` for users with an extension: the systray item shows itself
        from it, without a request of its own (SPEC PBX-2)."""
        info = super().session_info()
        user = self.env.user
        extensions = user.coka_extension_ids.filtered("active") if user._is_internal() else []
        if extensions:
            info["coka_agent"] = {
                "status": user.coka_agent_status,
                "extensions": extensions.mapped("number"),
            }
        return info
