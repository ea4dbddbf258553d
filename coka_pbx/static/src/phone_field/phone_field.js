import { patch } from "@web/core/utils/patch";
import { PhoneField } from "@web/views/fields/phone/phone_field";
import { session } from "@web/session";
import { useClickToCall } from "../click_to_call";

/**
 * The contact a phone field belongs to: the record itself for a contact, else its
 * `partner_id` (a lead's customer), with the name shown in the confirmation.
 *
 * @param {object} record
 * @returns {{ partnerId: number|undefined, partnerName: string|undefined }}
 */
export function phoneFieldContact(record) {
    if (record.resModel === "res.partner") {
        return { partnerId: record.resId || undefined, partnerName: record.data.name || undefined };
    }
    const partner = record.data.partner_id;
    if (Array.isArray(partner) && partner[0]) {
        return { partnerId: partner[0], partnerName: partner[1] };
    }
    return {
        partnerId: undefined,
        partnerName: record.data.contact_name || record.data.partner_name || undefined,
    };
}

/** Click-to-call on every phone field (SPEC PBX-8), next to the number like `sms` does. */
patch(PhoneField.prototype, {
    setup() {
        super.setup(...arguments);
        this.cokaClickToCall = useClickToCall();
    },
    get cokaCanCall() {
        return Boolean(session.coka_agent?.extensions?.length && this.props.record.data[this.props.name]);
    },
    async onCokaCall(ev) {
        ev.stopPropagation();
        ev.preventDefault();
        const record = this.props.record;
        if (record.isDirty && !(await record.save())) {
            return;
        }
        await this.cokaClickToCall({
            number: record.data[this.props.name],
            ...phoneFieldContact(record),
        });
    },
});
