from . import test_templates
