from . import coka_pbx_call_note
