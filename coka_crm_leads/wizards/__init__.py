from . import coka_pbx_call_note
from . import coka_do_not_contact
from . import coka_do_not_contact_lift
from . import coka_lead_assign
from . import coka_lead_token_wizard
from . import coka_contact_import_line
from . import coka_contact_import
