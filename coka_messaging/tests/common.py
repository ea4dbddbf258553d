import json
import time

from odoo.tests.common import TransactionCase

from odoo.addons.coka_pbx.tests.fake_server import LocalServerMixin
from odoo.addons.coka_pbx.tools import signature

from .fake_providers import FakeEsms, FakeZalo

WEBHOOK_SECRET = "cb-secret"


class MessagingCase(LocalServerMixin, TransactionCase):
    """A company with a fake eSMS and a fake Zalo server on local sockets, and a provider
    record for each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.company.country_id = cls.env.ref("base.vn")
        # The cron sends every due message: only this class's ones are queued.
        cls.env["coka.message"].search([("state", "=", "queued")]).state = "failed"
        cls.esms = FakeEsms().start()
        cls.addClassCleanup(cls.esms.stop)
        cls.zalo = FakeZalo().start()
        cls.addClassCleanup(cls.zalo.stop)
        Provider = cls.env["coka.message.provider"]
        cls.esms_provider = Provider.create(
            {
                "name": "eSMS test",
                "provider_type": "esms",
                "api_url": cls.esms.url,
                "esms_api_key": "key",
                "esms_secret_key": "secret",
                "esms_brandname": "COKA",
                "webhook_secret": WEBHOOK_SECRET,
            }
        )
        cls.zalo_provider = Provider.create(
            {
                "name": "Zalo test",
                "provider_type": "zalo_zns",
                "api_url": cls.zalo.url,
                "zalo_oauth_url": cls.zalo.url,
                "zalo_app_id": "app",
                "zalo_secret_key": "zsecret",
                "zalo_refresh_token": "r0",
                "webhook_secret": WEBHOOK_SECRET,
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Nguyễn Văn An", "mobile": "0912 345 678"}
        )

    def setUp(self):
        super().setUp()
        self.esms.reset()
        self.zalo.reset()

    def _message(self, **values):
        return self.env["coka.message"].create(
            {
                "channel": "sms",
                "number": "+84912345678",
                "body": "Xin chào An",
                "partner_id": self.partner.id,
                **values,
            }
        )

    @staticmethod
    def _signed(body, secret=WEBHOOK_SECRET, timestamp=None):
        timestamp = str(int(timestamp or time.time()))
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        headers = {
            "X-Coka-Timestamp": timestamp,
            "X-Coka-Signature": signature.sign(secret, timestamp, body),
        }
        return headers, body
