from . import test_wallet
