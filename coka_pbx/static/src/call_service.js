import { reactive } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { isRingMuted } from "./agent_status/ring_preference";
import { refusalMessage } from "./click_to_call";
import { applyCallState, canClose, isLive } from "./call_state";

const RING_URL = "/mail/static/src/audio/call_02_in_.mp3";

/**
 * Service `coka_call`: the agent's live calls and incoming popups, kept from Odoo's bus
 * (`coka_pbx/call_state`, `coka_pbx/incoming_call`, `coka_pbx/call_closed`, sent by the
 * server to this agent only) and from `/coka_pbx/call/open` at start (pending wrap-ups
 * survive a reload). Every tab of the agent receives the same notifications, so acting in
 * one tab (closing the popup, saving the note) closes it in the others.
 */
export const cokaCallService = {
    dependencies: ["bus_service", "notification"],
    start(env, { bus_service, notification }) {
        const state = reactive({ calls: {}, incoming: {}, notes: {} });
        let ring = null;

        function stopRing() {
            if (ring) {
                ring.pause();
                ring = null;
            }
        }
        function startRing() {
            if (isRingMuted() || ring || typeof Audio === "undefined") {
                return;
            }
            ring = new Audio(RING_URL);
            ring.loop = true;
            ring.play().catch(() => (ring = null));
        }
        function notifyHidden(payload) {
            if (!document.hidden || typeof Notification === "undefined") {
                return;
            }
            if (Notification.permission !== "granted") {
                return;
            }
            const card = payload.caller_card;
            const who = card ? card.name : payload.customer_number;
            const desktop = new Notification(_t("Incoming call"), { body: who || "" });
            desktop.onclick = () => {
                window.focus();
                desktop.close();
            };
        }
        function showError(error) {
            notification.add(refusalMessage(error), { type: "danger" });
        }
        async function call(route, params = {}) {
            try {
                return await rpc(route, params);
            } catch (error) {
                showError(error);
                return null;
            }
        }
        function onCallState(payload) {
            applyCallState(state.calls, payload);
            const incoming = state.incoming[payload.id];
            // Answered (in progress) or over: the popup has done its job.
            if (incoming && payload.status !== "ringing") {
                delete state.incoming[payload.id];
            } else if (incoming) {
                Object.assign(incoming, payload);
            }
            if (payload.status !== "ringing" || !Object.keys(state.incoming).length) {
                if (!Object.values(state.incoming).some((c) => c.status === "ringing")) {
                    stopRing();
                }
            }
        }
        function forget(id) {
            delete state.incoming[id];
            delete state.calls[id];
            delete state.notes[id];
            if (!Object.keys(state.incoming).length) {
                stopRing();
            }
        }

        bus_service.subscribe("coka_pbx/call_state", onCallState);
        bus_service.subscribe("coka_pbx/incoming_call", (payload) => {
            state.incoming[payload.id] = payload;
            onCallState(payload);
            startRing();
            notifyHidden(payload);
        });
        bus_service.subscribe("coka_pbx/call_closed", ({ id }) => {
            delete state.incoming[id];
            const known = state.calls[id];
            if (known && canClose(known).ok) {
                forget(id);
            }
            if (!Object.keys(state.incoming).length) {
                stopRing();
            }
        });
        bus_service.start();
        call("/coka_pbx/call/open").then((calls) => {
            for (const data of calls || []) {
                applyCallState(state.calls, data);
            }
        });

        return {
            state,
            stopRing,
            get calls() {
                return Object.values(state.calls).sort((a, b) => b.id - a.id);
            },
            get incoming() {
                return Object.values(state.incoming).sort((a, b) => b.id - a.id);
            },
            async control(id, action, argument = null) {
                const data = await call(`/coka_pbx/call/${id}/control`, { action, argument });
                if (data) {
                    onCallState(data);
                }
                return data;
            },
            async saveNote(id) {
                const note = (state.notes[id] || "").trim();
                if (!note) {
                    notification.add(_t("Write a note before closing the call."), {
                        type: "warning",
                    });
                    return false;
                }
                const data = await call(`/coka_pbx/call/${id}/note`, { note });
                if (data) {
                    forget(id);
                    notification.add(_t("The note is saved."), { type: "success" });
                }
                return Boolean(data);
            },
            /** Close the call's panel; refused (with the reason) before the wrap-up note. */
            close(id) {
                const known = state.calls[id];
                const check = known ? canClose(known, state.notes[id]) : { ok: true };
                if (!check.ok) {
                    notification.add(
                        check.reason === "live"
                            ? _t("The call is not over: hang up before closing it.")
                            : _t("Write a note before closing the call."),
                        { type: "warning" }
                    );
                    return false;
                }
                if (known && known.needs_wrapup) {
                    return this.saveNote(id);
                }
                forget(id);
                return true;
            },
            /** The agent acted on the popup: close it here and in his other tabs. */
            async closePopup(id) {
                delete state.incoming[id];
                stopRing();
                await call(`/coka_pbx/call/${id}/close_popup`);
            },
            async quickCreate(id, values) {
                const data = await call(`/coka_pbx/call/${id}/quick_create`, values);
                if (data) {
                    onCallState(data);
                    const incoming = state.incoming[id];
                    if (incoming) {
                        incoming.partner = data.partner;
                        incoming.caller_card = {
                            ...data.partner,
                            customer_type_label: "",
                            owner: false,
                            calls: [],
                            leads: [],
                        };
                    }
                }
                return data;
            },
            async extensions() {
                return (await call("/coka_pbx/call/extensions")) || [];
            },
        };
    },
};

registry.category("services").add("coka_call", cokaCallService);
