from . import res_company
from . import res_config_settings
from . import coka_coin_wallet
from . import coka_coin_transaction
from . import coka_coin_topup
