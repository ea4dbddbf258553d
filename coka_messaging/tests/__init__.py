from . import test_templates
from . import test_do_not_contact
from . import test_partner_messages
