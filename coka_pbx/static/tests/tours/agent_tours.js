import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("coka_pbx_agent_off_on", {
    steps: () => [
        {
            content: "The systray shows the agent ON with his extension",
            trigger: ".o_coka_agent_status_toggle[data-status=on]:contains(301)",
            run: "click",
        },
        {
            content: "One click switched him OFF",
            trigger: ".o_coka_agent_status_toggle[data-status=off] .o_coka_agent_status_label:contains(OFF)",
            run: "click",
        },
        {
            content: "A second click switched him ON again",
            trigger: ".o_coka_agent_status_toggle[data-status=on]",
        },
        {
            content: "The dial pad lists his last calls",
            trigger: ".o_coka_dialpad_toggle",
            run: "click",
        },
        {
            trigger: ".o_coka_recent_call:contains(Đặng Thu Hà)",
        },
    ],
});

registry.category("web_tour.tours").add("coka_pbx_click_to_call", {
    steps: () => [
        {
            content: "The agent is OFF: calling the contact's mobile is refused",
            trigger: ".o_field_widget[name=mobile] .o_coka_call_button",
            run: "click",
        },
        {
            content: "The confirmation names the contact and the number",
            trigger: ".modal-body:contains(Đặng Thu Hà):contains(0912 000 555)",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The refusal is a notification, not a traceback",
            trigger: ".o_notification:contains(Your status is OFF)",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
        {
            content: "He switches ON from the systray",
            trigger: ".o_coka_agent_status_toggle[data-status=off]",
            run: "click",
        },
        {
            trigger: ".o_coka_agent_status_toggle[data-status=on]",
        },
        {
            content: "He calls the mobile again",
            trigger: ".o_field_widget[name=mobile] .o_coka_call_button",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The PBX took the call",
            trigger: ".o_notification:contains(Calling Đặng Thu Hà)",
        },
    ],
});
