import { ConfirmationDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { useService } from "@web/core/utils/hooks";

/**
 * The message of a refusal of the server (UserError, AccessError, ValidationError...) or of
 * a network failure, for a notification instead of Odoo's traceback dialog.
 *
 * @param {Error} error
 * @returns {string}
 */
export function refusalMessage(error) {
    return (
        error?.data?.message ||
        error?.message ||
        _t("The server could not be reached. Check your connection and try again.")
    );
}

/**
 * Calls a number from the current agent's extension through `/coka_pbx/call/originate`
 * (SPEC PBX-8), without confirmation. The call panel then opens from the server's
 * `coka_pbx/call_state` bus notification.
 *
 * @param {{ notification: object }} services
 * @param {{ number: string, partnerId?: number, partnerName?: string }} target
 * @returns {Promise<object|null>} the call's panel data, or null when refused
 */
export async function originateCall({ notification }, { number, partnerId, partnerName }) {
    try {
        const call = await rpc("/coka_pbx/call/originate", {
            number,
            partner_id: partnerId || null,
        });
        notification.add(
            partnerName
                ? _t("Calling %(name)s (%(number)s)…", { name: partnerName, number })
                : _t("Calling %(number)s…", { number }),
            { type: "info" }
        );
        return call;
    } catch (error) {
        notification.add(refusalMessage(error), {
            title: _t("The call was not started"),
            type: "danger",
        });
        return null;
    }
}

/**
 * Asks the agent to confirm, naming the number and the contact, then calls.
 *
 * @param {{ dialog: object, notification: object }} services
 * @param {{ number: string, partnerId?: number, partnerName?: string }} target
 * @returns {Promise<object|null>} resolved once the agent confirmed and the server answered,
 *     or with null when he cancelled or the server refused
 */
export function confirmAndCall(services, target) {
    const number = (target.number || "").trim();
    if (!number) {
        services.notification.add(_t("There is no number to call."), { type: "warning" });
        return Promise.resolve(null);
    }
    return new Promise((resolve) => {
        services.dialog.add(
            ConfirmationDialog,
            {
                title: _t("Confirm the call"),
                body: target.partnerName
                    ? _t("Call %(name)s at %(number)s?", { name: target.partnerName, number })
                    : _t("Call %(number)s?", { number }),
                confirmLabel: _t("Call now"),
                confirm: async () => resolve(await originateCall(services, { ...target, number })),
                cancel: () => resolve(null),
            },
            { onClose: () => resolve(null) }
        );
    });
}

/**
 * Hook: a function `(target) => Promise` that confirms and calls, bound to the component's
 * dialog and notification services.
 */
export function useClickToCall() {
    const services = {
        dialog: useService("dialog"),
        notification: useService("notification"),
    };
    return (target) => confirmAndCall(services, target);
}
