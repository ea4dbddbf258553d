import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Format what a QA rule measured or asked (`tools.qa.rule_fraction`).
 *
 * @param {number|string[]|null} value
 * @param {string} unit "s", "%", "chars" or "" (lists of phrases)
 * @returns {string}
 */
export function formatQaValue(value, unit) {
    if (value === null || value === undefined) {
        return String(_t("the hotline's limit"));
    }
    if (Array.isArray(value)) {
        return value.length ? value.join(", ") : "—";
    }
    if (unit === "%") {
        return `${value}%`;
    }
    if (unit === "s") {
        return String(_t("%(seconds)s s", { seconds: value }));
    }
    if (unit === "chars") {
        return String(_t("%(count)s characters", { count: value }));
    }
    return String(value);
}

/** Each QA rule's contribution to the call's score (SPEC REP-5), in a small table. */
export class QaBreakdown extends Component {
    static template = "coka_pbx.QaBreakdown";
    static props = { ...standardFieldProps };

    get lines() {
        let lines = this.props.record.data[this.props.name] || [];
        if (typeof lines === "string") {
            lines = JSON.parse(lines); // a Json value serialised as text (mock servers)
        }
        return lines.map((line, index) => ({
            key: `${line.rule_id}-${index}`,
            name: line.name,
            measured: formatQaValue(line.measured, line.unit),
            target: formatQaValue(line.target, line.unit),
            points: line.points,
            maxPoints: line.max_points,
            passed: line.fraction >= 1,
            failed: line.fraction <= 0,
        }));
    }
}

export const qaBreakdown = {
    component: QaBreakdown,
    displayName: "QA score breakdown",
    supportedTypes: ["json"],
};

registry.category("fields").add("coka_qa_breakdown", qaBreakdown);
