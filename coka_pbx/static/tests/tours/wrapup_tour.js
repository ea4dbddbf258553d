import { registry } from "@web/core/registry";

/** PBX-9: a pending wrap-up reopens after a reload and cannot close without a note. */
registry.category("web_tour.tours").add("coka_pbx_wrapup_tour", {
    steps: () => [
        {
            content: "The answered call that ended without a note is back in the panel",
            trigger: ".o_coka_call_panel[data-status='answered'] .o_coka_call_customer:contains('Đặng Thu Hà')",
        },
        {
            content: "The timer shows the talk time, stopped at the end",
            trigger: ".o_coka_call_panel .o_coka_call_timer:contains('01:00')",
        },
        {
            content: "Close without a note",
            trigger: ".o_coka_call_panel .o_coka_call_close",
            run: "click",
        },
        {
            content: "Refused with the reason",
            trigger: ".o_notification:contains('Write a note before closing the call.')",
        },
        {
            content: "The panel is still open",
            trigger: ".o_coka_call_panel .o_coka_call_note",
            run: "edit Khách hẹn gọi lại",
        },
        {
            content: "Close and save",
            trigger: ".o_coka_call_panel .o_coka_call_close",
            run: "click",
        },
        {
            content: "Saved: the panel closes",
            trigger: "body:not(:has(.o_coka_call_panel))",
        },
    ],
});
