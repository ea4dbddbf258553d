from . import test_wallet
from . import test_pricing
