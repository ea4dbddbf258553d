from . import intake
from . import contact_fields
from . import source
from . import contact_import
