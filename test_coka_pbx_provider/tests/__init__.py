from . import test_provider_type
