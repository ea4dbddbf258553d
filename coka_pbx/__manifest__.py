{
    "name": "COKA Call Center PBX",
    "summary": "Hotlines, extensions, agent status, call logs and the PBX HTTP API",
    "version": "18.0.1.0.1",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "application": True,
    "depends": ["mail", "contacts", "phone_validation", "web"],
    "external_dependencies": {"python": ["openpyxl", "phonenumbers", "requests"]},
    "data": [
        "security/coka_pbx_groups.xml",
        "security/ir.model.access.csv",
        "security/coka_pbx_rules.xml",
        "data/coka_pbx_data.xml",
        "data/coka_pbx_hotline_data.xml",
        "views/coka_pbx_provider_views.xml",
        "views/coka_pbx_hotline_views.xml",
        "views/coka_pbx_extension_views.xml",
        "views/coka_pbx_call_views.xml",
        "wizards/coka_pbx_call_note_views.xml",
        "views/coka_pbx_sticky_rule_views.xml",
        "views/res_partner_views.xml",
        "views/res_users_views.xml",
        "views/res_config_settings_views.xml",
        "views/coka_pbx_menus.xml",
    ],
    "demo": [
        "demo/coka_pbx_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "coka_pbx/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "coka_pbx/static/tests/**/*.test.js",
        ],
        "web.assets_tests": [
            "coka_pbx/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
}
