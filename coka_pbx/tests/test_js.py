from odoo.tests import tagged

from odoo.addons.web.tests.test_js import HOOTCommon, unit_test_error_checker

from .common import require_chromium


@tagged("post_install", "-at_install")
class TestCokaPbxJs(HOOTCommon):
    """The Hoot unit tests of the agent's workspace (static/tests), in headless Chromium."""

    def test_hoot_suite(self):
        require_chromium()
        suite = self._generate_hash("@coka_pbx")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={suite}",
            "",
            "",
            login="admin",
            timeout=600,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=unit_test_error_checker,
        )
