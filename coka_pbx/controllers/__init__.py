from . import pbx_api
from . import call_control
from . import sticky_files
from . import call_recording
