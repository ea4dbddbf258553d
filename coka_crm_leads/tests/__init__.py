from . import test_ticket
from . import test_caller_card
from . import test_do_not_contact
from . import test_lead_access
from . import test_lead_call_center
from . import test_tours
