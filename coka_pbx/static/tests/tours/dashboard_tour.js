import { registry } from "@web/core/registry";

/** REP-2: a Manager opens the Call Center app on its dashboard and opens a figure's calls. */
registry.category("web_tour.tours").add("coka_pbx_dashboard_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Call Center app",
            trigger: ".o_app[data-menu-xmlid='coka_pbx.menu_root']",
            run: "click",
        },
        {
            content: "The dashboard counts today's missed call",
            trigger: ".o_coka_dashboard .o_coka_dashboard_card[data-key='missed'] .o_coka_dashboard_value:contains('1')",
        },
        {
            content: "The leaderboard ranks by cost first (seed 000)",
            trigger: ".o_coka_dashboard_ranking:has(option[value='cost']:selected)",
        },
        {
            content: "The agent is ranked",
            trigger: ".o_coka_dashboard_agents .o_coka_dashboard_agent:contains('Lê Văn Tour')",
        },
        {
            content: "Rank by effectiveness",
            trigger: ".o_coka_dashboard_ranking",
            run: "select effectiveness",
        },
        {
            content: "Rank by talk time",
            trigger: ".o_coka_dashboard_ranking:has(option[value='effectiveness']:selected)",
            run: "select talk_time",
        },
        {
            content: "Still ranked by talk time",
            trigger: ".o_coka_dashboard_ranking:has(option[value='talk_time']:selected)",
        },
        {
            content: "Switch to this month",
            trigger: ".o_coka_dashboard_period button[data-period='month']",
            run: "click",
        },
        {
            content: "Open the missed calls",
            trigger: ".o_coka_dashboard_period button[data-period='month'].active",
        },
        {
            trigger: ".o_coka_dashboard_card[data-key='missed']",
            run: "click",
        },
        {
            content: "The list shows the missed call",
            trigger: ".o_list_view .o_data_row:contains('+84912000888')",
        },
    ],
});
