from . import echo_client
