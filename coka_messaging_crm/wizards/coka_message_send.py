from odoo import models

# A lead without a contact: the contact's fields are its own of another name.
LEAD_CONTACT_FIELDS = {"name": ("contact_name", "partner_name"), "mobile": ("mobile", "phone")}


class CokaMessageSend(models.TransientModel):
    _inherit = "coka.message.send"

    def _coka_read_contact_path(self, record, path):
        if record._name == "crm.lead" and path in LEAD_CONTACT_FIELDS:
            for name in LEAD_CONTACT_FIELDS[path]:
                if record[name]:
                    return record[name]
        return super()._coka_read_contact_path(record, path)
