import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("coka_crm_leads_contact_ticket", {
    steps: () => [
        {
            trigger: ".o_list_view .o_data_row:contains(Lương Thế Vinh) .o_data_cell[name=complete_name]",
            run: "click",
        },
        {
            content: "The contact's form counts his calls, tickets and leads",
            trigger: ".o_form_view button[name=action_coka_view_calls] .o_stat_value:contains(1)",
        },
        {
            trigger: ".o_form_view button[name=action_coka_view_leads] .o_stat_value:contains(1)",
        },
        {
            trigger: ".o_form_view button[name=action_coka_view_tickets] .o_stat_value:contains(0)",
        },
        {
            content: "His tabs list them",
            trigger: ".o_notebook .nav-link:contains(Leads)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=coka_lead_ids] .o_data_row:contains(Lắp tổng đài chi nhánh)",
        },
        {
            content: "Create a ticket from the contact",
            trigger: ".o_form_view button[name=action_coka_create_ticket]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id] input",
            run: function () {
                if (this.anchor.value !== "Lương Thế Vinh") {
                    throw new Error(`The ticket's contact is ${this.anchor.value}`);
                }
            },
        },
        {
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Khách hỏi bảo hành tổng đài",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The saved ticket has its reference",
            trigger: ".o_form_view .o_field_widget[name=reference]:contains(PGH/)",
        },
        {
            trigger: ".o_breadcrumb a:contains(Lương Thế Vinh)",
            run: "click",
        },
        {
            content: "Back on the contact: one ticket, listed in its tab and noted on the chatter",
            trigger: ".o_form_view button[name=action_coka_view_tickets] .o_stat_value:contains(1)",
        },
        {
            trigger: ".o-mail-Message:contains(Khách hỏi bảo hành tổng đài)",
        },
        {
            trigger: ".o_notebook .nav-link:contains(Tickets)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=coka_ticket_ids] .o_data_row:contains(Khách hỏi bảo hành tổng đài)",
        },
        {
            trigger: "body:not(:has(.o_error_dialog))",
        },
    ],
});
