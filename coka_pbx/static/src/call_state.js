/** Pure rules of the agent's live calls (SPEC PBX-8, PBX-9), shared by the `coka_call`
 * service and its unit tests. A call is the payload of `coka.pbx.call._coka_panel_data()`. */

/** Statuses of a call that is not over yet. */
export const LIVE_STATUSES = ["ringing", "in_progress"];

export function isLive(call) {
    return LIVE_STATUSES.includes(call.status);
}

/**
 * Seconds shown by the panel's timer: from the answer (or the start while ringing) to the
 * end, or to `now` while the call goes on.
 */
export function callSeconds(call, now = new Date()) {
    const from = call.answer_date || call.start_date;
    if (!from) {
        return 0;
    }
    const to = call.end_date && !isLive(call) ? new Date(call.end_date) : now;
    return Math.max(0, Math.floor((to - new Date(from)) / 1000));
}

/** `mm:ss`, or `h:mm:ss` after an hour. */
export function formatDuration(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/**
 * Apply a `coka_pbx/call_state` payload to the calls by id; returns the calls.
 * A payload older than what is known (same call, an end already seen) does not reopen it.
 */
export function applyCallState(calls, payload) {
    const known = calls[payload.id];
    if (known && !isLive(known) && isLive(payload)) {
        return calls;
    }
    calls[payload.id] = { ...(known || {}), ...payload };
    return calls;
}

/**
 * Whether the panel may close a call: never while it goes on; an answered call that ended
 * needs its wrap-up note first. Returns `{ ok, reason }` (reason: "live" or "note").
 */
export function canClose(call, note = "") {
    if (isLive(call)) {
        return { ok: false, reason: "live" };
    }
    if (call.needs_wrapup && !(note || call.note || "").trim()) {
        return { ok: false, reason: "note" };
    }
    return { ok: true, reason: null };
}
