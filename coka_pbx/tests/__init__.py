from . import test_phone_keys
from . import test_access
from . import test_hotline
