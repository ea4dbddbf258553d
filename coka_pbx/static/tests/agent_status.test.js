import { describe, expect, test } from "@odoo/hoot";
import { waitFor } from "@odoo/hoot-dom";
import { animationFrame } from "@odoo/hoot-mock";
import {
    contains,
    makeServerError,
    mountWithCleanup,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { defineMailModels } from "@mail/../tests/mail_test_helpers";
import { MainComponentsContainer } from "@web/core/main_components_container";
import { session } from "@web/session";

import { AgentStatus, agentStatusItem, cleanDialNumber } from "@coka_pbx/agent_status/agent_status";
import { isRingMuted, RING_MUTED_KEY, setRingMuted } from "@coka_pbx/agent_status/ring_preference";

describe.current.tags("desktop");
defineMailModels();

const RECENT = [
    {
        id: 7,
        number: "+84912000555",
        partner: { id: 3, name: "Đặng Thu Hà" },
        direction: "inbound",
        status: "answered",
        date: "2026-12-01 08:00:00",
    },
];

function workspace(status) {
    return { status, extensions: ["101"], recent_calls: RECENT };
}

async function mountAgentStatus(status = "on") {
    patchWithCleanup(session, { coka_agent: { status, extensions: ["101"] } });
    onRpc("/coka_pbx/call/open", () => []); // the coka_call service's pending wrap-ups
    await mountWithCleanup(MainComponentsContainer);
    await mountWithCleanup(AgentStatus, { noMainContainer: true });
}

test("ring preference is kept in localStorage", () => {
    setRingMuted(true);
    expect(isRingMuted()).toBe(true);
    expect(localStorage.getItem(RING_MUTED_KEY)).toBe("1");
    setRingMuted(false);
    expect(isRingMuted()).toBe(false);
    expect(localStorage.getItem(RING_MUTED_KEY)).toBe(null);
});

test("a pasted number keeps digits, plus, star and hash", () => {
    expect(cleanDialNumber("+84 (912) 000-555")).toBe("+84912000555");
    expect(cleanDialNumber("0912.000.555 ext")).toBe("0912000555");
    expect(cleanDialNumber("*21#")).toBe("*21#");
});

test("one click switches the agent OFF, then ON", async () => {
    onRpc("res.users", "coka_set_agent_status", ({ args }) => {
        expect.step(args[1]);
        return workspace(args[1]);
    });
    await mountAgentStatus("on");
    expect(".o_coka_agent_status_toggle").toHaveAttribute("data-status", "on");
    expect(".o_coka_agent_status_label").toHaveText("ON");
    expect(".o_coka_agent_extension").toHaveText("101");
    await contains(".o_coka_agent_status_toggle").click();
    expect(".o_coka_agent_status_toggle").toHaveAttribute("data-status", "off");
    expect(".o_coka_agent_status_label").toHaveText("OFF");
    await contains(".o_coka_agent_status_toggle").click();
    expect(".o_coka_agent_status_toggle").toHaveAttribute("data-status", "on");
    expect.verifySteps(["off", "on"]);
});

test("a refused status switch shows a notification and keeps the status", async () => {
    onRpc("res.users", "coka_set_agent_status", () => {
        throw makeServerError({ message: "You can only change your own agent status." });
    });
    await mountAgentStatus("on");
    await contains(".o_coka_agent_status_toggle").click();
    await animationFrame();
    expect(".o_notification").toHaveText("You can only change your own agent status.");
    expect(".o_error_dialog").toHaveCount(0);
    expect(".o_coka_agent_status_toggle").toHaveAttribute("data-status", "on");
});

test("the dial pad calls the typed number and lists the last calls", async () => {
    onRpc("res.users", "coka_agent_workspace", () => workspace("on"));
    onRpc("/coka_pbx/call/originate", async (request) => {
        const { params } = await request.json();
        expect.step(`${params.number}|${params.partner_id}`);
        return { id: 9, status: "ringing" };
    });
    await mountAgentStatus("on");
    await contains(".o_coka_dialpad_toggle").click();
    await waitFor(".o_coka_recent_call");
    expect(".o_coka_recent_call").toHaveCount(1);
    expect(".o_coka_recent_call").toHaveText("Đặng Thu Hà (+84912000555)");
    for (const key of "0912") {
        await contains(`.o_coka_dialpad_key[data-key="${key}"]`).click();
    }
    await contains(".o_coka_dialpad_erase").click();
    await contains(".o_coka_dialpad_key[data-key='3']").click();
    expect(".o_coka_dialpad_number").toHaveValue("0913");
    await contains(".o_coka_dialpad_call").click();
    await contains(".o_coka_recent_call_back").click();
    expect.verifySteps(["0913|null", "+84912000555|3"]);
    expect(".o_coka_dialpad_number").toHaveValue("");
});

test("a refusal of the server shows as a notification, not a traceback", async () => {
    onRpc("res.users", "coka_agent_workspace", () => workspace("on"));
    onRpc("/coka_pbx/call/originate", () => {
        throw makeServerError({ message: "This number is on the Do-Not-Contact list." });
    });
    await mountAgentStatus("on");
    await contains(".o_coka_dialpad_toggle").click();
    await contains(".o_coka_dialpad_number").edit("0912 000 555");
    await contains(".o_coka_dialpad_call").click();
    await animationFrame();
    expect(".o_notification").toHaveText(/This number is on the Do-Not-Contact list\./);
    expect(".o_error_dialog").toHaveCount(0);
});

test("the ring mute toggle is stored for the incoming popup", async () => {
    onRpc("res.users", "coka_agent_workspace", () => workspace("on"));
    setRingMuted(false);
    await mountAgentStatus("on");
    await contains(".o_coka_dialpad_toggle").click();
    await contains(".o_coka_ring_toggle").click();
    expect(isRingMuted()).toBe(true);
    expect(".o_coka_ring_toggle").toHaveAttribute("data-muted", "1");
    await contains(".o_coka_ring_toggle").click();
    expect(isRingMuted()).toBe(false);
});

test("the systray item shows for agents only", () => {
    patchWithCleanup(session, { coka_agent: undefined });
    expect(agentStatusItem.isDisplayed()).toBe(false);
    patchWithCleanup(session, { coka_agent: { status: "off", extensions: ["103"] } });
    expect(agentStatusItem.isDisplayed()).toBe(true);
});
