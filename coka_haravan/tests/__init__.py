from . import test_settings
from . import test_mapping
from . import test_client
from . import test_haravan_socket
from . import test_haravan_access
