import { browser } from "@web/core/browser/browser";

/** localStorage key of the agent's choice to mute the ring of incoming calls. */
export const RING_MUTED_KEY = "coka_pbx.ring_muted";

/**
 * Whether the agent muted the ring sound of incoming calls (kept in this browser).
 *
 * @returns {boolean}
 */
export function isRingMuted() {
    return browser.localStorage.getItem(RING_MUTED_KEY) === "1";
}

/**
 * Mutes or unmutes the ring sound of incoming calls in this browser.
 *
 * @param {boolean} muted
 */
export function setRingMuted(muted) {
    if (muted) {
        browser.localStorage.setItem(RING_MUTED_KEY, "1");
    } else {
        browser.localStorage.removeItem(RING_MUTED_KEY);
    }
}
