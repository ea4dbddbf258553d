from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .. import post_init_hook
from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestDefaultHotline(CokaPbxCase):
    """Issue 9.11, SPEC PBX-1: each company has one default hotline, from its creation or
    from the installation of the module."""

    def _defaults_per_company(self):
        groups = (
            self.env["coka.pbx.hotline"]
            .with_context(active_test=False)
            ._read_group([("is_default", "=", True)], ["company_id"], ["__count"])
        )
        return {company: count for company, count in groups}

    def test_a_new_company_gets_its_default_hotline(self):
        company = self.env["res.company"].create({"name": "Công ty Mới"})
        hotline = company._coka_default_hotline()
        self.assertTrue(hotline.is_default)
        self.assertEqual(hotline.company_id, company)
        self.assertFalse(hotline.number)
        self.assertEqual(hotline.display_name, "Default hotline (number not assigned yet)")
        # It waits for its number: nothing routes to it until then.
        self.assertIsNone(self.env["coka.pbx.hotline"]._coka_route_setup(company.id, False))
        hotline.number = "024 7300 1234"
        self.assertEqual(hotline.display_name, "024 7300 1234")
        setup = self.env["coka.pbx.hotline"]._coka_route_setup(company.id, "+842473001234")
        self.assertEqual(setup[0], hotline.id)

    def test_every_company_has_one_and_installing_again_adds_none(self):
        self.env["res.company"].create([{"name": "Công ty A"}, {"name": "Công ty B"}])
        companies = self.env["res.company"].search([])
        self.assertEqual(self._defaults_per_company(), dict.fromkeys(companies, 1))
        post_init_hook(self.env)
        self.assertFalse(companies._coka_ensure_default_hotline())
        self.assertEqual(self._defaults_per_company(), dict.fromkeys(companies, 1))

    def test_an_archived_default_hotline_still_counts(self):
        company = self.env["res.company"].create({"name": "Công ty C"})
        default = company._coka_default_hotline()
        default.write({"number": "024 7300 4321", "active": False})
        self.assertFalse(company._coka_ensure_default_hotline())

    def test_only_the_default_hotline_waits_for_its_number(self):
        with self.assertRaisesRegex(ValidationError, "Only the company's default hotline"):
            self.env["coka.pbx.hotline"].create({"number": False})
        company = self.env["res.company"].create({"name": "Công ty D"})
        with self.assertRaisesRegex(ValidationError, "Only the company's default hotline"):
            company._coka_default_hotline().is_default = False
