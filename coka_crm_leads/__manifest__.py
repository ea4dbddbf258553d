{
    "name": "COKA Call Center Leads",
    "summary": "Leads and tickets in the Call Center",
    "version": "18.0.1.0.0",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["crm", "coka_pbx"],
    "data": [
        "security/ir.model.access.csv",
        "security/coka_crm_leads_rules.xml",
        "data/coka_crm_leads_data.xml",
        "views/coka_ticket_views.xml",
        "views/crm_lead_call_center_views.xml",
        "wizards/coka_lead_assign_views.xml",
        "views/crm_lead_views.xml",
        "wizards/coka_pbx_call_note_views.xml",
        "wizards/coka_do_not_contact_views.xml",
        "views/coka_crm_leads_menus.xml",
        "views/coka_lead_token_views.xml",
        "views/crm_lead_intake_views.xml",
        "data/coka_contact_field_views_data.xml",
        "views/coka_contact_field_views.xml",
        "views/res_partner_call_center_views.xml",
        "views/res_partner_timeline_views.xml",
        "views/coka_contact_import_job_views.xml",
        "wizards/coka_contact_import_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "coka_crm_leads/static/src/**/*",
        ],
        "web.assets_unit_tests": [
            "coka_crm_leads/static/tests/**/*.test.js",
        ],
        "web.assets_tests": [
            "coka_crm_leads/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/coka_crm_leads_demo.xml",
    ],
}
