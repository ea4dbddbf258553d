from . import haravan_client, mapping
