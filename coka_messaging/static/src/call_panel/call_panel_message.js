import { patch } from "@web/core/utils/patch";
import { CokaCallPanel } from "@coka_pbx/call_panel/call_panel";

/**
 * The call panel's "Send SMS / ZNS" (SPEC MSG-2): the server's `action_coka_send_message`
 * of the call opens the send wizard for the caller in a dialog.
 */
patch(CokaCallPanel.prototype, {
    async sendMessage() {
        await this.action.doActionButton({
            type: "object",
            name: "action_coka_send_message",
            resModel: "coka.pbx.call",
            resId: this.call.id,
        });
    },
});
