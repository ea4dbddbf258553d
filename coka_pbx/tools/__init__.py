from . import phone
from . import signature
from . import cdr
from . import routing
from . import pbx_client
from . import sticky
from . import sticky_import
from . import qa
