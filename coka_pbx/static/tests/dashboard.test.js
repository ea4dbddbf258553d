import { describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import { mailModels, startServer } from "@mail/../tests/mail_test_helpers";
import {
    contains,
    defineModels,
    getService,
    models,
    mountWebClient,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";

import { formatSeconds, periodBounds } from "@coka_pbx/dashboard/dashboard";

describe.current.tags("desktop");

class CokaPbxCall extends models.Model {
    _name = "coka.pbx.call";
}

defineModels({ ...mailModels, CokaPbxCall });

const DOMAIN = [["start_date", ">=", "2026-11-19 17:00:00"]];

function dashboardData() {
    return {
        incoming: 3,
        outgoing: 1,
        missed: 1,
        answered: 2,
        calls: 4,
        answer_rate: 66.7,
        avg_ring_seconds: 10,
        avg_talk_seconds: 125,
        cost: 1500,
        currency_id: 1,
        days: ["2026-11-20"],
        per_day: { inbound: [3], outbound: [1] },
        per_hour: { inbound: Array(24).fill(0), outbound: Array(24).fill(0) },
        domains: {
            all: DOMAIN,
            incoming: [...DOMAIN, ["direction", "=", "inbound"]],
            outgoing: [...DOMAIN, ["direction", "=", "outbound"]],
            missed: [...DOMAIN, ["status", "=", "missed"]],
            answered: DOMAIN,
            talk: DOMAIN,
        },
        hotlines: [{ id: 7, name: "028 7300 9999" }],
        fairness: [
            {
                user_id: 2,
                name: "Nguyễn Văn An",
                routed: 3,
                answered: 2,
                routed_share: 100,
                on_hours: 8,
                on_share: 100,
            },
        ],
        leaderboard: [
            {
                user_id: 2,
                name: "Nguyễn Văn An",
                calls: 3,
                answered: 2,
                effectiveness: 66.7,
                missed_while_on: 1,
                talk_time: 250,
                cost: 1500,
                qa_score: 70,
            },
        ],
    };
}

test("period bounds: today, this week, this month, custom", () => {
    const now = luxon.DateTime.fromISO("2026-11-20T10:00:00");
    expect(periodBounds("today", false, false, now)).toEqual(["2026-11-20", "2026-11-20"]);
    expect(periodBounds("week", false, false, now)).toEqual(["2026-11-16", "2026-11-22"]);
    expect(periodBounds("month", false, false, now)).toEqual(["2026-11-01", "2026-11-30"]);
    expect(periodBounds("custom", "2026-10-01", "2026-10-15", now)).toEqual([
        "2026-10-01",
        "2026-10-15",
    ]);
    expect(formatSeconds(125)).toBe("2:05");
});

test("figures, leaderboard, period and hotline switch, a click opens the calls", async () => {
    onRpc("/coka_pbx/call/open", () => []); // the coka_call service's pending wrap-ups
    onRpc("coka.pbx.call", "coka_dashboard_data", ({ args }) => {
        expect.step(`load ${args[2]} ${args[3]}`);
        return dashboardData();
    });
    await startServer();
    await mountWebClient();
    await getService("action").doAction("coka_pbx.dashboard");
    expect.verifySteps(["load false cost"]);
    expect(".o_coka_dashboard_card[data-key='incoming'] .o_coka_dashboard_value").toHaveText("3");
    expect(".o_coka_dashboard_card[data-key='missed'] .o_coka_dashboard_value").toHaveText("1");
    expect(".o_coka_dashboard_card[data-key='talk'] .o_coka_dashboard_value").toHaveText("2:05");
    expect(".o_coka_dashboard_agents tbody tr").toHaveCount(1);
    expect(".o_coka_dashboard_agent").toHaveText("Nguyễn Văn An");
    expect(".o_coka_dashboard_fairness tbody tr").toHaveCount(1);

    await contains(".o_coka_dashboard_hotline").select("7");
    expect.verifySteps(["load 7 cost"]);
    await contains(".o_coka_dashboard_ranking").select("qa_score");
    expect.verifySteps(["load 7 qa_score"]);
    await contains(".o_coka_dashboard_period button[data-period='custom']").click();
    expect.verifySteps(["load 7 qa_score"]);
    expect(".o_coka_dashboard_start").toHaveCount(1);

    patchWithCleanup(getService("action"), {
        doAction(action) {
            expect.step(`${action.res_model} ${JSON.stringify(action.domain)}`);
        },
    });
    await contains(".o_coka_dashboard_card[data-key='missed']").click();
    await animationFrame();
    expect.verifySteps([
        `coka.pbx.call ${JSON.stringify([...DOMAIN, ["status", "=", "missed"]])}`,
    ]);
});
