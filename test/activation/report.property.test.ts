/**
 * Property-based hostile-input test (fast-check) of readActivationOutput: it never throws and
 * never reports Licensed for garbage.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readActivationOutput } from "../../components/activation/report";
import { RUNS, anyOutput, base64Output, isWellFormedLicensed } from "../support/hostileInput";

test("readActivationOutput: never throws, never reports Licensed for garbage", () => {
    const seen = new Set<string>();
    fc.assert(
        fc.property(
            fc.oneof(
                base64Output.map((b) => ({ ...b, encoding: "base64" as const })),
                anyOutput.map((o) => ({
                    input: o,
                    decoded: typeof o === "string" ? o : undefined,
                    encoding: "text" as const,
                })),
                fc.constant({ input: undefined, decoded: undefined, encoding: "text" as const }),
            ),
            ({ input, decoded, encoding }) => {
                let report: ReturnType<typeof readActivationOutput> | undefined;
                assert.doesNotThrow(() => (report = readActivationOutput(input as string | undefined, encoding)));
                seen.add(report!.status);
                assert.ok(["Licensed", "Failed", "Unknown"].includes(report!.status), `status ${report!.status}`);
                if (report!.status === "Licensed") {
                    assert.ok(
                        decoded !== undefined && isWellFormedLicensed(decoded),
                        `reported Licensed for ${JSON.stringify(decoded)}`,
                    );
                    assert.equal(report!.result?.licensed, true);
                } else {
                    assert.notEqual(report!.result?.licensed, true);
                }
                if (input === undefined) {
                    assert.equal(report!.status, "Unknown");
                }
            },
        ),
        { numRuns: RUNS.fast * 2 },
    );
    assert.deepEqual([...seen].sort(), ["Failed", "Licensed", "Unknown"]);
});
