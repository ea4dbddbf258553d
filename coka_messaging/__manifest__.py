{
    "name": "COKA Call Center Messaging",
    "summary": "SMS and Zalo ZNS message templates and the message log",
    "version": "18.0.1.0.0",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["sms", "coka_pbx"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/coka_messaging_rules.xml",
        "views/coka_message_template_views.xml",
        "views/coka_message_views.xml",
        "views/coka_message_provider_views.xml",
        "views/coka_messaging_menus.xml",
        "data/coka_message_data.xml",
        "wizards/coka_message_send_views.xml",
        "views/res_partner_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "coka_messaging/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "coka_messaging/static/tests/**/*.test.js",
        ],
        "web.assets_tests": [
            "coka_messaging/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/coka_messaging_demo.xml",
    ],
}
