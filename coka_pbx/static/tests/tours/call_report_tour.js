import { registry } from "@web/core/registry";

/** REP-1, REP-4, REP-5: the call log's columns and panel, the call's player and QA score. */
registry.category("web_tour.tours").add("coka_pbx_call_report_tour", {
    steps: () => [
        {
            content: "Incoming calls stand out in a coloured badge",
            trigger: ".o_list_view .o_data_row:contains('+84912000777') .o_field_badge .text-bg-primary:contains('Inbound')",
        },
        {
            content: "The side panel chooses all numbers or one hotline",
            trigger: ".o_search_panel .o_search_panel_category_value:contains('All')",
        },
        {
            content: "The row shows the recording's download button",
            trigger: ".o_data_row:contains('+84912000777') button[name='action_coka_download_recording']",
        },
        {
            content: "Open the call",
            trigger: ".o_data_row:contains('+84912000777') td[name='from_number']",
            run: "click",
        },
        {
            content: "The form plays the recording from the call's route",
            trigger: ".o_form_view audio.o_coka_recording_player[src$='/recording']",
        },
        {
            content: "Open the QA Score tab",
            trigger: ".o_notebook .nav-link:contains('QA Score')",
            run: "click",
        },
        {
            content: "Each rule's contribution",
            trigger: ".o_coka_qa_breakdown tbody tr.text-success:contains('Tour note rule'):contains('100 / 100')",
        },
    ],
});
