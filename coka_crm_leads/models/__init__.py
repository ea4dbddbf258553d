from . import crm_lead
from . import coka_pbx_call
from . import coka_ticket
from . import res_partner
from . import crm_team
from . import coka_lead_token
from . import coka_lead_intake_lock
from . import coka_lead_rotation
