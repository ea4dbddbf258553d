from . import intake
from . import contact_fields
from . import contact_import
