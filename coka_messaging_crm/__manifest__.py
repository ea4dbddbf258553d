{
    "name": "COKA Call Center Messaging for Leads",
    "summary": "Send SMS and Zalo ZNS templates from leads",
    "version": "18.0.1.0.0",
    "category": "Call Center",
    "website": "https://coka.vn",
    "author": "COKA",
    "license": "LGPL-3",
    "depends": ["coka_messaging", "coka_crm_leads"],
    "data": [
        "views/crm_lead_views.xml",
    ],
    "auto_install": True,
}
