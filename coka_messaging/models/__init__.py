from . import coka_message_template
from . import coka_message
from . import res_partner
