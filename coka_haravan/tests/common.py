from odoo.tests.common import TransactionCase

from odoo.addons.coka_pbx.tests.fake_server import LocalServerMixin

from .fake_haravan import FakeHaravan


class HaravanCase(LocalServerMixin, TransactionCase):
    """A company connected to a fake Haravan shop on a local socket, and an agent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.shop = FakeHaravan().start()
        cls.addClassCleanup(cls.shop.stop)
        cls.env.company.write(
            {
                "coka_haravan_shop": "saoviet.myharavan.com",
                "coka_haravan_token": cls.shop.token,
                "coka_haravan_api_url": cls.shop.url,
                "country_id": cls.env.ref("base.vn").id,
            }
        )
        cls.agent = cls.env["res.users"].create(
            {
                "name": "Agent Hà",
                "login": "hrv_agent",
                "groups_id": [(6, 0, [cls.env.ref("coka_pbx.group_agent").id])],
            }
        )
        cls.Partner = cls.env["res.partner"]
        cls.waits = []

    def setUp(self):
        super().setUp()
        self.shop.reset()
        self.waits.clear()

    def _sleep(self, seconds):
        """The client's wait between 429s, recorded and kept short."""
        self.waits.append(seconds)

    def _contact(self, name="Nguyễn Văn An", **values):
        return self.Partner.create({"name": name, **values})
