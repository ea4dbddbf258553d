from . import coka_pbx_call_note
from . import coka_lead_assign
from . import coka_lead_token_wizard
