import { Component, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { Dropdown } from "@web/core/dropdown/dropdown";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { useService } from "@web/core/utils/hooks";
import { session } from "@web/session";
import { originateCall, refusalMessage } from "../click_to_call";
import { isRingMuted, setRingMuted } from "./ring_preference";

export const DIAL_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

/**
 * Keeps what a dial pad may call: digits, +, *, #, and drops spaces, dots, dashes and
 * parentheses of a pasted number.
 *
 * @param {string} text
 * @returns {string}
 */
export function cleanDialNumber(text) {
    return (text || "").replace(/[^\d+*#]/g, "");
}

/**
 * The agent's systray item (SPEC PBX-2, PBX-8): his status ON / OFF with his extension, one
 * click switches it; the phone icon opens the dial pad with his last calls, the ring mute
 * toggle and the request for browser notifications.
 */
export class AgentStatus extends Component {
    static template = "coka_pbx.AgentStatus";
    static components = { Dropdown };
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.notification = useService("notification");
        this.dialKeys = DIAL_KEYS;
        const agent = session.coka_agent || {};
        this.state = useState({
            status: agent.status || "off",
            extensions: agent.extensions || [],
            recentCalls: [],
            number: "",
            busy: false,
            ringMuted: isRingMuted(),
            permission: browser.Notification?.permission || "unsupported",
        });
    }

    get isOn() {
        return this.state.status === "on";
    }

    get extensionLabel() {
        return this.state.extensions.join(", ");
    }

    get statusTitle() {
        return this.isOn
            ? _t("You are ON: calls ring your extension. Click to switch OFF.")
            : _t("You are OFF: no call rings your extension. Click to switch ON.");
    }

    applyWorkspace(workspace) {
        this.state.status = workspace.status;
        this.state.extensions = workspace.extensions;
        this.state.recentCalls = workspace.recent_calls;
    }

    async toggleStatus() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        const status = this.isOn ? "off" : "on";
        try {
            const workspace = await this.orm.call("res.users", "coka_set_agent_status", [
                [user.userId],
                status,
            ]);
            this.applyWorkspace(workspace);
            this.notification.add(
                status === "on"
                    ? _t("You are ON: calls ring your extension again.")
                    : _t("You are OFF: no call rings your extension."),
                { type: status === "on" ? "success" : "warning" }
            );
        } catch (error) {
            this.notification.add(refusalMessage(error), { type: "danger" });
        } finally {
            this.state.busy = false;
        }
    }

    async onDialPadOpened(open) {
        if (!open) {
            return;
        }
        this.state.permission = browser.Notification?.permission || "unsupported";
        try {
            this.applyWorkspace(await this.orm.call("res.users", "coka_agent_workspace", []));
        } catch (error) {
            this.notification.add(refusalMessage(error), { type: "danger" });
        }
    }

    pressKey(key) {
        this.state.number += key;
    }

    eraseKey() {
        this.state.number = this.state.number.slice(0, -1);
    }

    onNumberInput(ev) {
        this.state.number = cleanDialNumber(ev.target.value);
        ev.target.value = this.state.number;
    }

    onNumberKeydown(ev) {
        if (ev.key === "Enter") {
            this.call();
        }
    }

    async call(target) {
        const number = target ? target.number : this.state.number;
        if (!number) {
            this.notification.add(_t("Type a number to call."), { type: "warning" });
            return;
        }
        const call = await originateCall(
            { notification: this.notification },
            {
                number,
                partnerId: target?.partner?.id,
                partnerName: target?.partner?.name,
            }
        );
        if (call && !target) {
            this.state.number = "";
        }
    }

    toggleRing() {
        this.state.ringMuted = !this.state.ringMuted;
        setRingMuted(this.state.ringMuted);
    }

    async askNotificationPermission() {
        if (!browser.Notification) {
            return;
        }
        this.state.permission = await browser.Notification.requestPermission();
        if (this.state.permission === "granted") {
            this.notification.add(
                _t("Browser notifications are on: a call shows even when this tab is hidden."),
                { type: "success" }
            );
        }
    }

    directionIcon(call) {
        return call.direction === "inbound" ? "fa-arrow-down" : "fa-arrow-up";
    }

    callTitle(call) {
        return call.partner ? `${call.partner.name} (${call.number})` : call.number;
    }
}

export const agentStatusItem = {
    Component: AgentStatus,
    isDisplayed: () => Boolean(session.coka_agent?.extensions?.length),
};

registry.category("systray").add("coka_pbx.agent_status", agentStatusItem, { sequence: 90 });
