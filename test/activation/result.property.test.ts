/**
 * Property-based hostile-input tests (fast-check) of the result-line parsers: they never read
 * garbage as "Licensed" and throw nothing but ActivationResultError. The output generators and the
 * Licensed oracle are in test/support/hostileInput.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { readActivationOutput } from "../../components/activation/report";
import {
    ActivationResultError,
    parseActivationOutput,
    parseBase64ActivationOutput,
} from "../../components/activation/result";
import { RESULT_SCHEMA } from "../../components/activation/scriptReport";
import {
    LICENSED_OBJECT,
    LINE_START,
    RUNS,
    anyOutput,
    base64Output,
    isWellFormedLicensed,
} from "../support/hostileInput";
import { LICENSED_LINE } from "../support/mockCloud";

function assertParse(
    parse: (o: unknown) => ReturnType<typeof parseActivationOutput>,
    input: unknown,
    decoded: string | undefined,
    counts: { licensed: number; refused: number; failed: number },
): void {
    let result: ReturnType<typeof parseActivationOutput> | undefined;
    try {
        result = parse(input);
    } catch (e) {
        assert.ok(
            e instanceof ActivationResultError,
            `the parser threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        );
        counts.refused++;
        return;
    }
    assert.equal(typeof result.licensed, "boolean");
    if (result.licensed) {
        counts.licensed++;
        assert.ok(
            decoded !== undefined && isWellFormedLicensed(decoded),
            `read as licensed: ${JSON.stringify(decoded)}`,
        );
        assert.equal(result.status, "Licensed");
        assert.equal(result.exitCode, 0);
        assert.equal(result.licenseStatus, 1);
    } else {
        counts.failed++;
    }
}

test("parseActivationOutput: licensed only for a well-formed Licensed line; throws only ActivationResultError", () => {
    const counts = { licensed: 0, refused: 0, failed: 0 };
    fc.assert(
        fc.property(anyOutput, (output) => {
            assertParse(parseActivationOutput, output, typeof output === "string" ? output : undefined, counts);
            // The converse, for a clean Licensed line at the end: it must be read as licensed.
            if (typeof output === "string" && output.length < 4096) {
                const withValid = `${output}\r\n${LICENSED_LINE}\r\n`;
                assert.equal(parseActivationOutput(withValid).licensed, true);
            }
        }),
        { numRuns: RUNS.fast * 2 },
    );
    assert.ok(counts.licensed > 0 && counts.refused > 0 && counts.failed > 0, `branches: ${JSON.stringify(counts)}`);
});

test("parseActivationOutput: every truncation of a Licensed line, alone or after a complete one", () => {
    for (let n = 0; n < LICENSED_LINE.length; n++) {
        const prefix = LICENSED_LINE.slice(0, n);
        assert.throws(() => parseActivationOutput(prefix), ActivationResultError, `prefix of ${n} characters`);
        const after = `${LICENSED_LINE}\r\n${prefix}`;
        const r = (() => {
            try {
                return parseActivationOutput(after);
            } catch (e) {
                assert.ok(e instanceof ActivationResultError);
                return undefined;
            }
        })();
        // A truncated result line is the last one from LINE_START on: it is not Licensed.
        assert.equal(
            r?.licensed ?? false,
            prefix.trim().startsWith(LINE_START) ? false : true,
            `complete line then a prefix of ${n} characters`,
        );
        assert.notEqual(readActivationOutput(Buffer.from(prefix).toString("base64"), "base64").status, "Licensed");
        assert.notEqual(readActivationOutput(prefix, "text").status, "Licensed");
    }
});

test("parseActivationOutput: named single-field mutations", () => {
    const line = (patch: Record<string, unknown>) => JSON.stringify({ ...LICENSED_OBJECT, ...patch });
    assert.throws(() => parseActivationOutput(line({ exitCode: 10 })), ActivationResultError);
    assert.throws(() => parseActivationOutput(line({ status: "KmsUnreachable" })), ActivationResultError);
    assert.equal(parseActivationOutput(line({ licenseStatus: 0 })).licensed, false);
    assert.equal(parseActivationOutput(line({ licenseStatus: -1 })).licensed, false);
    for (const [k, v] of [
        ["exitCode", "0"],
        ["licenseStatus", "1"],
        ["licenseStatus", 1.5],
        ["alreadyLicensed", "false"],
        ["kmsPort", "1688"],
        ["osBuild", null],
        ["status", 0],
    ] as const) {
        assert.throws(
            () => parseActivationOutput(line({ [k]: v })),
            ActivationResultError,
            `${k}: ${JSON.stringify(v)}`,
        );
    }
    assert.throws(() => parseActivationOutput("x".repeat(1024 * 1024) + "\n" + LICENSED_LINE), ActivationResultError);
});

// A line that starts with the schema but whose parsed `activation` is something else (a duplicate
// key: JSON.parse keeps the last) must not pass as this schema.
test("parseActivationOutput: a duplicated activation key does not pass as this schema", () => {
    fc.assert(
        fc.property(
            fc.string().filter((s) => s !== RESULT_SCHEMA),
            (schema) => {
                const line = LICENSED_LINE.replace(/}$/, `,"activation":${JSON.stringify(schema)}}`);
                let licensed = false;
                try {
                    licensed = parseActivationOutput(line).licensed;
                } catch (e) {
                    assert.ok(e instanceof ActivationResultError);
                }
                assert.equal(licensed, isWellFormedLicensed(line));
            },
        ),
        { numRuns: 50 },
    );
});

test("parseBase64ActivationOutput: licensed only when the decoded text has a well-formed Licensed line", () => {
    const counts = { licensed: 0, refused: 0, failed: 0 };
    fc.assert(
        fc.property(base64Output, ({ input, decoded }) => {
            assertParse(parseBase64ActivationOutput, input, decoded, counts);
        }),
        { numRuns: RUNS.fast * 2 },
    );
    assert.ok(counts.licensed > 0 && counts.refused > 0 && counts.failed > 0, `branches: ${JSON.stringify(counts)}`);
});
