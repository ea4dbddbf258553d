from odoo.tests import tagged

from odoo.addons.coka_pbx.tests.common import require_chromium
from odoo.addons.web.tests.test_js import HOOTCommon, unit_test_error_checker


@tagged("post_install", "-at_install")
class TestCokaMessagingJs(HOOTCommon):
    """The Hoot unit tests of this module (static/tests), in headless Chromium."""

    def test_hoot_suite(self):
        require_chromium()
        suite = self._generate_hash("@coka_messaging")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={suite}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=unit_test_error_checker,
        )
