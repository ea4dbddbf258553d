import { rpcBus } from "@web/core/network/rpc";
import { UPDATE_METHODS } from "@web/core/orm_service";
import { registry } from "@web/core/registry";

/**
 * A custom contact field (coka.contact.field) adds, changes or removes a field of the
 * contacts and their generated views. Once the server has saved it, the views and fields the
 * web client keeps are cleared, as Odoo's view service does after a change of ir.ui.view, so
 * the contact form and list show it without reloading the page.
 */
export const contactFieldsCacheService = {
    start(env) {
        rpcBus.addEventListener("RPC:RESPONSE", (ev) => {
            const { model, method } = ev.detail.data.params || {};
            if (model === "coka.contact.field" && UPDATE_METHODS.includes(method)) {
                env.bus.trigger("CLEAR-CACHES");
            }
        });
    },
};

registry.category("services").add("coka_contact_fields_cache", contactFieldsCacheService);
