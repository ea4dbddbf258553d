from . import coka_pbx_provider
