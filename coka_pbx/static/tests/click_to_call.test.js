import { describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import { mailModels, startServer } from "@mail/../tests/mail_test_helpers";
import {
    contains,
    defineModels,
    fields,
    makeServerError,
    mountView,
    onRpc,
    patchWithCleanup,
} from "@web/../tests/web_test_helpers";
import { session } from "@web/session";

import { phoneFieldContact } from "@coka_pbx/phone_field/phone_field";

describe.current.tags("desktop");

class ResPartner extends mailModels.ResPartner {
    mobile = fields.Char();
}

defineModels({ ...mailModels, ResPartner });

async function mountContact() {
    onRpc("/coka_pbx/call/open", () => []); // the coka_call service's pending wrap-ups
    const pyEnv = await startServer();
    const resId = pyEnv["res.partner"].create({ name: "Đặng Thu Hà", mobile: "0912 000 555" });
    await mountView({ type: "form", resModel: "res.partner", resId, arch: FORM });
    return resId;
}

const FORM = `<form><field name="name"/><field name="mobile" widget="phone"/></form>`;

test("a contact's phone field confirms, then calls through the server", async () => {
    patchWithCleanup(session, { coka_agent: { status: "on", extensions: ["101"] } });
    onRpc("/coka_pbx/call/originate", async (request) => {
        const { params } = await request.json();
        expect.step(`${params.number}|${params.partner_id}`);
        return { id: 9, status: "ringing" };
    });
    const resId = await mountContact();
    await contains(".o_field_widget[name=mobile] .o_coka_call_button").click();
    expect(".modal-body").toHaveText("Call Đặng Thu Hà at 0912 000 555?");
    expect.verifySteps([]);
    await contains(".modal-footer .btn-primary").click();
    await animationFrame();
    expect.verifySteps([`0912 000 555|${resId}`]);
    expect(".o_notification").toHaveText(/Calling Đặng Thu Hà \(0912 000 555\)/);
});

test("cancelling the confirmation calls nobody", async () => {
    patchWithCleanup(session, { coka_agent: { status: "on", extensions: ["101"] } });
    onRpc("/coka_pbx/call/originate", () => expect.step("originate"));
    await mountContact();
    await contains(".o_coka_call_button").click();
    await contains(".modal-footer .btn-secondary").click();
    expect(".modal").toHaveCount(0);
    expect.verifySteps([]);
});

test("Do-Not-Contact refusal shows its reason as a notification", async () => {
    patchWithCleanup(session, { coka_agent: { status: "on", extensions: ["101"] } });
    onRpc("/coka_pbx/call/originate", () => {
        throw makeServerError({ message: "Đặng Thu Hà asked not to be called." });
    });
    await mountContact();
    await contains(".o_coka_call_button").click();
    await contains(".modal-footer .btn-primary").click();
    await animationFrame();
    expect(".o_notification").toHaveText(/Đặng Thu Hà asked not to be called\./);
    expect(".o_error_dialog").toHaveCount(0);
});

test("no call button for a user without extension", async () => {
    await mountContact();
    expect(".o_field_widget[name=mobile] input").toHaveCount(1);
    expect(".o_coka_call_button").toHaveCount(0);
});

test("the contact of a lead's phone is its customer", () => {
    const lead = { resModel: "crm.lead", data: { partner_id: [5, "Trần Văn B"] } };
    expect(phoneFieldContact(lead)).toEqual({ partnerId: 5, partnerName: "Trần Văn B" });
    const newLead = { resModel: "crm.lead", data: { partner_id: false, contact_name: "Chị Lan" } };
    expect(phoneFieldContact(newLead)).toEqual({ partnerId: undefined, partnerName: "Chị Lan" });
});

test("a list's phone column calls without opening the row", async () => {
    patchWithCleanup(session, { coka_agent: { status: "on", extensions: ["101"] } });
    const pyEnv = await startServer();
    pyEnv["res.partner"].create({ name: "Đặng Thu Hà", mobile: "0912 000 555" });
    await mountView({
        type: "list",
        resModel: "res.partner",
        arch: `<list><field name="name"/><field name="mobile" widget="phone"/></list>`,
        domain: [["mobile", "=", "0912 000 555"]],
        selectRecord: () => expect.step("row opened"),
    });
    await contains(".o_data_row .o_coka_call_button").click();
    expect(".modal-body").toHaveText("Call Đặng Thu Hà at 0912 000 555?");
    expect.verifySteps([]);
});
