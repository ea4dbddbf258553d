import { Component, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The incoming call popup (`o_coka_incoming_call`, SPEC PBX-9): the caller's card for a
 * known number, a quick-create form for an unknown one. Shown in every tab of the agent;
 * acting in one (open, dismiss, create) closes it in the others through the bus.
 */
export class CokaIncomingCall extends Component {
    static template = "coka_pbx.IncomingCall";
    static props = {};

    setup() {
        this.coka = useService("coka_call");
        this.action = useService("action");
        this.live = useState(this.coka.state);
        this.form = useState({ name: "", email: "", customer_type: "prospect" });
    }

    /** The newest incoming call (read through this component's reactive state). */
    get call() {
        return Object.values(this.live.incoming).sort((a, b) => b.id - a.id)[0];
    }

    openPartner(id) {
        this.coka.closePopup(this.call.id);
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    openLead(id) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "crm.lead",
            res_id: id,
            views: [[false, "form"]],
        });
    }

    async create() {
        const data = await this.coka.quickCreate(this.call.id, { ...this.form });
        if (data) {
            this.form.name = "";
            this.form.email = "";
        }
    }
}

registry.category("main_components").add("coka_pbx.IncomingCall", {
    Component: CokaIncomingCall,
});
