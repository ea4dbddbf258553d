from . import contact_fields
