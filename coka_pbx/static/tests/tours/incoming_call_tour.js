import { registry } from "@web/core/registry";

/** Send a signed PBX event to the webhook, as the PBX would (test provider, test secret). */
async function pbx(event, values = {}) {
    const at = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const body = JSON.stringify({
        event,
        event_id: `tour-${values.call_id}-${event}`,
        call_id: "tour-1",
        direction: "inbound",
        hotline: "02873009999",
        from: "0912 000 111",
        to: "02873009999",
        extension: "201",
        timestamp: at,
        status: null,
        ring_seconds: null,
        talk_seconds: null,
        cost: null,
        recording_url: null,
        ...values,
    });
    const stamp = String(Math.floor(Date.now() / 1000));
    const enc = new TextEncoder();
    const key = await crypto.subtle.importKey(
        "raw",
        enc.encode("s3cret"),
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign"]
    );
    const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${stamp}.${body}`));
    const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const response = await fetch("/coka_pbx/webhook/tour-pbx", {
        method: "POST",
        headers: {
            "Content-Type": "application/json",
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": `sha256=${hex}`,
        },
        body,
    });
    if (!response.ok) {
        throw new Error(`webhook answered ${response.status}`);
    }
}

registry.category("web_tour.tours").add("coka_pbx_incoming_call_tour", {
    steps: () => [
        {
            content: "Odoo is loaded",
            trigger: ".o_main_navbar",
            run: () => pbx("call.ringing", { call_id: "tour-1" }),
        },
        {
            content: "The popup names the known caller",
            trigger: ".o_coka_incoming_call .o_coka_caller_name:contains('Đặng Thu Hà')",
            run: () => pbx("call.answered", { call_id: "tour-1" }),
        },
        {
            content: "Answered: the popup closes, the panel shows the call in progress",
            trigger: ".o_coka_call_panel[data-status='in_progress']:not(:has(.o_coka_incoming_call))",
        },
        {
            content: "The timer runs",
            trigger: ".o_coka_call_panel .o_coka_call_timer:contains('00:01')",
        },
        {
            content: "Hold",
            trigger: ".o_coka_call_panel .o_coka_call_hold",
            run: "click",
        },
        {
            content: "Held: resume is offered; transfer",
            trigger: ".o_coka_call_panel .o_coka_call_unhold",
            run: () => document.querySelector(".o_coka_call_panel .o_coka_call_transfer").click(),
        },
        {
            content: "Pick extension 202",
            trigger: ".o_coka_call_transfer_list [data-number='202']",
            run: "click",
        },
        {
            content: "The transfer list closes; the PBX ends the call",
            trigger: ".o_coka_call_panel:not(:has(.o_coka_call_transfer_list))",
            run: () => pbx("call.ended", { call_id: "tour-1", status: "answered", talk_seconds: 3 }),
        },
        {
            content: "Ended: close without a note",
            trigger: ".o_coka_call_panel[data-status='answered'] .o_coka_call_close",
            run: "click",
        },
        {
            content: "Refused with the reason",
            trigger: ".o_notification:contains('Write a note before closing the call.')",
        },
        {
            content: "Write the note",
            trigger: ".o_coka_call_panel .o_coka_call_note",
            run: "edit Khách cần báo giá",
        },
        {
            content: "Close and save",
            trigger: ".o_coka_call_panel .o_coka_call_close",
            run: "click",
        },
        {
            content: "Saved; an unknown number rings",
            trigger: "body:not(:has(.o_coka_call_panel))",
            run: () => pbx("call.ringing", { call_id: "tour-2", from: "0903 555 777" }),
        },
        {
            content: "Quick-create form: name",
            trigger: ".o_coka_incoming_call .o_coka_quick_create_name",
            run: "edit Nguyễn Thị Lan",
        },
        {
            content: "Customer type",
            trigger: ".o_coka_incoming_call .o_coka_quick_create_type",
            run: "select customer",
        },
        {
            content: "Create",
            trigger: ".o_coka_incoming_call .o_coka_quick_create_save",
            run: "click",
        },
        {
            content: "The popup now names the new contact",
            trigger: ".o_coka_incoming_call .o_coka_caller_name:contains('Nguyễn Thị Lan')",
        },
    ],
});
