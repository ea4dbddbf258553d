from . import test_lead_send
