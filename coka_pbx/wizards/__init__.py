from . import coka_pbx_sticky_import
