/**
 * The wall-clock model of `pulumi up` (wallClock.ts) against the sources it stands for: the poll waits
 * of terraform-plugin-sdk's StateChangeConf, and the engine's `--parallel` workers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { modelUp, pollWaits } from "./wallClock";

test("polls wait 0.5, 1, 2, 4, 8 s and then 10 s (MinTimeout 500 ms, doubling, at most 10 s)", () => {
    const next = pollWaits();
    assert.deepEqual(Array.from({ length: 8 }, next), [0.5, 1, 2, 4, 8, 10, 10, 10]);
});

test("with a worker per attachment, every create ends within one run and one poll wait", () => {
    const m = modelUp(100, 100, 120);
    assert.equal(m.rounds, 1);
    assert.ok(m.seconds >= 120 && m.seconds <= 130, `${m.seconds}`);
    assert.equal(m.peakInvokesPerSecond, 100, "every InvokeCommand in the first second");
});

test("at the default 8 workers, 1,000 attachments are 125 rounds, each as long as a run and its last poll", () => {
    const m = modelUp(1000, 8, 120);
    assert.equal(m.rounds, 125);
    assert.ok(m.seconds >= 125 * 120, `${m.seconds}`);
    assert.ok(m.seconds <= 125 * 130, `${m.seconds}`);
    // In one second a worker makes at most three polls: its last one for a create and the first two (at
    // once and 0.5 s later) for the next.
    assert.ok(m.peakPollsPerSecond <= 3 * 8, `at most three polls a second per worker: ${m.peakPollsPerSecond}`);
});
