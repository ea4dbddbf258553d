from . import main
from . import contact_import
