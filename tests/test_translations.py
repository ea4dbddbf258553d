"""Every user-facing string of every module has its Vietnamese translation (SPEC §0).

Runs on the test database through pytest-odoo: the terms are the ones Odoo itself extracts
for each installed module (models, views, menus, groups, Python ``_()`` calls).
"""

import re

import polib

from odoo.tools.translate import TranslationModuleReader

from .odoo_case import SuiteCase
from .odoo_server import ROOT

MODULES = [
    "coka_pbx",
    "coka_pbx_billing",
    "coka_crm_leads",
    "coka_messaging",
    "coka_haravan",
    "coka_messaging_crm",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}")


class TestVietnameseTranslations(SuiteCase):
    def test_every_term_has_a_vietnamese_translation(self):
        for module in MODULES:
            with self.subTest(module=module):
                with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
                    # A source file the extractor cannot read hides its terms (and logs why).
                    reader = TranslationModuleReader(self.env.cr, modules=[module])
                terms = {row[4] for row in reader}
                self.assertTrue(terms, f"{module} exports no term")
                catalog = polib.pofile(str(ROOT / module / "i18n" / "vi_VN.po"))
                self.assertEqual(catalog.metadata.get("Language"), "vi_VN")
                translated = {
                    entry.msgid
                    for entry in catalog
                    if entry.msgstr.strip() and not entry.fuzzy and not entry.obsolete
                }
                missing = sorted(terms - translated)
                self.assertFalse(missing, f"{module}: untranslated terms: {missing[:10]}")

    def test_placeholders_survive_translation(self):
        for module in MODULES:
            catalog = polib.pofile(str(ROOT / module / "i18n" / "vi_VN.po"))
            for entry in catalog:
                with self.subTest(module=module, msgid=entry.msgid[:40]):
                    self.assertEqual(
                        sorted(PLACEHOLDER.findall(entry.msgid)),
                        sorted(PLACEHOLDER.findall(entry.msgstr)),
                    )

    def test_web_client_terms_are_flagged_for_the_web_client(self):
        """Odoo sends the web client only the terms of a .po flagged ``odoo-javascript``: a
        term of static/src whose entry lost the flag (a merge of two catalogues) shows in
        English in the browser, translated or not."""
        for module in MODULES:
            with self.subTest(module=module):
                reader = TranslationModuleReader(self.env.cr, modules=[module])
                web_terms = {row[4] for row in reader if "odoo-javascript" in (row[6] or [])}
                catalog = polib.pofile(str(ROOT / module / "i18n" / "vi_VN.po"))
                flagged = {entry.msgid for entry in catalog if "odoo-javascript" in entry.comment}
                missing = sorted(web_terms - flagged)
                self.assertFalse(missing, f"{module}: not flagged odoo-javascript: {missing[:10]}")
