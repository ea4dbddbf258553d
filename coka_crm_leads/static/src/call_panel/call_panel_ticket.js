import { patch } from "@web/core/utils/patch";
import { CokaCallPanel } from "@coka_pbx/call_panel/call_panel";

/**
 * The call panel's "Create ticket" (SPEC CON-5): the server's `action_coka_create_ticket`
 * of the call opens the ticket form in a dialog, its contact, lead and call filled in.
 */
patch(CokaCallPanel.prototype, {
    async createTicket() {
        await this.action.doActionButton({
            type: "object",
            name: "action_coka_create_ticket",
            resModel: "coka.pbx.call",
            resId: this.call.id,
        });
    },
});
