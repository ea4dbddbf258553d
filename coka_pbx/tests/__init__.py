from . import test_phone_keys
from . import test_access
from . import test_hotline
from . import test_webhook
from . import test_routing
from . import test_click_to_call
from . import test_sticky
from . import test_call_rpc
