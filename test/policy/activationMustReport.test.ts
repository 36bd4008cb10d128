import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateActivationMustReport } from "../../policy/policies/activationMustReport";
import { COMPONENT, UNKNOWN_BOOLEAN, UNKNOWN_STRING, recorder, resourceArgs } from "./engine";

function run(props: Record<string, unknown>, type = COMPONENT) {
    const { report, violations } = recorder();
    validateActivationMustReport(resourceArgs(type, "web", props), report);
    return violations.map((v) => v.message);
}

describe("activation-must-report", () => {
    test("passes deliveries that report: tat, ssh, and userData with verifyWithTat", () => {
        assert.deepEqual(run({ delivery: "tat", verifyWithTat: false, keepActivated: true }), []);
        assert.deepEqual(run({ delivery: "ssh" }), []);
        assert.deepEqual(run({ delivery: "userData", verifyWithTat: true }), []);
        assert.deepEqual(run({ verifyWithTat: true }), []);
    });

    test("reports userData without verifyWithTat, and says what to set", () => {
        const messages = run({ delivery: "userData", verifyWithTat: false, keepActivated: false });
        assert.equal(messages.length, 1);
        assert.match(messages[0], /"web"/);
        assert.match(messages[0], /activation\.verifyWithTat: true/);
        assert.match(messages[0], /activation\.delivery: "tat"/);
    });

    test("an absent delivery is the default userData", () => {
        assert.equal(run({}).length, 1);
        assert.equal(run({ keepActivated: true }).length, 1);
    });

    test("unknown values during preview are not violations", () => {
        assert.deepEqual(run({ delivery: UNKNOWN_STRING }), []);
        assert.deepEqual(run({ delivery: "userData", verifyWithTat: UNKNOWN_BOOLEAN }), []);
    });

    test("other resource types are ignored", () => {
        assert.deepEqual(run({ delivery: "userData" }, "tencentcloud:index/instance:Instance"), []);
    });
});
