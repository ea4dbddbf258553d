from . import coka_customer_mixin
from . import crm_lead
from . import coka_pbx_call
from . import coka_ticket
from . import res_partner
