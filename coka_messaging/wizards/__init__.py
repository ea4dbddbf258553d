from . import sms_composer
from . import coka_message_send
