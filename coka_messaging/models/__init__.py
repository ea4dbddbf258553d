from . import coka_message_template
from . import coka_message
from . import coka_message_provider
from . import sms_sms
from . import res_partner
