import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("coka_crm_leads_do_not_contact", {
    steps: () => [
        {
            content: "The Call Center's leads list shows the lead with its funnel",
            trigger: ".o_list_view .o_data_row:contains(Hỏi giá máy lọc nước):contains(Zalo)",
        },
        {
            trigger: ".o_data_row:contains(Hỏi giá máy lọc nước) .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "On the lead's form, the agent sets Do Not Contact",
            trigger: ".o_form_view button[name=action_coka_do_not_contact]",
            run: "click",
        },
        {
            content: "The wizard lists the lead's number and asks for a reason",
            trigger: ".modal .o_field_widget[name=numbers]:contains(0912 000 777)",
        },
        {
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Khách yêu cầu không gọi nữa",
        },
        {
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The form shows the reason and who set it",
            trigger: ".o_coka_dnc_alert:contains(Khách yêu cầu không gọi nữa):contains(dnc_tour_agent)",
        },
        {
            content: "Calling the number is refused",
            trigger: ".o_field_widget[name=mobile] .o_coka_call_button",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The refusal gives the reason in a notification, not a traceback",
            trigger: ".o_notification:contains(Do Not Contact list):contains(Khách yêu cầu không gọi nữa)",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
