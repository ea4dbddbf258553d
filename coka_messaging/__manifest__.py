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
        "views/res_partner_views.xml",
    ],
    "demo": [
        "demo/coka_messaging_demo.xml",
    ],
}
