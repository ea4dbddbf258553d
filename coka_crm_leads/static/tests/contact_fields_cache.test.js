import { expect, test } from "@odoo/hoot";
import { getService, makeMockEnv, onRpc } from "@web/../tests/web_test_helpers";

import "@coka_crm_leads/contact_fields_cache";

test("saving a contact field clears the views and fields the web client keeps", async () => {
    const env = await makeMockEnv();
    env.bus.addEventListener("CLEAR-CACHES", () => expect.step("cleared"));
    onRpc("web_save", () => [{ id: 1 }]);
    onRpc("unlink", () => true);
    const orm = getService("orm");
    await orm.call("res.partner", "web_save", [[], { name: "Lan" }]);
    expect.verifySteps([]);
    await orm.call("coka.contact.field", "web_save", [[], { name: "Ngày sinh" }]);
    expect.verifySteps(["cleared"]);
    await orm.call("coka.contact.field", "unlink", [[1]]);
    expect.verifySteps(["cleared"]);
});
