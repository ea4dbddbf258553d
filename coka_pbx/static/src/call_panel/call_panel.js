import { Component, onWillUnmount, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { callSeconds, formatDuration, isLive } from "../call_state";

const DTMF_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

/**
 * The floating call panel (`o_coka_call_panel`, SPEC PBX-8): mounted in the main components
 * registry, so it stays while the agent moves between screens. It shows the calls of the
 * `coka_call` service, which follows the PBX's webhooks over the bus.
 */
export class CokaCallPanel extends Component {
    static template = "coka_pbx.CallPanel";
    static props = {};

    setup() {
        this.coka = useService("coka_call");
        this.action = useService("action");
        this.state = useState({ now: Date.now(), keypad: false, transfer: false, targets: [] });
        this.live = useState(this.coka.state);
        this.dtmfKeys = DTMF_KEYS;
        const timer = setInterval(() => (this.state.now = Date.now()), 1000);
        onWillUnmount(() => clearInterval(timer));
    }

    /** The newest call (read through this component's reactive state, so it re-renders). */
    get call() {
        return Object.values(this.live.calls).sort((a, b) => b.id - a.id)[0];
    }

    get timer() {
        return formatDuration(callSeconds(this.call, new Date(this.state.now)));
    }

    get isLive() {
        return isLive(this.call);
    }

    get statusLabel() {
        return {
            ringing: _t("Ringing"),
            in_progress: _t("In progress"),
            answered: _t("Ended"),
        }[this.call.status] || _t("Ended (not answered)");
    }

    get customerTypeLabel() {
        return {
            prospect: _t("Prospect"),
            customer: _t("Customer"),
            vip: _t("VIP"),
        }[this.call.partner?.customer_type] || "";
    }

    openPartner() {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: this.call.partner.id,
            views: [[false, "form"]],
        });
    }

    onNoteInput(ev) {
        this.live.notes[this.call.id] = ev.target.value;
    }

    async toggleTransfer() {
        this.state.transfer = !this.state.transfer;
        if (this.state.transfer) {
            this.state.targets = await this.coka.extensions();
        }
    }

    async transfer(number) {
        this.state.transfer = false;
        await this.coka.control(this.call.id, "transfer", number);
    }
}

registry.category("main_components").add("coka_pbx.CallPanel", { Component: CokaCallPanel });
