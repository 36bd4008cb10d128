/**
 * Property-based hostile-input tests (fast-check) of renderActivationScript: every script option
 * is either refused with an ArgumentError that names it and does not echo the value, or accepted in
 * the one form its rule allows and then changes nothing in the script's structure. The generators
 * and refusal checks are in test/support/hostileInput.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveActivationArgs } from "../../components/activationArgs";
import { ActivationScriptOptions, DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../../components/activation/options";
import { TAT_TIMEOUT_MAX_SECONDS, worstCaseSeconds } from "../../components/activation/schedule";
import { renderActivationScript } from "../../components/activation/script";
import { ArgumentError } from "../../components/validation";
import {
    Branches,
    PIECES,
    RUNS,
    Tagged,
    assertRefusal,
    ctx,
    hostileString,
    intValue,
    nonString,
    overTatTimeout,
    refusalOf,
    validHost,
} from "../support/hostileInput";

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** A value for a host argument, tagged with whether it is certainly valid. */
const hostValue: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 3, arbitrary: validHost.map((value) => ({ value, valid: true })) },
    { weight: 6, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

/** A value for a host-list argument. */
function hostListValue(min: number, max: number): fc.Arbitrary<Tagged> {
    return fc.oneof(
        {
            weight: 3,
            arbitrary: fc
                .uniqueArray(validHost, { minLength: min, maxLength: max, selector: (h) => h.toLowerCase() })
                .map((value) => ({ value, valid: true })),
        },
        {
            weight: 5,
            arbitrary: fc
                .array(hostValue, { maxLength: max + 2 })
                .map((items) => ({ value: items.map((i) => i.value), valid: false })),
        },
        { weight: 1, arbitrary: fc.oneof(hostileString, nonString).map((value) => ({ value, valid: false })) },
    );
}

const boolValue: fc.Arbitrary<Tagged> = fc.oneof(
    fc.boolean().map((value) => ({ value, valid: true })),
    fc
        .oneof(
            fc.constantFrom(
                0,
                1,
                "true",
                "false",
                "",
                null,
                [true],
                // eslint-disable-next-line no-new-wrappers -- a boxed boolean, which the checks must refuse
                new Boolean(true),
            ),
            hostileString,
        )
        .map((value) => ({ value, valid: false })),
);

// ---------------------------------------------------------------------------------------------
// Acceptance: the script's form
// ---------------------------------------------------------------------------------------------

/** Batch metacharacters: none may come from a value. */
const METACHARS = ["&", "|", "<", ">", "^", "%", "!", "(", ")", '"'] as const;

const SAFE_HOST = /^[A-Za-z0-9.-]+$/;

function metacharCounts(script: string): Record<string, number> {
    return Object.fromEntries(METACHARS.map((m) => [m, script.split(m).length - 1]));
}

function assertPrintableCrlf(script: string): void {
    assert.ok(/^[\x20-\x7e\r\n]*$/.test(script), "the script has a character outside printable ASCII and CRLF");
    assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(script), "the script has a lone CR or LF");
}

type HostKey = "kmsHost" | "fallbackKmsHosts" | "ntpServers";
type IntKey = "kmsPort" | "maxAttempts" | "retryDelaySeconds";

/** The lines an integer option renders to. */
const INT_LINES: Record<IntKey, (n: number) => string[]> = {
    kmsPort: (n) => [`set "KMS_PORT=${n}"`],
    maxAttempts: (n) => [`set "MAX_ATTEMPTS=${n}"`],
    retryDelaySeconds: (n) => [`set "DELAY=${n}"`, `set "MAX_DELAY=${n * 8}"`],
};

/**
 * Checks an accepted options object: every host is in the safe form, the script is printable
 * ASCII with CRLF, and it equals the script rendered with benign placeholders (hosts) and default
 * numbers once the accepted values are substituted back, so no value changed the structure; its
 * batch metacharacters are exactly the template's.
 */
function assertAcceptedScript(options: Record<string, unknown>, script: string): void {
    assertPrintableCrlf(script);
    const placeholders: Record<string, unknown> = { ...options };
    const back: [string, string][] = [];
    const hostKeys: HostKey[] = ["kmsHost", "fallbackKmsHosts", "ntpServers"];
    for (const key of hostKeys) {
        const v = options[key];
        if (v === undefined) {
            continue;
        }
        const hosts = key === "kmsHost" ? [v] : (v as unknown[]);
        for (const h of hosts) {
            assert.equal(typeof h, "string", `accepted ${key} entry is not a string: ${String(h)}`);
            assert.match(h as string, SAFE_HOST);
            assert.ok((h as string).length <= 253);
        }
        const ph = hosts.map((_, i) => `zz${key.toLowerCase()}${i}q.placeholder.invalid`);
        placeholders[key] = key === "kmsHost" ? ph[0] : ph;
        ph.forEach((p, i) => back.push([p, hosts[i] as string]));
    }
    let intLines: [string, string][] = [];
    for (const key of Object.keys(INT_LINES) as IntKey[]) {
        const v = options[key];
        if (v === undefined) {
            continue;
        }
        assert.ok(typeof v === "number" && Number.isInteger(v), `accepted ${key} is not a whole number: ${String(v)}`);
        const d = DEFAULT_ACTIVATION_SCRIPT_OPTIONS[key];
        placeholders[key] = d;
        const from = INT_LINES[key](d);
        const to = INT_LINES[key](v);
        for (const line of to) {
            assert.ok(script.includes(`\r\n${line}\r\n`), `the script lacks the line ${line}`);
        }
        intLines = intLines.concat(from.map((f, i) => [f, to[i]] as [string, string]));
    }
    const reference = renderActivationScript(placeholders as ActivationScriptOptions);
    let substituted = reference;
    for (const [from, to] of intLines) {
        substituted = substituted.split(`\r\n${from}\r\n`).join(`\r\n${to}\r\n`);
    }
    for (const [p, h] of back) {
        substituted = substituted.split(p).join(h);
    }
    // The stale-lock age is the worst-case run time, which maxAttempts and retryDelaySeconds shape together.
    const timing = { ...DEFAULT_ACTIVATION_SCRIPT_OPTIONS, ...options } as typeof DEFAULT_ACTIVATION_SCRIPT_OPTIONS;
    const stale = `set "LOCK_STALE_MINUTES=${Math.ceil(worstCaseSeconds(timing) / 60)}"`;
    substituted = substituted.replace(/\r\nset "LOCK_STALE_MINUTES=\d+"\r\n/, `\r\n${stale}\r\n`);
    assert.equal(script, substituted, "a value changed the script beyond its own text");
    assert.deepEqual(metacharCounts(script), metacharCounts(reference), "a value added batch metacharacters");
}

// ---------------------------------------------------------------------------------------------
// Script options, one argument at a time
// ---------------------------------------------------------------------------------------------

const OPTION_ARBS: Record<keyof ActivationScriptOptions, fc.Arbitrary<Tagged>> = {
    kmsHost: hostValue,
    fallbackKmsHosts: hostListValue(0, 4),
    ntpServers: hostListValue(1, 4),
    kmsPort: intValue(1, 65535),
    maxAttempts: intValue(1, 20),
    retryDelaySeconds: intValue(1, 600),
    installKmsClientKey: boolValue,
};

for (const key of Object.keys(OPTION_ARBS) as (keyof ActivationScriptOptions)[]) {
    test(`renderActivationScript: hostile ${key} is refused by name or rendered inert`, () => {
        const branches = new Branches();
        const field = new RegExp(`^activation\\.${key}(\\[\\d+\\])?$`);
        fc.assert(
            fc.property(OPTION_ARBS[key], ({ value, valid }) => {
                const options: Record<string, unknown> = { [key]: value };
                let script: string | undefined;
                const e = refusalOf(() => (script = renderActivationScript(options as ActivationScriptOptions)));
                // A valid host may repeat the default kmsHost (in fallbackKmsHosts) or a default fallback host
                // (as kmsHost): the repeat rule then refuses it, naming fallbackKmsHosts.
                const lower = (h: unknown) => (typeof h === "string" ? h.toLowerCase() : h);
                const repeatsKmsHost =
                    (key === "fallbackKmsHosts" &&
                        Array.isArray(value) &&
                        value.some((h) => lower(h) === DEFAULT_ACTIVATION_SCRIPT_OPTIONS.kmsHost)) ||
                    (key === "kmsHost" &&
                        DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts.includes(lower(value) as string));
                if (e !== undefined) {
                    branches.refused++;
                    const err = assertRefusal(
                        e,
                        repeatsKmsHost && key === "kmsHost" ? /^activation\.fallbackKmsHosts$/ : field,
                        value,
                    );
                    if (err.field.includes("[")) {
                        const i = Number(/\[(\d+)\]$/.exec(err.field)![1]);
                        assert.ok(Array.isArray(value) && i < value.length, `refusal names index ${i} out of the list`);
                    }
                    assert.ok(!valid || repeatsKmsHost, `a valid ${key} was refused: ${err.message}`);
                    return;
                }
                branches.accepted++;
                if (key === "installKmsClientKey") {
                    assert.equal(typeof value, "boolean");
                    assert.equal(script!.includes(":install_key"), value);
                    assertPrintableCrlf(script!);
                    return;
                }
                if (key === "kmsPort" || key === "maxAttempts" || key === "retryDelaySeconds") {
                    const [min, max] = { kmsPort: [1, 65535], maxAttempts: [1, 20], retryDelaySeconds: [1, 600] }[key];
                    assert.ok(
                        typeof value === "number" && Number.isInteger(value) && value >= min && value <= max,
                        `accepted ${key} ${String(value)}`,
                    );
                }
                if (key === "fallbackKmsHosts" || key === "ntpServers") {
                    const [min, max] = key === "ntpServers" ? [1, 4] : [0, 4];
                    assert.ok(Array.isArray(value) && value.length >= min && value.length <= max);
                }
                assertAcceptedScript(options, script!);
            }),
            { numRuns: RUNS.fast },
        );
        branches.check(key);
    });
}

test("every host argument refuses each printable ASCII character outside [A-Za-z0-9.-], in every position", () => {
    const chars = [
        ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
        "\t",
        "\r",
        "\n",
        "\u0000",
        ...PIECES.filter((p) => /[^\x20-\x7e]/.test(p)),
    ];
    let refused = 0;
    for (const c of chars) {
        const safe = /^[A-Za-z0-9.-]+$/.test(c);
        for (const host of [
            `a${c}b.example.com`,
            `${c}host.example.com`,
            `host.example.com${c}`,
            `host${c}.example.com`,
        ]) {
            for (const [key, value] of [
                ["kmsHost", host],
                ["fallbackKmsHosts", ["kms9.example.com", host]],
                ["ntpServers", [host]],
            ] as const) {
                let script: string | undefined;
                const e = refusalOf(() => (script = renderActivationScript({ [key]: value })));
                if (e === undefined) {
                    assert.ok(safe, `${key} accepted ${JSON.stringify(host)}`);
                    assertAcceptedScript({ [key]: value }, script!);
                } else {
                    refused++;
                    assertRefusal(e, new RegExp(`^activation\\.${key}(\\[\\d+\\])?$`), value);
                }
            }
        }
    }
    assert.ok(refused > 0);
});

// ---------------------------------------------------------------------------------------------
// Script options together, with unknown keys
// ---------------------------------------------------------------------------------------------

const KNOWN_KEYS = Object.keys(OPTION_ARBS);
const unknownKey = fc
    .oneof(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.constantFrom(
            "kmshost",
            "KmsHost",
            "__proto__",
            "constructor",
            "toString",
            "kmsHost ",
            "ｋmsHost",
            "delivery",
        ),
    )
    .filter((k) => !KNOWN_KEYS.includes(k));

test("renderActivationScript: several hostile options at once, and unknown keys", () => {
    const branches = new Branches();
    // Mostly valid values, so that whole option sets are accepted too.
    const mostlyValid = (valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<Tagged>) =>
        fc.oneof(
            { weight: 5, arbitrary: valid.map((value) => ({ value, valid: true })) },
            { weight: 1, arbitrary: hostile },
        );
    const optionsArb = fc.record(
        {
            kmsHost: mostlyValid(validHost, OPTION_ARBS.kmsHost),
            fallbackKmsHosts: mostlyValid(
                fc.uniqueArray(validHost, { maxLength: 4, selector: (h) => h.toLowerCase() }),
                OPTION_ARBS.fallbackKmsHosts,
            ),
            ntpServers: mostlyValid(fc.array(validHost, { minLength: 1, maxLength: 4 }), OPTION_ARBS.ntpServers),
            kmsPort: mostlyValid(fc.integer({ min: 1, max: 65535 }), OPTION_ARBS.kmsPort),
            maxAttempts: mostlyValid(fc.integer({ min: 1, max: 20 }), OPTION_ARBS.maxAttempts),
            retryDelaySeconds: mostlyValid(fc.integer({ min: 1, max: 600 }), OPTION_ARBS.retryDelaySeconds),
            installKmsClientKey: mostlyValid(fc.boolean(), OPTION_ARBS.installKmsClientKey),
        },
        { requiredKeys: [] },
    );
    fc.assert(
        fc.property(optionsArb, fc.option(unknownKey, { freq: 6 }), (tagged, extra) => {
            const options: Record<string, unknown> = {};
            for (const [k, t] of Object.entries(tagged)) {
                options[k] = (t as { value: unknown }).value;
            }
            if (extra !== null) {
                Object.defineProperty(options, extra, {
                    value: "x",
                    enumerable: true,
                    configurable: true,
                    writable: true,
                });
            }
            let script: string | undefined;
            const e = refusalOf(() => (script = renderActivationScript(options as ActivationScriptOptions)));
            if (e !== undefined) {
                branches.refused++;
                assert.ok(e instanceof ArgumentError, `expected an ArgumentError, got ${String(e)}`);
                if (extra !== null) {
                    assert.equal(e.field, `activation.${extra}`);
                    assert.equal(e.message, `Invalid argument 'activation.${extra}': is not a known setting.`);
                    return;
                }
                const key = /^activation\.(\w+)/.exec(e.field)?.[1];
                if (key === "maxAttempts" && overTatTimeout(options)) {
                    // Valid on their own, too long together: the refusal names both and says what fits.
                    assert.ok(
                        e.message.includes("activation.retryDelaySeconds") &&
                            e.message.includes(`${TAT_TIMEOUT_MAX_SECONDS} s`),
                        e.message,
                    );
                    return;
                }
                const defaultRepeated =
                    key === "fallbackKmsHosts" &&
                    options.fallbackKmsHosts === undefined &&
                    typeof options.kmsHost === "string" &&
                    DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts.includes(options.kmsHost.toLowerCase());
                assert.ok(
                    key !== undefined && (key in options || defaultRepeated),
                    `the refusal names ${e.field}, which was not given`,
                );
                assertRefusal(e, new RegExp(`^activation\\.${key}(\\[\\d+\\])?$`), options[key]);
                if (defaultRepeated) {
                    return;
                }
                const kmsHost =
                    typeof options.kmsHost === "string" ? options.kmsHost : DEFAULT_ACTIVATION_SCRIPT_OPTIONS.kmsHost;
                const fallback =
                    options.fallbackKmsHosts === undefined
                        ? DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts
                        : options.fallbackKmsHosts;
                const repeats =
                    key === "fallbackKmsHosts" &&
                    Array.isArray(fallback) &&
                    fallback.some((h) => typeof h === "string" && h.toLowerCase() === kmsHost.toLowerCase());
                const t = (tagged as Record<string, { valid: boolean }>)[key!];
                assert.ok(!t.valid || repeats, `a valid ${key} was refused: ${e.message}`);
                return;
            }
            assert.equal(extra, null, `unknown key ${JSON.stringify(extra)} was accepted`);
            branches.accepted++;
            assertAcceptedScript(options, script!);
        }),
        { numRuns: RUNS.fast },
    );
    branches.check("combined options");
});

// Sparse arrays: a hole is not a host. A validator that maps over the list with Array.prototype.map
// skips holes, so a hole would survive: the script would get `set "KMS_HOST_2=undefined"`.
test("host lists and CIDR lists with holes are refused or rendered only with real hosts", () => {
    const branches = new Branches();
    const sparse = fc.sparseArray(validHost, { maxLength: 4 });
    fc.assert(
        fc.property(fc.constantFrom("fallbackKmsHosts", "ntpServers", "sshAllowedCidrs"), sparse, (key, list) => {
            if (key === "sshAllowedCidrs") {
                // The same holes, with a valid CIDR in every filled slot.
                const cidrs: string[] = new Array(list.length);
                list.forEach((_, i) => {
                    cidrs[i] = "10.0.0.0/8";
                });
                const e = refusalOf(() => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: cidrs }, ctx));
                if (e !== undefined) {
                    branches.refused++;
                    assertRefusal(e, /^activation\.sshAllowedCidrs(\[\d+\])?$/, cidrs);
                    return;
                }
                branches.accepted++;
                const resolved = resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: cidrs }, ctx);
                for (let i = 0; i < resolved.sshAllowedCidrs.length; i++) {
                    assert.equal(
                        typeof resolved.sshAllowedCidrs[i],
                        "string",
                        `accepted sshAllowedCidrs[${i}] is a hole`,
                    );
                }
                return;
            }
            let script: string | undefined;
            const e = refusalOf(() => (script = renderActivationScript({ [key]: list })));
            if (e !== undefined) {
                branches.refused++;
                assertRefusal(e, new RegExp(`^activation\\.${key}(\\[\\d+\\])?$`), list);
                return;
            }
            branches.accepted++;
            for (let i = 0; i < list.length; i++) {
                assert.ok(i in list, `a hole at ${key}[${i}] was accepted`);
            }
            assertAcceptedScript({ [key]: list }, script!);
        }),
        { numRuns: RUNS.medium },
    );
    branches.check("sparse lists");
});
