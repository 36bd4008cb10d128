import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../../components/activation/options";
import { CHECK_WAIT, diagnoseWorstCaseSeconds, worstCaseSeconds } from "../../components/activation/schedule";
import { scriptRunTimeoutSeconds } from "../../components/delivery/activationCommand";

test("each run's TAT timeout is its worst case plus 5 minutes; /check waits for the first-boot run to start, then up to its whole run", () => {
    for (const options of [DEFAULT_ACTIVATION_SCRIPT_OPTIONS, { maxAttempts: 20, retryDelaySeconds: 560 }]) {
        const run = worstCaseSeconds(options);
        assert.equal(scriptRunTimeoutSeconds("activate", options), run + 300);
        assert.equal(scriptRunTimeoutSeconds("check", options), CHECK_WAIT.tries * CHECK_WAIT.pauseSeconds + run + 300);
        assert.equal(scriptRunTimeoutSeconds("diagnose", options), diagnoseWorstCaseSeconds() + 300);
    }
});
