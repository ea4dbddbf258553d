from . import coka_pbx_call_note
from . import coka_do_not_contact
from . import coka_do_not_contact_lift
