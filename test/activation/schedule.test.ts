import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../../components/activation/options";
import {
    TAT_TIMEOUT_MAX_SECONDS,
    checkWorstCaseSeconds,
    clockSyncWorstSeconds,
    retryDelays,
    statusReadWorstSeconds,
    worstCaseSeconds,
} from "../../components/activation/schedule";

test("back-off doubles from retryDelaySeconds and stops at 8 times it", () => {
    assert.deepEqual(retryDelays({ maxAttempts: 1, retryDelaySeconds: 15 }), []);
    assert.deepEqual(retryDelays({ maxAttempts: 5, retryDelaySeconds: 15 }), [15, 30, 60, 120]);
    assert.deepEqual(retryDelays({ maxAttempts: 7, retryDelaySeconds: 10 }), [10, 20, 40, 80, 80, 80]);
});

test("worst case of the defaults: a status read, the domain-membership read (wmic, PowerShell) and a sync, 5 failing attempts each followed by a sync and a read, the waits, the diagnosis and the rest", () => {
    assert.equal(clockSyncWorstSeconds(), 3 * (30 + 15) + 2 * 5);
    assert.equal(statusReadWorstSeconds(), 3 * 4 * 15 + 2 * 10);
    assert.equal(
        worstCaseSeconds(DEFAULT_ACTIVATION_SCRIPT_OPTIONS),
        200 + 2 * 15 + 145 + 5 * (90 + 145 + 200) + 225 + 120 + 60,
    );
});

test("the /check run waits up to 80 x 15 s for the first-boot run to start, then up to that run's worst case", () => {
    for (const options of [
        DEFAULT_ACTIVATION_SCRIPT_OPTIONS,
        { maxAttempts: 20, retryDelaySeconds: 560 },
        { maxAttempts: 1, retryDelaySeconds: 1 },
    ]) {
        assert.equal(checkWorstCaseSeconds(options), 80 * 15 + worstCaseSeconds(options));
    }
    assert.equal(TAT_TIMEOUT_MAX_SECONDS, 86400, "TAT's CreateCommand Timeout range is [1, 86400]");
});
