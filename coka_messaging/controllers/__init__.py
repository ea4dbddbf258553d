from . import callback
