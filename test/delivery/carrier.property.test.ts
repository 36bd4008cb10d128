/**
 * Property-based hostile-input tests (fast-check) of renderCarrier: the carrier delivers every
 * accepted script byte for byte, and refuses any text that is not printable ASCII with CRLF.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ActivationScriptOptions } from "../../components/activation/options";
import { renderActivationScript } from "../../components/activation/script";
import { CarrierMode, renderCarrier } from "../../components/delivery/carrier";
import { SCRIPT_FROM_LOADER, renderUserData } from "../../components/delivery/userData";
import { ArgumentError } from "../../components/validation";
import { carriedScript, userDataBody } from "../support/carrier";
import { Branches, RUNS, assertRefusal, overTatTimeout, refusalOf, validHost } from "../support/hostileInput";

const acceptedOptions: fc.Arbitrary<ActivationScriptOptions> = fc.record(
    {
        kmsHost: validHost,
        fallbackKmsHosts: fc.uniqueArray(validHost, { maxLength: 4, selector: (h) => h.toLowerCase() }),
        ntpServers: fc.array(validHost, { minLength: 1, maxLength: 4 }),
        kmsPort: fc.integer({ min: 1, max: 65535 }),
        maxAttempts: fc.integer({ min: 1, max: 20 }),
        retryDelaySeconds: fc.integer({ min: 1, max: 600 }),
        installKmsClientKey: fc.boolean(),
    },
    { requiredKeys: [] },
);

test("renderCarrier: every accepted script is carried byte for byte", () => {
    let rendered = 0;
    fc.assert(
        fc.property(
            acceptedOptions,
            fc.constantFrom("userData", "report"),
            fc.constantFrom("", "/check"),
            (options, mode, args) => {
                let script: string;
                try {
                    script = renderActivationScript(options);
                } catch (e) {
                    // Only the repeat rule and TAT's timeout can refuse these options; when both apply,
                    // the hosts are checked first.
                    const repeat = e instanceof ArgumentError && e.field === "activation.fallbackKmsHosts";
                    if (overTatTimeout(options as Record<string, unknown>) && !repeat) {
                        assert.ok(
                            e instanceof ArgumentError &&
                                e.field === "activation.maxAttempts" &&
                                e.message.includes("activation.retryDelaySeconds"),
                            String(e),
                        );
                        return;
                    }
                    assertRefusal(e, /^activation\.fallbackKmsHosts$/, options.fallbackKmsHosts);
                    return;
                }
                rendered++;
                const carrier = renderCarrier(script, mode as CarrierMode, args as "" | "/check");
                assert.equal(carriedScript(carrier), script);
                if (mode === "userData" && args === "") {
                    let userData: string | undefined;
                    try {
                        userData = renderUserData({ activationScript: script });
                    } catch (e) {
                        // Long host lists can make the user data too large: refused by name, before any resource.
                        assert.ok(
                            e instanceof ArgumentError &&
                                e.field === "activation" &&
                                /over Tencent's limit/.test(e.message),
                            String(e),
                        );
                        return;
                    }
                    const body = userDataBody(userData!).split("\n");
                    assert.equal(
                        body[0],
                        SCRIPT_FROM_LOADER,
                        "the user data takes the script from the bytes it unpacked",
                    );
                    assert.ok(carrier.endsWith(body.slice(1).join("\n")), "user data runs the same carrier body");
                    assert.equal(carriedScript(userData!), script);
                }
            },
        ),
        { numRuns: RUNS.medium },
    );
    assert.ok(rendered > 0);
});

test("renderCarrier: any text is refused unless it is printable ASCII with CRLF line ends, and then carried byte for byte", () => {
    const branches = new Branches();
    const line = fc.oneof(
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
        fc.string({ maxLength: 6 }),
        fc.constantFrom("'@", "@'", "\t", "\u00e9", "\u4e2d", "\u0000", "$(calc)"),
    );
    fc.assert(
        fc.property(
            fc.array(line, { minLength: 1, maxLength: 8 }),
            fc.constantFrom("\r\n", "\n", "\r"),
            (lines, eol) => {
                const script = lines.map((l) => l + eol).join("");
                let carrier: string | undefined;
                const e = refusalOf(() => (carrier = renderCarrier(script, "report")));
                const clean = /^[\x20-\x7e]*$/.test(lines.join("")) && eol === "\r\n";
                if (e !== undefined) {
                    branches.refused++;
                    assert.ok(!clean, `refused a clean script: ${JSON.stringify(script)}`);
                    return;
                }
                branches.accepted++;
                assert.ok(clean, `accepted ${JSON.stringify(script)}`);
                assert.equal(carriedScript(carrier!), script);
                assert.match(carrier!, /^[\x20-\x7e\n]*$/, "the carrier itself is ASCII");
            },
        ),
        { numRuns: RUNS.fast },
    );
    branches.check("carrier text");
});
