from . import coka_pbx_package_activate
from . import coka_pbx_seat_add
from . import coka_pbx_package_renew
from . import coka_pbx_member_add
from . import coka_pbx_member_remove
from . import coka_pbx_number_buy
