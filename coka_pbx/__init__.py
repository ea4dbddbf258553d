from . import controllers
from . import models
from . import wizards


def post_init_hook(env):
    """Every company that exists when the module is installed gets its default hotline."""
    env["res.company"].search([])._coka_ensure_default_hotline()
