{
    "name": "COKA Call Center Billing",
    "summary": "Coin wallet and ledger, PBX package seats, renewal and hotline numbers",
    "version": "18.0.1.0.0",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["coka_pbx"],
    "external_dependencies": {"python": ["python-dateutil"]},
    "data": [
        "security/coka_pbx_billing_groups.xml",
        "security/ir.model.access.csv",
        "security/coka_pbx_billing_rules.xml",
        "data/coka_pbx_billing_data.xml",
        "views/coka_coin_wallet_views.xml",
        "views/coka_coin_transaction_views.xml",
        "views/res_config_settings_views.xml",
        "views/coka_pbx_billing_menus.xml",
    ],
    "demo": [
        "demo/coka_pbx_billing_demo.xml",
    ],
}
