"""Odoo test cases that live outside an addon, run by pytest-odoo on the test database."""

from odoo.tests.common import TransactionCase


class SuiteCase(TransactionCase):
    """A ``TransactionCase`` for the cross-module suite in ``tests/``.

    Odoo gives test tags only to classes under ``odoo.addons``; these get them here.
    """

    test_tags = {"standard", "post_install"}
    test_module = "coka_suite"
    test_sequence = 0

    def __init_subclass__(cls, **kwargs):
        cls.test_class = cls.__name__
        return super().__init_subclass__(**kwargs)
