import { describe, expect, test } from "@odoo/hoot";
import { animationFrame } from "@odoo/hoot-mock";
import { mailModels, startServer } from "@mail/../tests/mail_test_helpers";
import {
    contains,
    defineModels,
    fields,
    models,
    mountWithCleanup,
    onRpc,
} from "@web/../tests/web_test_helpers";
import { WebClient } from "@web/webclient/webclient";

import "@coka_pbx/call_service";
import "@coka_pbx/call_panel/call_panel";
import "@coka_messaging/call_panel/call_panel_message";

describe.current.tags("desktop");

class CokaPbxCall extends models.Model {
    _name = "coka.pbx.call";
    _rec_name = "customer_number";
    customer_number = fields.Char();
    _records = [{ id: 7, customer_number: "+84903456789" }];
}

class CokaMessageSend extends models.Model {
    _name = "coka.message.send";
    channel = fields.Selection({
        selection: [
            ["sms", "SMS"],
            ["zns", "Zalo ZNS"],
        ],
        default: "sms",
    });
    preview = fields.Text();
    _views = {
        form: `<form>
            <field name="channel"/>
            <field name="preview"/>
            <footer><button name="action_send" type="object" string="Send"/></footer>
        </form>`,
    };
}

defineModels({ ...mailModels, CokaPbxCall, CokaMessageSend });

test("Send SMS / ZNS in the call panel opens the send wizard of the caller in a dialog", async () => {
    const pyEnv = await startServer();
    const partnerId = pyEnv["res.partner"].create({ name: "Lương Thế Vinh" });
    onRpc("/coka_pbx/call/open", () => [
        {
            id: 7,
            status: "in_progress",
            direction: "inbound",
            customer_number: "+84903456789",
            partner: { id: partnerId, name: "Lương Thế Vinh", customer_type: false },
            start_date: "2026-12-03T08:00:00Z",
            answer_date: "2026-12-03T08:00:05Z",
            end_date: false,
            held: false,
            muted: false,
            note: "",
            needs_wrapup: false,
        },
    ]);
    onRpc("coka.pbx.call", "action_coka_send_message", ({ args }) => {
        expect.step(`send message from call ${args[0]}`);
        return {
            type: "ir.actions.act_window",
            name: "Send SMS / ZNS",
            res_model: "coka.message.send",
            views: [[false, "form"]],
            target: "new",
            context: { active_model: "res.partner", active_ids: [partnerId] },
        };
    });
    await mountWithCleanup(WebClient);
    await animationFrame();
    expect(".o_coka_call_panel .o_coka_call_send_message").toHaveCount(1);
    await contains(".o_coka_call_panel .o_coka_call_send_message").click();
    await animationFrame();
    expect.verifySteps(["send message from call 7"]);
    expect(".modal .o_form_view").toHaveCount(1);
    expect(".modal .modal-title").toHaveText("Send SMS / ZNS");
    expect(".modal .o_field_widget[name=channel] select").toHaveValue('"sms"');
});
