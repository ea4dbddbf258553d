from . import res_company
from . import res_config_settings
from . import res_partner
from . import coka_haravan_sync_job
from . import crm_lead
