from . import coka_pbx_sticky_import
from . import coka_pbx_call_note
