import { describe, expect, test } from "@odoo/hoot";
import {
    applyCallState,
    callSeconds,
    canClose,
    formatDuration,
} from "@coka_pbx/call_state";

describe.current.tags("headless");

const ringing = {
    id: 7,
    status: "ringing",
    start_date: "2026-11-20T08:00:00Z",
    answer_date: false,
    end_date: false,
    needs_wrapup: false,
    note: "",
};

describe("timer", () => {
    test("runs from the answer while the call goes on, stops at its end", () => {
        const answered = { ...ringing, status: "in_progress", answer_date: "2026-11-20T08:00:05Z" };
        expect(callSeconds(answered, new Date("2026-11-20T08:01:10Z"))).toBe(65);
        const ended = { ...answered, status: "answered", end_date: "2026-11-20T08:02:05Z" };
        expect(callSeconds(ended, new Date("2026-11-20T09:00:00Z"))).toBe(120);
        expect(callSeconds(ringing, new Date("2026-11-20T08:00:03Z"))).toBe(3);
    });

    test("formats minutes and hours", () => {
        expect(formatDuration(65)).toBe("01:05");
        expect(formatDuration(3725)).toBe("1:02:05");
    });
});

describe("state from bus payloads", () => {
    test("ringing, in progress, ended update one call", () => {
        const calls = {};
        applyCallState(calls, ringing);
        expect(calls[7].status).toBe("ringing");
        applyCallState(calls, { ...ringing, status: "in_progress", held: true });
        expect(calls[7].status).toBe("in_progress");
        expect(calls[7].held).toBe(true);
        applyCallState(calls, { ...ringing, status: "answered", needs_wrapup: true });
        expect(calls[7].needs_wrapup).toBe(true);
        // A late ringing payload does not reopen an ended call.
        applyCallState(calls, ringing);
        expect(calls[7].status).toBe("answered");
        expect(Object.keys(calls)).toEqual(["7"]);
    });
});

describe("wrap-up", () => {
    test("refuses to close a live call, or an answered one without a note", () => {
        expect(canClose({ ...ringing, status: "in_progress" })).toEqual({
            ok: false,
            reason: "live",
        });
        const ended = { ...ringing, status: "answered", needs_wrapup: true };
        expect(canClose(ended, "  ")).toEqual({ ok: false, reason: "note" });
        expect(canClose(ended, "Khách hẹn gọi lại").ok).toBe(true);
        expect(canClose({ ...ringing, status: "missed" }).ok).toBe(true);
    });
});
