from . import test_ticket
from . import test_caller_card
from . import test_contact_fields
from . import test_call_center_contact
from . import test_js
