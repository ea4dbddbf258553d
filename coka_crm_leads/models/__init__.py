from . import crm_lead
from . import coka_pbx_call
from . import coka_ticket
from . import res_partner
from . import coka_contact_field
