"""The adapter of the ``echo`` provider type: a PBX that answers every request itself.

It changes what a provider module would change: the transport (``_request``) and how the
PBX authenticates its own requests (a static token header instead of the HMAC signature).
"""

from odoo.addons.coka_pbx.tools.pbx_client import GenericPbxClient

TOKEN_HEADER = "X-Echo-Token"


class EchoPbxClient(GenericPbxClient):
    def __init__(self, base_url, api_key):
        super().__init__(base_url, api_key)
        self.sent = []

    def _request(self, method, path, payload=None, raw=False):
        """Answer like the generic API would, without a network."""
        self.sent.append((method, path, payload))
        if raw:
            return b"echo audio"
        if (method, path) == ("POST", "/calls"):
            return {"call_id": f"echo-{payload['extension']}-{len(self.sent)}"}
        return {"ok": True}

    @classmethod
    def verify_request(cls, secret, headers, body, now):
        if secret and headers.get(TOKEN_HEADER) == secret:
            return None
        return "bad token"
