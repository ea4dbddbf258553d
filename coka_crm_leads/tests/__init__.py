from . import test_ticket
from . import test_caller_card
from . import test_lead_assignment
from . import test_lead_token
from . import test_lead_intake
