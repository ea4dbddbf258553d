import { Component, onMounted, onPatched, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { serializeDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";

const { DateTime } = luxon;

/** The local first and last days of a period: today, this week, this month or custom. */
export function periodBounds(period, customStart, customEnd, now = DateTime.local()) {
    if (period === "week") {
        return [now.startOf("week"), now.endOf("week")].map(serializeDate);
    }
    if (period === "month") {
        return [now.startOf("month"), now.endOf("month")].map(serializeDate);
    }
    if (period === "custom" && customStart && customEnd) {
        return [customStart, customEnd];
    }
    return [serializeDate(now), serializeDate(now)];
}

/** "m:ss" for a number of seconds. */
export function formatSeconds(seconds) {
    const total = Math.round(seconds || 0);
    const minutes = Math.floor(total / 60);
    return `${minutes}:${String(total % 60).padStart(2, "0")}`;
}

/**
 * The Call Center dashboard (SPEC REP-2): the period's figures for all numbers or one
 * hotline from `coka.pbx.call.coka_dashboard_data` (grouped queries under the user's record
 * rules), the calls per day and per hour in Chart.js (loaded as Odoo's graph view loads it)
 * and the leaderboard; a click on a figure, a bar or an agent opens the matching calls.
 */
export class CokaDashboard extends Component {
    static template = "coka_pbx.Dashboard";
    static props = ["*"];

    formatSeconds = formatSeconds;
    formatMonetary = formatMonetary;

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.dayCanvas = useRef("dayChart");
        this.hourCanvas = useRef("hourChart");
        this.charts = [];
        const today = serializeDate(DateTime.local());
        this.state = useState({
            period: "today",
            customStart: today,
            customEnd: today,
            hotlineId: false,
            ranking: "cost", // seed 000: the leaderboard opens on "Chi phí"
            direction: "inbound",
            data: null,
        });
        onWillStart(async () => {
            try {
                await loadBundle("web.chartjs_lib");
            } catch {
                // No chart without Chart.js: the figures and the leaderboard still show.
            }
            await this.load();
        });
        onMounted(() => this.renderCharts());
        onPatched(() => this.renderCharts());
        onWillUnmount(() => this.destroyCharts());
    }

    get rankings() {
        return [
            ["cost", _t("Cost")],
            ["effectiveness", _t("Effectiveness")],
            ["talk_time", _t("Talk time")],
            ["calls", _t("Calls handled")],
            ["qa_score", _t("QA score")],
        ];
    }

    get periods() {
        return [
            ["today", _t("Today")],
            ["week", _t("This week")],
            ["month", _t("This month")],
            ["custom", _t("Custom")],
        ];
    }

    get cards() {
        const data = this.state.data;
        return [
            { key: "incoming", label: _t("Incoming"), value: data.incoming },
            { key: "outgoing", label: _t("Outgoing"), value: data.outgoing },
            { key: "missed", label: _t("Missed"), value: data.missed },
            {
                key: "answered",
                label: _t("Answer rate"),
                value: `${formatFloat(data.answer_rate, { digits: [16, 1] })} %`,
            },
            { key: "all", label: _t("Average wait"), value: formatSeconds(data.avg_ring_seconds) },
            { key: "talk", label: _t("Average talk time"), value: formatSeconds(data.avg_talk_seconds) },
            {
                key: "all",
                label: _t("Cost"),
                value: formatMonetary(data.cost, { currencyId: data.currency_id }),
            },
        ];
    }

    async load() {
        const [start, end] = periodBounds(
            this.state.period,
            this.state.customStart,
            this.state.customEnd
        );
        this.state.data = await this.orm.call("coka.pbx.call", "coka_dashboard_data", [
            start,
            end,
            this.state.hotlineId,
            this.state.ranking,
        ]);
    }

    async onChange(field, value) {
        this.state[field] = value;
        await this.load();
    }

    onHotlineChange(ev) {
        return this.onChange("hotlineId", parseInt(ev.target.value) || false);
    }

    openCalls(domain, name, context = {}) {
        return this.action.doAction({
            type: "ir.actions.act_window",
            name,
            res_model: "coka.pbx.call",
            views: [
                [false, "list"],
                [false, "form"],
                [false, "pivot"],
                [false, "graph"],
            ],
            domain,
            context,
        });
    }

    openCard(card) {
        return this.openCalls(this.state.data.domains[card.key], card.label);
    }

    openAgent(row) {
        return this.openCalls(
            [...this.state.data.domains.all, ["user_id", "=", row.user_id]],
            row.name
        );
    }

    openLeaderboard() {
        return this.action.doAction("coka_pbx.coka_pbx_agent_stat_action");
    }

    directionDomain() {
        return this.state.direction === "inbound"
            ? this.state.data.domains.incoming
            : this.state.data.domains.outgoing;
    }

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    renderCharts() {
        this.destroyCharts();
        if (!window.Chart || !this.state.data || !this.dayCanvas.el) {
            return;
        }
        const data = this.state.data;
        const direction = this.state.direction;
        const label = direction === "inbound" ? _t("Incoming") : _t("Outgoing");
        const series = [
            [this.dayCanvas.el, data.days, data.per_day[direction], "start_date:day"],
            [
                this.hourCanvas.el,
                [...Array(24).keys()].map((hour) => `${hour}h`),
                data.per_hour[direction],
                "start_date:hour",
            ],
        ];
        for (const [canvas, labels, values, groupBy] of series) {
            this.charts.push(
                new window.Chart(canvas, {
                    type: "bar",
                    data: { labels, datasets: [{ label, data: values }] },
                    options: {
                        maintainAspectRatio: false,
                        animation: false,
                        onClick: () =>
                            this.openCalls(this.directionDomain(), label, { group_by: [groupBy] }),
                    },
                })
            );
        }
    }
}

registry.category("actions").add("coka_pbx.dashboard", CokaDashboard);
