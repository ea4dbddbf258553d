from . import coka_message_send
