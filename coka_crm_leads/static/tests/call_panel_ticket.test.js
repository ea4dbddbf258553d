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
import "@coka_crm_leads/call_panel/call_panel_ticket";

describe.current.tags("desktop");

class CokaPbxCall extends models.Model {
    _name = "coka.pbx.call";
    _rec_name = "customer_number";
    customer_number = fields.Char();
    _records = [{ id: 5, customer_number: "+84912000555" }];
}

class CrmLead extends models.Model {
    _name = "crm.lead";
    name = fields.Char();
    _records = [{ id: 8, name: "Hỏi giá tổng đài" }];
}

class CokaTicket extends models.Model {
    _name = "coka.ticket";
    name = fields.Char();
    partner_id = fields.Many2one({ relation: "res.partner" });
    lead_id = fields.Many2one({ relation: "crm.lead" });
    call_id = fields.Many2one({ relation: "coka.pbx.call" });
    _views = {
        form: `<form>
            <field name="name"/>
            <field name="partner_id"/>
            <field name="lead_id"/>
            <field name="call_id"/>
        </form>`,
    };
}

defineModels({ ...mailModels, CokaPbxCall, CrmLead, CokaTicket });

test("Create ticket in the call panel opens the ticket form prefilled, in a dialog", async () => {
    const pyEnv = await startServer();
    const partnerId = pyEnv["res.partner"].create({ name: "Đặng Thu Hà" });
    onRpc("/coka_pbx/call/open", () => [
        {
            id: 5,
            status: "in_progress",
            direction: "inbound",
            customer_number: "+84912000555",
            partner: { id: partnerId, name: "Đặng Thu Hà", customer_type: false },
            start_date: "2026-12-03T08:00:00Z",
            answer_date: "2026-12-03T08:00:05Z",
            end_date: false,
            held: false,
            muted: false,
            note: "",
            needs_wrapup: false,
        },
    ]);
    onRpc("coka.pbx.call", "action_coka_create_ticket", ({ args }) => {
        expect.step(`create ticket of call ${args[0]}`);
        return {
            type: "ir.actions.act_window",
            name: "New Ticket",
            res_model: "coka.ticket",
            views: [[false, "form"]],
            target: "new",
            context: { default_call_id: 5, default_partner_id: partnerId, default_lead_id: 8 },
        };
    });
    await mountWithCleanup(WebClient);
    await animationFrame();
    expect(".o_coka_call_panel .o_coka_call_create_ticket").toHaveCount(1);
    await contains(".o_coka_call_panel .o_coka_call_create_ticket").click();
    await animationFrame();
    expect.verifySteps(["create ticket of call 5"]);
    expect(".modal .o_form_view").toHaveCount(1);
    expect(".modal .o_field_widget[name=partner_id] input").toHaveValue("Đặng Thu Hà");
    expect(".modal .o_field_widget[name=lead_id] input").toHaveValue("Hỏi giá tổng đài");
    expect(".modal .o_field_widget[name=call_id] input").toHaveValue("+84912000555");
});
