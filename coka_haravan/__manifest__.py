{
    "name": "COKA Call Center Haravan",
    "summary": "Haravan shop connection and per-contact sync status",
    "version": "18.0.1.0.0",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["coka_crm_leads"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
    ],
}
