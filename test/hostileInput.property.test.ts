/**
 * Hostile-input corpus, property-based (fast-check): every argument that reaches the activation
 * script, a remote command or the instance is either refused with an ArgumentError that names
 * the argument and does not echo the value, or accepted in the one form its rule allows and then
 * changes nothing in the script's structure; the result-line parsers never read garbage as
 * "Licensed"; the carrier delivers every accepted script byte for byte.
 *
 * Each property also checks that both of its branches were taken (values accepted and values
 * refused), so none of them passes by refusing or accepting everything.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ActivatedWindowsServer } from "../components/activatedWindowsServer";
import { ActivatedWindowsServerArgs } from "../components/serverArgs";
import { DELIVERIES, resolveActivationArgs } from "../components/activationArgs";
import { ActivationScriptOptions, DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../components/activation/options";
import { EXIT_CODES } from "../components/activation/exitCodes";
import { TAT_TIMEOUT_MARGIN_SECONDS, TAT_TIMEOUT_MAX_SECONDS, checkWorstCaseSeconds, worstCaseSeconds } from "../components/activation/schedule";
import { readActivationOutput } from "../components/activation/report";
import { ActivationResultError, parseActivationOutput, parseBase64ActivationOutput } from "../components/activation/result";
import { RESULT_SCHEMA, renderActivationScript } from "../components/activation/script";
import { CarrierMode, renderCarrier } from "../components/delivery/carrier";
import { carriedScript, userDataBody } from "./support/carrier";
import { SCRIPT_FROM_LOADER, renderUserData } from "../components/delivery/userData";
import { WINDOWS_VERSIONS } from "../components/images/imageNames";
import { ArgumentError, WINDOWS_PASSWORD_SPECIALS, requireWindowsHostname, requireWindowsPassword } from "../components/validation";
import { LICENSED_LINE, MockCloud, SAMPLE_IMAGES, isSecretValue, valueOf } from "../stacks/plan/mockCloud";

const RUNS = { fast: 300, medium: 150, component: 25 } as const;
fc.configureGlobal({ includeErrorInReport: true });

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Batch metacharacters: none may come from a value. */
const METACHARS = ["&", "|", "<", ">", "^", "%", "!", "(", ")", '"'] as const;

/** Injection shapes for batch and PowerShell, control characters and Unicode look-alikes. */
const PIECES = [
    "&", "&&", "|", "||", "<", ">", ">>", "2>&1", "^", "^&", "%", "%PATH%", "%~1", "%%a", "%KMS_HOST_1%", "!", "!PATH!", "(", ")", '"', "'",
    "`", "``", "$(", "$(calc)", "${env:x}", "$env:COMPUTERNAME", "'@", "@'", '"@', "@\"", "\r", "\n", "\r\n", "\r'@", "\n'@\n", "\t", " ", ";",
    ",", "=", "\u0000", "\u001b", "\u007f", "\u200b", "\u200d", "\ufeff", "\u00a0", "\u2028", "＆", "｜", "＾", "％", "＂", "（", "е", "ο", "ı",
    "\u212a", "ſ", "ａ", "１", "..", ".", "-", "_", "/", "\\", ":", "@", "*", "?", "#", "~", "[", "]", "{", "}", "+",
    " & calc.exe & ", '" & calc & "', "\r\nexit /b 0\r\n", "; Remove-Item C:\\ -Recurse", "|| powershell -enc AAAA",
] as const;

const REAL_HOSTS = [
    "kms.tencentyun.com", "kms1.tencentyun.com", "ntpupdate.tencentyun.com", "time.windows.com", "time.cloud.tencent.com",
    "KMS.Example.COM", "a", "x-1.y-2.z", "xn--fiqs8s.example", "10.0.0.4", "169.254.0.2", "255.255.255.255", "0.0.0.0",
] as const;

/** A DNS name of exactly `length` characters, in labels of 1 to 63 letters. */
function dnsOfLength(length: number, fill = "a"): string {
    const labels: string[] = [];
    let left = length;
    while (left > 63) {
        const n = Math.min(63, left - 2); // leave at least one character after the dot
        labels.push(fill.repeat(n));
        left -= n + 1;
    }
    labels.push(fill.repeat(left));
    return labels.join(".");
}

const validHost: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...REAL_HOSTS) },
    { weight: 3, arbitrary: fc.domain().filter((d) => d.length <= 253) },
    { weight: 2, arbitrary: fc.ipV4() },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 253 }).map((n) => dnsOfLength(n, "b")) },
);

/** A valid host with one injection piece (or one or two random code points) spliced in at a random position. */
const injectedHost = fc.tuple(validHost, fc.nat(), fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", minLength: 1, maxLength: 2 }))).map(([host, at, piece]) => {
    const i = at % (host.length + 1);
    return host.slice(0, i) + piece + host.slice(i);
});

/** A valid host with one character swapped for a look-alike. */
const lookalikeHost = fc.tuple(validHost, fc.nat(), fc.constantFrom("е", "о", "ａ", "１", "．", "‐", "\u200b", "\u212a", "ı", "Ｋ", "é", "ü", "ß", "\u0130", "\u00ad", "\u2024")).map(([host, at, ch]) => {
    const i = at % host.length;
    return host.slice(0, i) + ch + host.slice(i + 1);
});

/** A valid host with one character replaced by, or one inserted, from the whole printable ASCII range. */
const asciiTweakedHost = fc.tuple(validHost, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), fc.boolean()).map(([host, at, code, insert]) => {
    const i = at % host.length;
    return host.slice(0, i) + String.fromCharCode(code) + host.slice(insert ? i : i + 1);
});

const hostileString: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: asciiTweakedHost },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(..."abz09.-_&|^%!()\"'`$@ \r\n\t;=+*~".split("")), maxLength: 20 }) },
    { weight: 4, arbitrary: injectedHost },
    { weight: 2, arbitrary: lookalikeHost },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), validHost), { minLength: 1, maxLength: 6 }).map((a) => a.join("")) },
    { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 400 }) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 600 }).map((n) => "a".repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom(dnsOfLength(253), dnsOfLength(254), dnsOfLength(256), "a".repeat(64) + ".com", "-a.com", "a-.com", "a..com", ".a.com", "a.com.", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "123", "") },
);

/** Values that are not strings (or are strings in disguise). */
const nonString: fc.Arbitrary<unknown> = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt({ min: -10n, max: 70000n }),
    fc.array(fc.constantFrom(...REAL_HOSTS), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
    fc.constant(new String("kms.example.com")),
    fc.constant({ toString: () => "kms.example.com" }),
    fc.constant(Symbol("kms.example.com")),
    fc.constant(() => "kms.example.com"),
);

/** A generated value and whether the rule under test must accept it. */
type Tagged = { value: unknown; valid: boolean };

/** A value for a host argument, tagged with whether it is certainly valid. */
const hostValue: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 3, arbitrary: validHost.map((value) => ({ value, valid: true })) },
    { weight: 6, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

/** A value for a host-list argument. */
function hostListValue(min: number, max: number): fc.Arbitrary<Tagged> {
    return fc.oneof(
        { weight: 3, arbitrary: fc.uniqueArray(validHost, { minLength: min, maxLength: max, selector: (h) => h.toLowerCase() }).map((value) => ({ value, valid: true })) },
        {
            weight: 5,
            arbitrary: fc.array(hostValue, { maxLength: max + 2 }).map((items) => ({ value: items.map((i) => i.value), valid: false })),
        },
        { weight: 1, arbitrary: fc.oneof(hostileString, nonString).map((value) => ({ value, valid: false })) },
    );
}

/** A value for a whole-number argument. */
function intValue(min: number, max: number): fc.Arbitrary<Tagged> {
    return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min, max }).map((value) => ({ value, valid: true })) },
        {
            weight: 6,
            arbitrary: fc
                .oneof(
                    fc.integer({ min: min - 5, max: max + 5 }),
                    fc.integer(),
                    fc.double(),
                    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, min + 0.5, max + 0.000001, 1e21, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -1),
                    fc.bigInt({ min: BigInt(min), max: BigInt(max) }),
                    fc.constantFrom(String(min), ` ${max}`, "0x10", "1e2", "15 & calc", "%DELAY%"),
                    fc.constantFrom(true, false, null, [min], new Number(min), { valueOf: () => min }),
                    hostileString,
                )
                .map((value) => ({ value, valid: false })),
        },
    );
}

const boolValue: fc.Arbitrary<Tagged> = fc.oneof(
    fc.boolean().map((value) => ({ value, valid: true })),
    fc.oneof(fc.constantFrom(0, 1, "true", "false", "", null, [true], new Boolean(true)), hostileString).map((value) => ({ value, valid: false })),
);

// ---------------------------------------------------------------------------------------------
// Refusals: the field names the argument, and the message does not depend on the value
// ---------------------------------------------------------------------------------------------

const norm = (s: string) => s.replace(/\[\d+\]/g, "[i]");

/** Messages of refusals of canary values, by normalised field: what a value-independent message looks like. */
const canaryMessages = new Map<string, Set<string>>();

function refusalOf(fn: () => unknown): unknown {
    try {
        fn();
        return undefined;
    } catch (e) {
        return e ?? new Error("thrown undefined");
    }
}

function addCanary(fn: () => unknown): void {
    const e = refusalOf(fn);
    assert.ok(e instanceof ArgumentError, `canary must be refused with an ArgumentError, got ${String(e)}`);
    const key = norm(e.field);
    if (!canaryMessages.has(key)) {
        canaryMessages.set(key, new Set());
    }
    canaryMessages.get(key)!.add(norm(e.message));
}

const BAD = "\u0001canary";
const ctx = { windowsVersion: "2022" as const, hasPublicIp: true };

/** Collects the canary messages once (inside a test, so a canary that is not refused fails that test). */
function ensureCanaries(): void {
    if (canaryMessages.size > 0) return;
    for (const options of [
        null, [], "x",
        { kmsHost: 42 }, { kmsHost: BAD },
        { fallbackKmsHosts: "x" }, { fallbackKmsHosts: [BAD] }, { fallbackKmsHosts: ["a.b", BAD] }, { kmsHost: "a.b", fallbackKmsHosts: ["A.B"] },
        { ntpServers: [] }, { ntpServers: [BAD] },
        { kmsPort: 0 }, { maxAttempts: 0 }, { retryDelaySeconds: 0 }, { installKmsClientKey: "x" },
    ]) {
        addCanary(() => renderActivationScript(options as ActivationScriptOptions));
    }
    for (const args of [
        { delivery: "x" }, { sshHost: "x" }, { sshHost: "public" }, { sshAllowedCidrs: ["10.0.0.0/8"] },
        { delivery: "ssh" }, { delivery: "ssh", sshAllowedCidrs: [BAD] }, { delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8", BAD] },
    ]) {
        addCanary(() => resolveActivationArgs(args as never, ctx));
    }
    addCanary(() => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8"], sshHost: "public" }, { windowsVersion: "2022", hasPublicIp: false }));
    addCanary(() => requireWindowsHostname("hostname", BAD));
    addCanary(() => requireWindowsPassword("password", BAD));
}

/** The strings a value is made of (elements of arrays too), as a message could echo them. */
function stringsOf(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (typeof value === "number" || typeof value === "bigint") return [String(value)];
    if (Array.isArray(value)) return value.flatMap(stringsOf);
    return [];
}

/** Asserts a refusal: an ArgumentError whose field matches, whose message is one a canary gets and does not echo the value. */
function assertRefusal(e: unknown, field: RegExp, value: unknown): ArgumentError {
    assert.ok(e instanceof ArgumentError, `expected an ArgumentError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.equal(e.name, "ArgumentError");
    assert.match(e.field, field);
    ensureCanaries();
    const known = canaryMessages.get(norm(e.field));
    assert.ok(known !== undefined, `no canary for field ${e.field}`);
    assert.ok(known.has(norm(e.message)), `the message for ${e.field} depends on the value: ${JSON.stringify(e.message)}`);
    for (const s of stringsOf(value)) {
        if (s.length >= 3) {
            const inRuleText = [...known].some((m) => m.includes(s));
            assert.ok(inRuleText || !e.message.includes(s), `the message echoes the value: ${JSON.stringify(e.message)}`);
        }
    }
    return e;
}

// ---------------------------------------------------------------------------------------------
// Acceptance: the script's form
// ---------------------------------------------------------------------------------------------

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
        if (v === undefined) continue;
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
        if (v === undefined) continue;
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

/** Counts both branches of a property, to fail it when one is never taken. */
class Branches {
    accepted = 0;
    refused = 0;
    check(name: string): void {
        assert.ok(this.accepted > 0, `${name}: no value was accepted (the property would be vacuous)`);
        assert.ok(this.refused > 0, `${name}: no value was refused (the property would be vacuous)`);
    }
}

/**
 * Checks one rule over generated values: a refusal must be an ArgumentError naming `field` without
 * the value, and never of a value tagged valid; an accepted value and what `apply` returned go to
 * `accepted`, which asserts the rule's allowed form. Both branches must be taken.
 */
function checkRule<T>(name: string, values: fc.Arbitrary<Tagged>, field: RegExp, apply: (value: unknown) => T, accepted: (value: unknown, result: T) => void): void {
    const branches = new Branches();
    fc.assert(
        fc.property(values, ({ value, valid }) => {
            let result: T | undefined;
            const e = refusalOf(() => (result = apply(value)));
            if (e !== undefined) {
                branches.refused++;
                assertRefusal(e, field, value);
                assert.ok(!valid, `a valid ${name} was refused: ${(e as Error).message}`);
                return;
            }
            branches.accepted++;
            accepted(value, result as T);
        }),
        { numRuns: RUNS.fast },
    );
    branches.check(name);
}

// ---------------------------------------------------------------------------------------------
// 1. Script options, one argument at a time
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
                    (key === "fallbackKmsHosts" && Array.isArray(value) && value.some((h) => lower(h) === DEFAULT_ACTIVATION_SCRIPT_OPTIONS.kmsHost)) ||
                    (key === "kmsHost" && DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts.includes(lower(value) as string));
                if (e !== undefined) {
                    branches.refused++;
                    const err = assertRefusal(e, repeatsKmsHost && key === "kmsHost" ? /^activation\.fallbackKmsHosts$/ : field, value);
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
                    assert.ok(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max, `accepted ${key} ${String(value)}`);
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
    const chars = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)), "\t", "\r", "\n", "\u0000", ...PIECES.filter((p) => /[^\x20-\x7e]/.test(p))];
    let refused = 0;
    for (const c of chars) {
        const safe = /^[A-Za-z0-9.-]+$/.test(c);
        for (const host of [`a${c}b.example.com`, `${c}host.example.com`, `host.example.com${c}`, `host${c}.example.com`]) {
            for (const [key, value] of [["kmsHost", host], ["fallbackKmsHosts", ["kms9.example.com", host]], ["ntpServers", [host]]] as const) {
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
// 1b. Script options together, with unknown keys
// ---------------------------------------------------------------------------------------------

const KNOWN_KEYS = Object.keys(OPTION_ARBS);
const unknownKey = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom("kmshost", "KmsHost", "__proto__", "constructor", "toString", "kmsHost ", "ｋmsHost", "delivery")).filter((k) => !KNOWN_KEYS.includes(k));

/** True when `options` holds a valid maxAttempts and retryDelaySeconds whose `/check` run would not fit TAT's command timeout. */
function overTatTimeout(options: Record<string, unknown>): boolean {
    const { maxAttempts, retryDelaySeconds } = options;
    const valid = (v: unknown, max: number) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max;
    return (
        valid(maxAttempts, 20) &&
        valid(retryDelaySeconds, 600) &&
        checkWorstCaseSeconds({ maxAttempts: maxAttempts as number, retryDelaySeconds: retryDelaySeconds as number }) + TAT_TIMEOUT_MARGIN_SECONDS > TAT_TIMEOUT_MAX_SECONDS
    );
}

test("renderActivationScript: several hostile options at once, and unknown keys", () => {
    const branches = new Branches();
    // Mostly valid values, so that whole option sets are accepted too.
    const mostlyValid = (valid: fc.Arbitrary<unknown>, any: fc.Arbitrary<Tagged>) =>
        fc.oneof({ weight: 5, arbitrary: valid.map((value) => ({ value, valid: true })) }, { weight: 1, arbitrary: any });
    const optionsArb = fc.record(
        {
            kmsHost: mostlyValid(validHost, OPTION_ARBS.kmsHost),
            fallbackKmsHosts: mostlyValid(fc.uniqueArray(validHost, { maxLength: 4, selector: (h) => h.toLowerCase() }), OPTION_ARBS.fallbackKmsHosts),
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
                Object.defineProperty(options, extra, { value: "x", enumerable: true, configurable: true, writable: true });
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
                    assert.ok(e.message.includes("activation.retryDelaySeconds") && e.message.includes(`${TAT_TIMEOUT_MAX_SECONDS} s`), e.message);
                    return;
                }
                const defaultRepeated =
                    key === "fallbackKmsHosts" &&
                    options.fallbackKmsHosts === undefined &&
                    typeof options.kmsHost === "string" &&
                    DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts.includes(options.kmsHost.toLowerCase());
                assert.ok(key !== undefined && (key in options || defaultRepeated), `the refusal names ${e.field}, which was not given`);
                assertRefusal(e, new RegExp(`^activation\\.${key}(\\[\\d+\\])?$`), options[key]);
                if (defaultRepeated) return;
                const kmsHost = typeof options.kmsHost === "string" ? options.kmsHost : DEFAULT_ACTIVATION_SCRIPT_OPTIONS.kmsHost;
                const fallback = options.fallbackKmsHosts === undefined ? DEFAULT_ACTIVATION_SCRIPT_OPTIONS.fallbackKmsHosts : options.fallbackKmsHosts;
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
test(
    "host lists and CIDR lists with holes are refused or rendered only with real hosts",
    () => {
        const branches = new Branches();
        const sparse = fc.sparseArray(validHost, { maxLength: 4 });
        fc.assert(
            fc.property(fc.constantFrom("fallbackKmsHosts", "ntpServers", "sshAllowedCidrs"), sparse, (key, list) => {
                if (key === "sshAllowedCidrs") {
                    // The same holes, with a valid CIDR in every filled slot.
                    const cidrs: string[] = new Array(list.length);
                    for (const i in list) cidrs[Number(i)] = "10.0.0.0/8";
                    const e = refusalOf(() => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: cidrs }, ctx));
                    if (e !== undefined) {
                        branches.refused++;
                        assertRefusal(e, /^activation\.sshAllowedCidrs(\[\d+\])?$/, cidrs);
                        return;
                    }
                    branches.accepted++;
                    const resolved = resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: cidrs }, ctx);
                    for (let i = 0; i < resolved.sshAllowedCidrs.length; i++) {
                        assert.equal(typeof resolved.sshAllowedCidrs[i], "string", `accepted sshAllowedCidrs[${i}] is a hole`);
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
    },
);

// ---------------------------------------------------------------------------------------------
// 1c. Component-level activation args: delivery, sshHost, sshAllowedCidrs
// ---------------------------------------------------------------------------------------------

const CIDR_FORM = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const validCidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
const cidrValue: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 3, arbitrary: fc.array(validCidr, { minLength: 1, maxLength: 20 }).map((value) => ({ value, valid: true })) },
    {
        weight: 6,
        arbitrary: fc
            .array(
                fc.oneof(
                    validCidr,
                    fc.tuple(validCidr, fc.nat(), fc.constantFrom(...PIECES)).map(([c, at, p]) => c.slice(0, at % (c.length + 1)) + p + c.slice(at % (c.length + 1))),
                    fc.constantFrom("0.0.0.0/0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.0/08", "10.0.0.0", "10.0.0.0/8/8", " 10.0.0.0/8", "１0.0.0.0/8", "::/0", "10.0.0.0/-1"),
                    hostileString,
                    nonString,
                ),
                { maxLength: 22 },
            )
            .map((value) => ({ value, valid: false })),
    },
    { weight: 1, arbitrary: fc.oneof(hostileString, nonString).map((value) => ({ value, valid: false })) },
);
const enumValue = (allowed: readonly string[]) =>
    fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom(...allowed).map((value) => ({ value: value as unknown, valid: true })) },
        {
            weight: 5,
            arbitrary: fc
                .oneof(
                    fc.constantFrom(...allowed).map((a) => a.toUpperCase()),
                    fc.constantFrom(...allowed).map((a) => ` ${a}`),
                    fc.tuple(fc.constantFrom(...allowed), fc.constantFrom(...PIECES)).map(([a, p]) => a + p),
                    hostileString,
                    nonString,
                )
                .map((value) => ({ value, valid: false })),
        },
    );

test("resolveActivationArgs: hostile delivery is refused by name or one of the three", () => {
    checkRule(
        "delivery",
        enumValue(DELIVERIES),
        /^activation\.delivery$/,
        (value) => resolveActivationArgs({ delivery: value, ...(value === "ssh" ? { sshAllowedCidrs: ["198.51.100.0/24"] } : {}) } as never, ctx),
        (value, resolved) => {
            // null, like undefined, means "not set" (the resolver uses ??): the default applies.
            assert.ok((DELIVERIES as readonly unknown[]).includes(value) || value === null, `accepted delivery ${String(value)}`);
            assert.equal(resolved.delivery, value ?? "userData");
        },
    );
});

test("resolveActivationArgs: hostile sshHost is refused by name or public/private", () => {
    checkRule(
        "sshHost",
        enumValue(["public", "private"]),
        /^activation\.sshHost$/,
        (value) => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: ["198.51.100.0/24"], sshHost: value } as never, ctx),
        (value, resolved) => {
            assert.ok(value === "public" || value === "private" || value === null, `accepted sshHost ${String(value)}`);
            assert.equal(resolved.sshHost, value ?? "public");
        },
    );
});

test("resolveActivationArgs: hostile sshAllowedCidrs are refused by name or plain IPv4 CIDR blocks", () => {
    checkRule(
        "sshAllowedCidrs",
        cidrValue,
        /^activation\.sshAllowedCidrs(\[\d+\])?$/,
        (value) => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: value } as never, ctx),
        (value, resolved) => {
            assert.ok(Array.isArray(value) && value.length >= 1 && value.length <= 20);
            assert.deepEqual(resolved.sshAllowedCidrs, value);
            for (const c of resolved.sshAllowedCidrs) {
                const m = CIDR_FORM.exec(c);
                assert.ok(m !== null, `accepted CIDR ${JSON.stringify(c)}`);
                assert.ok(m.slice(1, 5).every((o) => Number(o) <= 255 && String(Number(o)) === o) && Number(m[5]) <= 32, `accepted CIDR ${c}`);
            }
        },
    );
});

// ---------------------------------------------------------------------------------------------
// 1d. Top-level arguments through the component, under the mock engine
// ---------------------------------------------------------------------------------------------

const cloud = new MockCloud();
let mocksReady: Promise<void> | undefined;
const useMocks = () => (mocksReady ??= cloud.start("tencentcloud-windows", "hostile"));
let serial = 0;
const PASSWORD = "Str0ng(Passw0rd)";
const BASE_ARGS: ActivatedWindowsServerArgs = {
    windowsVersion: "2022",
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-hostile1",
    subnetId: "subnet-hostile1",
    password: PASSWORD,
};
const INSTANCE = "tencentcloud:index/instance:Instance";

function componentCanaries(): void {
    ensureCanaries();
    if (canaryMessages.has("imageId")) return;
    const build = (args: Partial<ActivatedWindowsServerArgs>) => () => new ActivatedWindowsServer(`canary-${serial++}`, { ...BASE_ARGS, ...args } as ActivatedWindowsServerArgs);
    addCanary(build({ windowsVersion: "x" as never }));
    addCanary(build({ windowsVersion: undefined }));
    addCanary(build({ imageId: "x" }));
    addCanary(build({ publicIpBandwidthMbps: 0 }));
    addCanary(build({ password: "" }));
}

/** Every plain string in recorded inputs, skipping secret values. */
function plainStrings(value: unknown, out: string[] = []): string[] {
    if (isSecretValue(value)) return out;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) value.forEach((v) => plainStrings(v, out));
    else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => plainStrings(v, out));
    return out;
}

function secretValueOf(value: unknown): unknown {
    assert.ok(isSecretValue(value), "expected a secret input");
    return (value as { value: unknown }).value;
}

/** Builds a server with one argument replaced; returns the refusal or the recorded resources of the server. */
async function buildServer(args: ActivatedWindowsServerArgs): Promise<{ error: unknown } | { server: ActivatedWindowsServer; name: string }> {
    await useMocks();
    componentCanaries();
    const name = `h${serial++}`;
    let server: ActivatedWindowsServer | undefined;
    const error = refusalOf(() => (server = new ActivatedWindowsServer(name, args)));
    if (error !== undefined) return { error };
    await valueOf(server!.instanceId);
    await valueOf(server!.activationStatus);
    return { server: server!, name };
}

function recorded(name: string, type = INSTANCE) {
    const r = cloud.resources.find((x) => x.type === type && x.name.startsWith(`${name}-`));
    assert.ok(r !== undefined, `no ${type} recorded for ${name}`);
    return r;
}

const passwordChars = fc.constantFrom(..."abcxyzABCXYZ0189".split(""), ...WINDOWS_PASSWORD_SPECIALS.split(""));
const passwordValue: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom("Str0ng(Passw0rd)", "aB3%!^&|()xyzQ", "Zz9`~!@#$%^&*-+=|{}[]:;',.?/", "abcDEF123'@%", "ABCdef!!!!!!!!!!!!!!!!!!!!!!!!").map((value) => ({ value, valid: true })) },
    { weight: 3, arbitrary: fc.string({ unit: passwordChars, minLength: 10, maxLength: 32 }).map((value) => ({ value, valid: false })) },
    { weight: 3, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("Str0ng(Passw0rd)"), fc.constantFrom(...PIECES)).map(([p, x]) => ({ value: p + x, valid: false })) },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

test("requireWindowsPassword: refusals never contain the password; accepted ones follow the rule", () => {
    checkRule("password", passwordValue, /^password$/, (value) => requireWindowsPassword("password", value), (value) => {
        assert.ok(typeof value === "string" && value.length >= 12 && value.length <= 30);
        assert.ok([...value].every((c) => /[A-Za-z0-9]/.test(c) || WINDOWS_PASSWORD_SPECIALS.includes(c)), `accepted ${JSON.stringify(value)}`);
    });
});

const hostnameValue: fc.Arbitrary<Tagged> = fc.oneof(
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{1,14}$/).map((value) => ({ value, valid: true })) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(..."aZ9-._&|^% ".split("")), minLength: 1, maxLength: 17 }).map((value) => ({ value, valid: false })) },
    { weight: 3, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

test("requireWindowsHostname: hostile hostnames are refused by name or 2-15 letters, digits, '-'", () => {
    checkRule("hostname", hostnameValue, /^hostname$/, (value) => requireWindowsHostname("hostname", value), (value) => {
        assert.ok(typeof value === "string" && /^[A-Za-z0-9-]{2,15}$/.test(value) && !/^\d+$/.test(value), `accepted ${JSON.stringify(value)}`);
    });
});

test("ActivatedWindowsServer: hostile password, hostname, imageId, windowsVersion, publicIpBandwidthMbps", async () => {
    await useMocks();
    const imageIdValue: fc.Arbitrary<Tagged> = fc.oneof(
        { weight: 2, arbitrary: fc.stringMatching(/^img-[a-z0-9]{8}$/).map((value) => ({ value, valid: true })) },
        { weight: 2, arbitrary: fc.tuple(fc.stringMatching(/^img-[a-z0-9]{8}$/), fc.nat(), fc.constantFrom(...PIECES, "A", "\n")).map(([v, at, p]) => ({ value: v.slice(0, at % 13) + p + v.slice(at % 13), valid: false })) },
        { weight: 2, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
        { weight: 1, arbitrary: nonString.filter((v) => v !== undefined).map((value) => ({ value, valid: false })) },
    );
    const cases = fc.oneof(
        fc.record({ field: fc.constant("password" as const), t: passwordValue, ssh: fc.boolean() }),
        fc.record({ field: fc.constant("hostname" as const), t: hostnameValue, ssh: fc.constant(false) }),
        fc.record({ field: fc.constant("imageId" as const), t: imageIdValue, ssh: fc.constant(false) }),
        fc.record({ field: fc.constant("windowsVersion" as const), t: enumValue(WINDOWS_VERSIONS), ssh: fc.constant(false) }),
        fc.record({ field: fc.constant("publicIpBandwidthMbps" as const), t: intValue(1, 1000), ssh: fc.constant(false) }),
    );
    const branches: Record<string, Branches> = {};
    await fc.assert(
        fc.asyncProperty(cases, async ({ field, t: { value, valid }, ssh }) => {
            const b = (branches[field] ??= new Branches());
            const args: Record<string, unknown> = { ...BASE_ARGS, [field]: value };
            if (ssh) {
                Object.assign(args, { publicIpBandwidthMbps: 10, activation: { delivery: "ssh", sshAllowedCidrs: ["198.51.100.0/24"] } });
            }
            if (field === "imageId" && typeof value === "string") {
                cloud.images = [
                    ...SAMPLE_IMAGES,
                    { imageId: value, imageName: "Windows Server 2022 数据中心版 64位中文版", osName: "Windows Server 2022", platform: "Windows", imageType: "PUBLIC_IMAGE", architecture: "x86_64", createdTime: "2025-01-01 00:00:00" },
                ];
            }
            const built = await buildServer(args as unknown as ActivatedWindowsServerArgs);
            if ("error" in built) {
                b.refused++;
                assertRefusal(built.error, new RegExp(`^${field}$`), value);
                assert.ok(!valid, `a valid ${field} was refused: ${String(built.error)}`);
                return;
            }
            b.accepted++;
            const instance = recorded(built.name);
            const allPlain = cloud.resources.filter((r) => r.name.startsWith(`${built.name}-`) || r.name === built.name).flatMap((r) => plainStrings(r.inputs));
            switch (field) {
                case "password":
                    assert.ok(typeof value === "string" && value.length >= 12 && value.length <= 30);
                    assert.equal(secretValueOf(instance.inputs.password), value);
                    assert.ok(!allPlain.some((s) => s.includes(value)), "the password appears in a plain (non-secret) input");
                    if (ssh) {
                        for (const type of ["command:remote:Command", "command:remote:CopyToRemote"]) {
                            const r = recorded(built.name, type);
                            // The whole connection is secret (or at least its password).
                            const connection = r.inputs.connection;
                            const password = isSecretValue(connection)
                                ? (secretValueOf(connection) as { password: unknown }).password
                                : secretValueOf((connection as { password: unknown }).password);
                            assert.equal(password, value);
                        }
                        assert.ok(!String(recorded(built.name, "command:remote:Command").inputs.create).includes(value));
                    }
                    break;
                case "hostname":
                    assert.ok(typeof value === "string" && /^[A-Za-z0-9-]{2,15}$/.test(value) && !/^\d+$/.test(value));
                    assert.equal(instance.inputs.hostname, value);
                    break;
                case "imageId":
                    assert.ok(typeof value === "string" && /^img-[a-z0-9]{8}$/.test(value), `accepted imageId ${JSON.stringify(value)}`);
                    assert.equal(instance.inputs.imageId, value);
                    break;
                case "windowsVersion":
                    assert.ok((WINDOWS_VERSIONS as readonly unknown[]).includes(value));
                    assert.ok((await valueOf(built.server.imageName)).startsWith(`Windows Server ${String(value).replace("R2", " R2")} `));
                    break;
                case "publicIpBandwidthMbps":
                    assert.ok(typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 1000);
                    assert.equal(instance.inputs.internetMaxBandwidthOut, value);
                    assert.equal(instance.inputs.allocatePublicIp, true);
                    break;
            }
            // Whatever was accepted, the user data still carries the default script unchanged.
            assert.equal(instance.inputs.userDataRaw, renderUserData({ activationScript: ssh ? undefined : renderActivationScript(), enableOpenSsh: ssh }));
        }),
        { numRuns: RUNS.component * 5 },
    );
    for (const field of ["password", "hostname", "imageId", "windowsVersion", "publicIpBandwidthMbps"]) {
        assert.ok(branches[field] !== undefined, `${field} was never generated`);
        branches[field].check(field);
    }
});

// ---------------------------------------------------------------------------------------------
// 2. Result-line parsers
// ---------------------------------------------------------------------------------------------

const LINE_START = `{"activation":"${RESULT_SCHEMA}"`;
const INT_FIELDS = ["exitCode", "licenseStatus", "kmsPort", "attempts", "lastErrorCode", "osBuild"];
const STRING_FIELDS = ["status", "kmsHost", "errorClass", "osVersion", "edition"];

/** The oracle: the last result line of `text` is a well-formed Licensed line (exit code 0, LicenseStatus 1, every field typed). */
function isWellFormedLicensed(text: string): boolean {
    const line = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.startsWith(LINE_START))
        .pop();
    if (line === undefined) return false;
    let o: unknown;
    try {
        o = JSON.parse(line);
    } catch {
        return false;
    }
    if (o === null || typeof o !== "object" || Array.isArray(o)) return false;
    const r = o as Record<string, unknown>;
    return (
        r.activation === RESULT_SCHEMA &&
        r.status === "Licensed" &&
        r.exitCode === 0 &&
        r.licenseStatus === 1 &&
        INT_FIELDS.every((k) => Number.isInteger(r[k])) &&
        STRING_FIELDS.every((k) => typeof r[k] === "string") &&
        typeof r.alreadyLicensed === "boolean"
    );
}

const LICENSED_OBJECT = JSON.parse(LICENSED_LINE) as Record<string, unknown>;
const STATUSES = ["Licensed", "UnsupportedOs", "AccessDenied", "StatusUnavailable", "KmsUnreachable", "ClockSkew", "RetriesExhausted", "NotLicensedAfterActivation", "KeyRejected", "NoKmsClientKey"];
const fieldValue = fc.oneof(
    fc.constantFrom(0, 1, -1, 2, 10, 13, 20, 21, -0, 0.5, 1.0000001, 1e21, "0", "1", "", null, true, false, [], {}, [1], { "0": 1 }),
    fc.constantFrom(...STATUSES, "licensed", "Licensed ", "LICENSED", "Licensed\u0000"),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.jsonValue({ maxDepth: 2 }),
);

/** A result object with fields kept, dropped or replaced, `activation` first. */
const resultObject = fc
    .tuple(
        fc.constantFrom(...Object.keys(LICENSED_OBJECT).filter((k) => k !== "activation")),
        fc.oneof(
            // One field mutated.
            fc.tuple(fc.constant("one" as const), fieldValue),
            // Several fields mutated or dropped.
            fc.tuple(fc.constant("many" as const), fc.dictionary(fc.constantFrom(...Object.keys(LICENSED_OBJECT).filter((k) => k !== "activation")), fc.option(fieldValue, { nil: undefined }), { maxKeys: 5 })),
            // Another consistent status and exit code, any LicenseStatus.
            fc.tuple(fc.constant("other" as const), fc.tuple(fc.constantFrom(...Object.values(EXIT_CODES)), fc.integer({ min: -1, max: 6 }))),
            // Unchanged.
            fc.tuple(fc.constant("none" as const), fc.constant(null)),
        ),
    )
    .map(([key, [mode, change]]) => {
        const o: Record<string, unknown> = { ...LICENSED_OBJECT };
        if (mode === "one") o[key] = change;
        if (mode === "other") {
            const [info, licenseStatus] = change as [{ code: number; status: string }, number];
            Object.assign(o, { status: info.status, exitCode: info.code, licenseStatus });
        }
        if (mode === "many") {
            for (const [k, v] of Object.entries(change as Record<string, unknown>)) {
                if (v === undefined) delete o[k];
                else o[k] = v;
            }
        }
        return JSON.stringify(o);
    });

/** A line made by editing the text of a valid line: truncations, duplicated keys, spliced pieces. */
const textMutation = fc.oneof(
    fc.nat({ max: LICENSED_LINE.length }).map((n) => LICENSED_LINE.slice(0, n)),
    fc.tuple(fc.constantFrom(...Object.keys(LICENSED_OBJECT).filter((k) => k !== "activation")), fieldValue).map(([k, v]) => LICENSED_LINE.replace(/}$/, `,${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}}`)),
    fc.tuple(fc.nat(), fc.constantFrom(...PIECES, "}", "{", ",", ":", "\\", "\\u0000", '\\"')).map(([at, p]) => {
        const i = at % (LICENSED_LINE.length + 1);
        return LICENSED_LINE.slice(0, i) + p + LICENSED_LINE.slice(i);
    }),
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => {
        const i = a % LICENSED_LINE.length;
        return LICENSED_LINE.slice(0, i) + LICENSED_LINE.slice(i + 1 + (b % 5));
    }),
);

const junkLine = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("activation log...", "[Mon 01/01/2025 10:00:00.00] attempt 1 of 5", LINE_START, LINE_START + "}", ""));
const outputText = fc
    .tuple(
        fc.array(junkLine, { maxLength: 3 }),
        fc.array(fc.oneof(resultObject, textMutation, fc.constant(LICENSED_LINE), fc.jsonValue().map((v) => JSON.stringify(v) ?? "")), { maxLength: 3 }),
        fc.array(junkLine, { maxLength: 2 }),
        fc.constantFrom("\r\n", "\n", "\r", "\r\r\n"),
        fc.constantFrom("", " ", "\t", "\ufeff", "\u00a0"),
    )
    .map(([before, results, after, eol, pad]) => [...before, ...results.map((r) => pad + r + pad), ...after].join(eol));

const anyOutput: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: outputText },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: fc.anything() },
);

function assertParse(parse: (o: unknown) => ReturnType<typeof parseActivationOutput>, input: unknown, decoded: string | undefined, counts: { licensed: number; refused: number; failed: number }): void {
    let result: ReturnType<typeof parseActivationOutput> | undefined;
    try {
        result = parse(input);
    } catch (e) {
        assert.ok(e instanceof ActivationResultError, `the parser threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        counts.refused++;
        return;
    }
    assert.equal(typeof result.licensed, "boolean");
    if (result.licensed) {
        counts.licensed++;
        assert.ok(decoded !== undefined && isWellFormedLicensed(decoded), `read as licensed: ${JSON.stringify(decoded)}`);
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
        assert.equal(r?.licensed ?? false, prefix.trim().startsWith(LINE_START) ? false : true, `complete line then a prefix of ${n} characters`);
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
    for (const [k, v] of [["exitCode", "0"], ["licenseStatus", "1"], ["licenseStatus", 1.5], ["alreadyLicensed", "false"], ["kmsPort", "1688"], ["osBuild", null], ["status", 0]] as const) {
        assert.throws(() => parseActivationOutput(line({ [k]: v })), ActivationResultError, `${k}: ${JSON.stringify(v)}`);
    }
    assert.throws(() => parseActivationOutput("x".repeat(1024 * 1024) + "\n" + LICENSED_LINE), ActivationResultError);
});

// A line that starts with the schema but whose parsed `activation` is something else (a duplicate
// key: JSON.parse keeps the last) must not pass as this schema.
test(
    "parseActivationOutput: a duplicated activation key does not pass as this schema",
    () => {
        fc.assert(
            fc.property(fc.string().filter((s) => s !== RESULT_SCHEMA), (schema) => {
                const line = LICENSED_LINE.replace(/}$/, `,"activation":${JSON.stringify(schema)}}`);
                let licensed = false;
                try {
                    licensed = parseActivationOutput(line).licensed;
                } catch (e) {
                    assert.ok(e instanceof ActivationResultError);
                }
                assert.equal(licensed, isWellFormedLicensed(line));
            }),
            { numRuns: 50 },
        );
    },
);

const base64Output: fc.Arbitrary<{ input: unknown; decoded: string | undefined }> = fc.oneof(
    { weight: 4, arbitrary: outputText.map((t) => ({ input: Buffer.from(t).toString("base64"), decoded: t })) },
    {
        weight: 1,
        arbitrary: fc.tuple(outputText, fc.nat(), fc.constantFrom(" ", "\r\n", "\n", "\t")).map(([t, at, ws]) => {
            const b = Buffer.from(t).toString("base64");
            const i = at % (b.length + 1);
            return { input: b.slice(0, i) + ws + b.slice(i), decoded: t };
        }),
    },
    { weight: 2, arbitrary: fc.base64String().map((b) => ({ input: b, decoded: Buffer.from(b, "base64").toString("utf8") })) },
    {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => {
            const b = Buffer.from(bytes).toString("base64");
            return { input: b, decoded: Buffer.from(b, "base64").toString("utf8") };
        }),
    },
    // Not base64 (or base64 of something else with a Licensed line appended as text).
    {
        weight: 2,
        arbitrary: fc
            .oneof(fc.string(), fc.constant(LICENSED_LINE), fc.constant(Buffer.from(LICENSED_LINE).toString("base64") + "!"))
            .map((s) => ({ input: s, decoded: Buffer.from(s.replace(/\s+/g, ""), "base64").toString("utf8") })),
    },
    { weight: 1, arbitrary: fc.anything().map((input) => ({ input, decoded: undefined })) },
);

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

test("readActivationOutput: never throws, never reports Licensed for garbage", () => {
    const seen = new Set<string>();
    fc.assert(
        fc.property(
            fc.oneof(
                base64Output.map((b) => ({ ...b, encoding: "base64" as const })),
                anyOutput.map((o) => ({ input: o, decoded: typeof o === "string" ? o : undefined, encoding: "text" as const })),
                fc.constant({ input: undefined, decoded: undefined, encoding: "text" as const }),
            ),
            ({ input, decoded, encoding }) => {
                let report: ReturnType<typeof readActivationOutput> | undefined;
                assert.doesNotThrow(() => (report = readActivationOutput(input as string | undefined, encoding)));
                seen.add(report!.status);
                assert.ok(["Licensed", "Failed", "Unknown"].includes(report!.status), `status ${report!.status}`);
                if (report!.status === "Licensed") {
                    assert.ok(decoded !== undefined && isWellFormedLicensed(decoded), `reported Licensed for ${JSON.stringify(decoded)}`);
                    assert.equal(report!.result?.licensed, true);
                } else {
                    assert.notEqual(report!.result?.licensed, true);
                }
                if (input === undefined) assert.equal(report!.status, "Unknown");
            },
        ),
        { numRuns: RUNS.fast * 2 },
    );
    assert.deepEqual([...seen].sort(), ["Failed", "Licensed", "Unknown"]);
});

// ---------------------------------------------------------------------------------------------
// 3. The carrier delivers every accepted script byte for byte
// ---------------------------------------------------------------------------------------------

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
        fc.property(acceptedOptions, fc.constantFrom("userData", "report"), fc.constantFrom("", "/check"), (options, mode, args) => {
            let script: string;
            try {
                script = renderActivationScript(options);
            } catch (e) {
                // Only the repeat rule and TAT's timeout can refuse these options.
                if (overTatTimeout(options as Record<string, unknown>)) {
                    assert.ok(e instanceof ArgumentError && e.field === "activation.maxAttempts" && e.message.includes("activation.retryDelaySeconds"), String(e));
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
                    assert.ok(e instanceof ArgumentError && e.field === "activation" && /over Tencent's limit/.test(e.message), String(e));
                    return;
                }
                const body = userDataBody(userData!).split("\n");
                assert.equal(body[0], SCRIPT_FROM_LOADER, "the user data takes the script from the bytes it unpacked");
                assert.ok(carrier.endsWith(body.slice(1).join("\n")), "user data runs the same carrier body");
                assert.equal(carriedScript(userData!), script);
            }
        }),
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
        fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.constantFrom("\r\n", "\n", "\r"), (lines, eol) => {
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
        }),
        { numRuns: RUNS.fast },
    );
    branches.check("carrier text");
});
