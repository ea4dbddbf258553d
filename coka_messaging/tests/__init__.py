from . import test_templates
from . import test_do_not_contact
from . import test_message_clients
from . import test_message_socket
from . import test_message_cron
from . import test_sms_provider
from . import test_callback_http
from . import test_provider_access
