from . import coka_message_template
from . import coka_message
from . import coka_message_provider
from . import sms_sms
from . import res_partner
from . import coka_message_template_keyword
from . import coka_pbx_call
