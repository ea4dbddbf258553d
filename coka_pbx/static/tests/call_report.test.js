import { describe, expect, test } from "@odoo/hoot";
import { mailModels, startServer } from "@mail/../tests/mail_test_helpers";
import {
    defineModels,
    fields,
    makeMockEnv,
    models,
    mountView,
    onRpc,
} from "@web/../tests/web_test_helpers";

import { formatQaValue } from "@coka_pbx/call_report/qa_breakdown";

describe.current.tags("desktop");

class CokaPbxCall extends models.Model {
    _name = "coka.pbx.call";
    customer_number = fields.Char();
    recording_attachment_id = fields.Many2one({ relation: "res.partner" });
    qa_breakdown = fields.Json();
}

defineModels({ ...mailModels, CokaPbxCall });

const BREAKDOWN = [
    {
        rule_id: 1,
        name: "Wrap-up note written",
        kind: "note",
        fraction: 1,
        points: 60,
        max_points: 60,
        measured: 42,
        target: 10,
        unit: "chars",
    },
    {
        rule_id: 2,
        name: "Greeting",
        kind: "required_phrases",
        fraction: 0.5,
        points: 20,
        max_points: 40,
        measured: ["xin chào"],
        target: ["xin chào", "cảm ơn"],
        unit: "",
    },
];

async function mountCall() {
    onRpc("/coka_pbx/call/open", () => []); // the coka_call service's pending wrap-ups
    const pyEnv = await startServer();
    const resId = pyEnv["coka.pbx.call"].create({
        customer_number: "+84912000111",
        qa_breakdown: JSON.stringify(BREAKDOWN),
    });
    await mountView({
        type: "form",
        resModel: "coka.pbx.call",
        resId,
        arch: `<form>
            <field name="customer_number"/>
            <field name="recording_attachment_id" widget="coka_recording_player"/>
            <field name="qa_breakdown" widget="coka_qa_breakdown"/>
        </form>`,
    });
    return resId;
}

test("what a QA rule measured, in its unit", async () => {
    await makeMockEnv(); // loads the translations
    expect(formatQaValue(95.5, "%")).toBe("95.5%");
    expect(formatQaValue(30, "s")).toBe("30 s");
    expect(formatQaValue(12, "chars")).toBe("12 characters");
    expect(formatQaValue(["xin chào", "cảm ơn"], "")).toBe("xin chào, cảm ơn");
    expect(formatQaValue([], "")).toBe("—");
    expect(formatQaValue(null, "s")).toBe("the hotline's limit");
});

test("the call form plays the recording from the call's route", async () => {
    const resId = await mountCall();
    expect("audio.o_coka_recording_player").toHaveAttribute(
        "src",
        `/coka_pbx/call/${resId}/recording`
    );
    expect("audio.o_coka_recording_player").toHaveAttribute("preload", "none");
});

test("the QA breakdown shows each rule's points", async () => {
    await mountCall();
    expect(".o_coka_qa_breakdown tbody tr").toHaveCount(2);
    expect(".o_coka_qa_breakdown tbody tr:first-child").toHaveText(
        "Wrap-up note written 42 characters 10 characters 60 / 60"
    );
    expect(".o_coka_qa_breakdown tbody tr:first-child").toHaveClass("text-success");
    expect(".o_coka_qa_breakdown tbody tr:last-child").toHaveText(
        "Greeting xin chào xin chào, cảm ơn 20 / 40"
    );
    expect(".o_coka_qa_breakdown tbody tr:last-child").not.toHaveClass("text-danger");
});
