import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("coka_messaging_send_zns", {
    steps: () => [
        {
            content: "Send SMS / ZNS from the contact's Action menu",
            trigger: ".o_form_view .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Send SMS / ZNS)",
            run: "click",
        },
        {
            content: "Pick Zalo ZNS: its one approved template is chosen",
            trigger: ".modal .o_field_widget[name=channel] label:contains(Zalo ZNS)",
            run: "click",
        },
        {
            content: "The preview has the contact's name, the typed keyword still to fill in",
            trigger:
                ".modal .o_field_widget[name=preview]:contains(Lương Thế Vinh):contains({{order_code}})",
        },
        {
            trigger: ".modal .o_field_widget[name=value_ids] .o_data_row .o_data_cell[name=value]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=value_ids] .o_data_row [name=value] input",
            run: "edit DH0042",
        },
        {
            trigger: ".modal .o_field_widget[name=preview_recipient]",
            run: "click",
        },
        {
            content: "The preview shows the typed order code",
            trigger: ".modal .o_field_widget[name=preview]:contains(DH0042)",
        },
        {
            trigger: ".modal button[name=action_send]",
            run: "click",
        },
        {
            content: "Queued for sending",
            trigger: ".o_notification:contains(queued for sending)",
        },
    ],
});
