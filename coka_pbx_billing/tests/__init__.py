from . import test_wallet
from . import test_pricing
from . import test_package
from . import test_members
from . import test_numbers
from . import test_roles
