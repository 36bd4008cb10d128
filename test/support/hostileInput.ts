/**
 * What the property-based hostile-input tests (fast-check) share: the generators of hostile values
 * for the arguments that reach the activation script, a remote command or the instance; the checks of
 * a refusal (an ArgumentError that names the argument and does not echo the value); the two-branch
 * check of a rule; and the generators of result-line output for the parsers. Each module's property
 * tests are in `<module>.property.test.ts` beside its tests (for example
 * test/activation/script.property.test.ts).
 *
 * Each property also checks that both of its branches were taken (values accepted and values
 * refused), so none of them passes by refusing or accepting everything.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { resolveActivationArgs } from "../../components/activationArgs";
import { EXIT_CODES } from "../../components/activation/exitCodes";
import { ActivationScriptOptions } from "../../components/activation/options";
import {
    TAT_TIMEOUT_MARGIN_SECONDS,
    TAT_TIMEOUT_MAX_SECONDS,
    checkWorstCaseSeconds,
} from "../../components/activation/schedule";
import { renderActivationScript } from "../../components/activation/script";
import { RESULT_SCHEMA } from "../../components/activation/scriptReport";
import {
    ArgumentError,
    WINDOWS_PASSWORD_SPECIALS,
    requireWindowsHostname,
    requireWindowsPassword,
} from "../../components/validation";
import { LICENSED_LINE } from "./mockCloud";

export const RUNS = { fast: 300, medium: 150, component: 25 } as const;
// Every property test file imports this module: each reports the error a failing property threw.
fc.configureGlobal({ includeErrorInReport: true });

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Injection shapes for batch and PowerShell, control characters and Unicode look-alikes. */
export const PIECES = [
    "&",
    "&&",
    "|",
    "||",
    "<",
    ">",
    ">>",
    "2>&1",
    "^",
    "^&",
    "%",
    "%PATH%",
    "%~1",
    "%%a",
    "%KMS_HOST_1%",
    "!",
    "!PATH!",
    "(",
    ")",
    '"',
    "'",
    "`",
    "``",
    "$(",
    "$(calc)",
    "${env:x}",
    "$env:COMPUTERNAME",
    "'@",
    "@'",
    '"@',
    '@"',
    "\r",
    "\n",
    "\r\n",
    "\r'@",
    "\n'@\n",
    "\t",
    " ",
    ";",
    ",",
    "=",
    "\u0000",
    "\u001b",
    "\u007f",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00a0",
    "\u2028",
    "＆",
    "｜",
    "＾",
    "％",
    "＂",
    "（",
    "е",
    "ο",
    "ı",
    "\u212a",
    "ſ",
    "ａ",
    "１",
    "..",
    ".",
    "-",
    "_",
    "/",
    "\\",
    ":",
    "@",
    "*",
    "?",
    "#",
    "~",
    "[",
    "]",
    "{",
    "}",
    "+",
    " & calc.exe & ",
    '" & calc & "',
    "\r\nexit /b 0\r\n",
    "; Remove-Item C:\\ -Recurse",
    "|| powershell -enc AAAA",
] as const;

const REAL_HOSTS = [
    "kms.tencentyun.com",
    "kms1.tencentyun.com",
    "ntpupdate.tencentyun.com",
    "time.windows.com",
    "time.cloud.tencent.com",
    "KMS.Example.COM",
    "a",
    "x-1.y-2.z",
    "xn--fiqs8s.example",
    "10.0.0.4",
    "169.254.0.2",
    "255.255.255.255",
    "0.0.0.0",
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

export const validHost: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...REAL_HOSTS) },
    { weight: 3, arbitrary: fc.domain().filter((d) => d.length <= 253) },
    { weight: 2, arbitrary: fc.ipV4() },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 253 }).map((n) => dnsOfLength(n, "b")) },
);

/** A valid host with one injection piece (or one or two random code points) spliced in at a random position. */
const injectedHost = fc
    .tuple(
        validHost,
        fc.nat(),
        fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: "binary", minLength: 1, maxLength: 2 })),
    )
    .map(([host, at, piece]) => {
        const i = at % (host.length + 1);
        return host.slice(0, i) + piece + host.slice(i);
    });

/** A valid host with one character swapped for a look-alike. */
const lookalikeHost = fc
    .tuple(
        validHost,
        fc.nat(),
        fc.constantFrom(
            "е",
            "о",
            "ａ",
            "１",
            "．",
            "‐",
            "\u200b",
            "\u212a",
            "ı",
            "Ｋ",
            "é",
            "ü",
            "ß",
            "\u0130",
            "\u00ad",
            "\u2024",
        ),
    )
    .map(([host, at, ch]) => {
        const i = at % host.length;
        return host.slice(0, i) + ch + host.slice(i + 1);
    });

/** A valid host with one character replaced by, or one inserted, from the whole printable ASCII range. */
const asciiTweakedHost = fc
    .tuple(validHost, fc.nat(), fc.integer({ min: 0x20, max: 0x7e }), fc.boolean())
    .map(([host, at, code, insert]) => {
        const i = at % host.length;
        return host.slice(0, i) + String.fromCharCode(code) + host.slice(insert ? i : i + 1);
    });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: asciiTweakedHost },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
    {
        weight: 2,
        arbitrary: fc.string({
            unit: fc.constantFrom(..."abz09.-_&|^%!()\"'`$@ \r\n\t;=+*~".split("")),
            maxLength: 20,
        }),
    },
    { weight: 4, arbitrary: injectedHost },
    { weight: 2, arbitrary: lookalikeHost },
    {
        weight: 2,
        arbitrary: fc
            .array(fc.oneof(fc.constantFrom(...PIECES), validHost), { minLength: 1, maxLength: 6 })
            .map((a) => a.join("")),
    },
    { weight: 1, arbitrary: fc.string({ minLength: 300, maxLength: 400 }) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 600 }).map((n) => "a".repeat(n)) },
    {
        weight: 1,
        arbitrary: fc.constantFrom(
            dnsOfLength(253),
            dnsOfLength(254),
            dnsOfLength(256),
            "a".repeat(64) + ".com",
            "-a.com",
            "a-.com",
            "a..com",
            ".a.com",
            "a.com.",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "01.2.3.4",
            "123",
            "",
        ),
    },
);

/** Values that are not strings (or are strings in disguise). */
export const nonString: fc.Arbitrary<unknown> = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.bigInt({ min: -10n, max: 70000n }),
    fc.array(fc.constantFrom(...REAL_HOSTS), { maxLength: 2 }),
    fc.object({ maxDepth: 1 }),
    // eslint-disable-next-line no-new-wrappers -- a boxed string, which the checks must refuse
    fc.constant(new String("kms.example.com")),
    fc.constant({ toString: () => "kms.example.com" }),
    fc.constant(Symbol("kms.example.com")),
    fc.constant(() => "kms.example.com"),
);

/** A generated value and whether the rule under test must accept it. */
export type Tagged = { value: unknown; valid: boolean };

/** A value for a whole-number argument. */
export function intValue(min: number, max: number): fc.Arbitrary<Tagged> {
    return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min, max }).map((value) => ({ value, valid: true })) },
        {
            weight: 6,
            arbitrary: fc
                .oneof(
                    fc.integer({ min: min - 5, max: max + 5 }),
                    fc.integer(),
                    fc.double(),
                    fc.constantFrom(
                        NaN,
                        Infinity,
                        -Infinity,
                        -0,
                        0.5,
                        min + 0.5,
                        max + 0.000001,
                        1e21,
                        2 ** 53,
                        Number.MAX_VALUE,
                        Number.MIN_VALUE,
                        -1,
                    ),
                    fc.bigInt({ min: BigInt(min), max: BigInt(max) }),
                    fc.constantFrom(String(min), ` ${max}`, "0x10", "1e2", "15 & calc", "%DELAY%"),
                    fc.constantFrom(
                        true,
                        false,
                        null,
                        [min],
                        // eslint-disable-next-line no-new-wrappers -- a boxed number, which the checks must refuse
                        new Number(min),
                        { valueOf: () => min },
                    ),
                    hostileString,
                )
                .map((value) => ({ value, valid: false })),
        },
    );
}

/** A value for an argument that takes one of `allowed`. */
export const enumValue = (allowed: readonly string[]) =>
    fc.oneof(
        {
            weight: 2,
            arbitrary: fc.constantFrom(...allowed).map((value) => ({ value: value as unknown, valid: true })),
        },
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

const passwordChars = fc.constantFrom(..."abcxyzABCXYZ0189".split(""), ...WINDOWS_PASSWORD_SPECIALS.split(""));
export const passwordValue: fc.Arbitrary<Tagged> = fc.oneof(
    {
        weight: 2,
        arbitrary: fc
            .constantFrom(
                "Str0ng(Passw0rd)",
                "aB3%!^&|()xyzQ",
                "Zz9`~!@#$%^&*-+=|{}[]:;',.?/",
                "abcDEF123'@%",
                "ABCdef!!!!!!!!!!!!!!!!!!!!!!!!",
            )
            .map((value) => ({ value, valid: true })),
    },
    {
        weight: 3,
        arbitrary: fc
            .string({ unit: passwordChars, minLength: 10, maxLength: 32 })
            .map((value) => ({ value, valid: false })),
    },
    { weight: 3, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    {
        weight: 1,
        arbitrary: fc
            .tuple(fc.constantFrom("Str0ng(Passw0rd)"), fc.constantFrom(...PIECES))
            .map(([p, x]) => ({ value: p + x, valid: false })),
    },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

export const hostnameValue: fc.Arbitrary<Tagged> = fc.oneof(
    {
        weight: 2,
        arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{1,14}$/).map((value) => ({ value, valid: true })),
    },
    {
        weight: 2,
        arbitrary: fc
            .string({ unit: fc.constantFrom(..."aZ9-._&|^% ".split("")), minLength: 1, maxLength: 17 })
            .map((value) => ({ value, valid: false })),
    },
    { weight: 3, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
    { weight: 1, arbitrary: nonString.map((value) => ({ value, valid: false })) },
);

// ---------------------------------------------------------------------------------------------
// Refusals: the field names the argument, and the message does not depend on the value
// ---------------------------------------------------------------------------------------------

const norm = (s: string) => s.replace(/\[\d+\]/g, "[i]");

/** Messages of refusals of canary values, by normalised field: what a value-independent message looks like. */
export const canaryMessages = new Map<string, Set<string>>();

export function refusalOf(fn: () => unknown): unknown {
    try {
        fn();
        return undefined;
    } catch (e) {
        return e ?? new Error("thrown undefined");
    }
}

export function addCanary(fn: () => unknown): void {
    const e = refusalOf(fn);
    assert.ok(e instanceof ArgumentError, `canary must be refused with an ArgumentError, got ${String(e)}`);
    const key = norm(e.field);
    if (!canaryMessages.has(key)) {
        canaryMessages.set(key, new Set());
    }
    canaryMessages.get(key)!.add(norm(e.message));
}

const BAD = "\u0001canary";
export const ctx = { windowsVersion: "2022" as const, hasPublicIp: true };

/** Collects the canary messages once (inside a test, so a canary that is not refused fails that test). */
export function ensureCanaries(): void {
    if (canaryMessages.size > 0) {
        return;
    }
    for (const options of [
        null,
        [],
        "x",
        { kmsHost: 42 },
        { kmsHost: BAD },
        { fallbackKmsHosts: "x" },
        { fallbackKmsHosts: [BAD] },
        { fallbackKmsHosts: ["a.b", BAD] },
        { kmsHost: "a.b", fallbackKmsHosts: ["A.B"] },
        { ntpServers: [] },
        { ntpServers: [BAD] },
        { kmsPort: 0 },
        { maxAttempts: 0 },
        { retryDelaySeconds: 0 },
        { installKmsClientKey: "x" },
    ]) {
        addCanary(() => renderActivationScript(options as ActivationScriptOptions));
    }
    for (const args of [
        { delivery: "x" },
        { sshHost: "x" },
        { sshHost: "public" },
        { sshAllowedCidrs: ["10.0.0.0/8"] },
        { delivery: "ssh" },
        { delivery: "ssh", sshAllowedCidrs: [BAD] },
        { delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8", BAD] },
    ]) {
        addCanary(() => resolveActivationArgs(args as never, ctx));
    }
    addCanary(() =>
        resolveActivationArgs(
            { delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8"], sshHost: "public" },
            { windowsVersion: "2022", hasPublicIp: false },
        ),
    );
    addCanary(() => requireWindowsHostname("hostname", BAD));
    addCanary(() => requireWindowsPassword("password", BAD));
}

/** The strings a value is made of (elements of arrays too), as a message could echo them. */
function stringsOf(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (typeof value === "number" || typeof value === "bigint") {
        return [String(value)];
    }
    if (Array.isArray(value)) {
        return value.flatMap(stringsOf);
    }
    return [];
}

/**
 * Asserts a refusal: an ArgumentError whose field matches, whose
 * message is one a canary gets and does not echo the value.
 */
export function assertRefusal(e: unknown, field: RegExp, value: unknown): ArgumentError {
    assert.ok(
        e instanceof ArgumentError,
        `expected an ArgumentError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    assert.equal(e.name, "ArgumentError");
    assert.match(e.field, field);
    ensureCanaries();
    const known = canaryMessages.get(norm(e.field));
    assert.ok(known !== undefined, `no canary for field ${e.field}`);
    assert.ok(
        known.has(norm(e.message)),
        `the message for ${e.field} depends on the value: ${JSON.stringify(e.message)}`,
    );
    for (const s of stringsOf(value)) {
        if (s.length >= 3) {
            const inRuleText = [...known].some((m) => m.includes(s));
            assert.ok(
                inRuleText || !e.message.includes(s),
                `the message echoes the value: ${JSON.stringify(e.message)}`,
            );
        }
    }
    return e;
}

// ---------------------------------------------------------------------------------------------
// Rules: both branches taken
// ---------------------------------------------------------------------------------------------

/** Counts both branches of a property, to fail it when one is never taken. */
export class Branches {
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
export function checkRule<T>(
    name: string,
    values: fc.Arbitrary<Tagged>,
    field: RegExp,
    apply: (value: unknown) => T,
    accepted: (value: unknown, result: T) => void,
): void {
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

/**
 * True when `options` holds a valid maxAttempts and retryDelaySeconds
 * whose `/check` run would not fit TAT's command timeout.
 */
export function overTatTimeout(options: Record<string, unknown>): boolean {
    const { maxAttempts, retryDelaySeconds } = options;
    const valid = (v: unknown, max: number) => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= max;
    return (
        valid(maxAttempts, 20) &&
        valid(retryDelaySeconds, 600) &&
        checkWorstCaseSeconds({ maxAttempts: maxAttempts as number, retryDelaySeconds: retryDelaySeconds as number }) +
            TAT_TIMEOUT_MARGIN_SECONDS >
            TAT_TIMEOUT_MAX_SECONDS
    );
}

// ---------------------------------------------------------------------------------------------
// Result-line output, for the parsers
// ---------------------------------------------------------------------------------------------

export const LINE_START = `{"activation":"${RESULT_SCHEMA}"`;
const INT_FIELDS = ["exitCode", "licenseStatus", "kmsPort", "attempts", "lastErrorCode", "osBuild"];
const STRING_FIELDS = ["status", "kmsHost", "errorClass", "osVersion", "edition"];

/**
 * The oracle: the last result line of `text` is a well-formed
 * Licensed line (exit code 0, LicenseStatus 1, every field typed).
 */
export function isWellFormedLicensed(text: string): boolean {
    const line = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.startsWith(LINE_START))
        .pop();
    if (line === undefined) {
        return false;
    }
    let o: unknown;
    try {
        o = JSON.parse(line);
    } catch {
        return false;
    }
    if (o === null || typeof o !== "object" || Array.isArray(o)) {
        return false;
    }
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

export const LICENSED_OBJECT = JSON.parse(LICENSED_LINE) as Record<string, unknown>;
const STATUSES = [
    "Licensed",
    "UnsupportedOs",
    "AccessDenied",
    "StatusUnavailable",
    "KmsUnreachable",
    "ClockSkew",
    "RetriesExhausted",
    "NotLicensedAfterActivation",
    "KeyRejected",
    "NoKmsClientKey",
];
const fieldValue = fc.oneof(
    fc.constantFrom(
        0,
        1,
        -1,
        2,
        10,
        13,
        20,
        21,
        -0,
        0.5,
        1.0000001,
        1e21,
        "0",
        "1",
        "",
        null,
        true,
        false,
        [],
        {},
        [1],
        { "0": 1 },
    ),
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
            fc.tuple(
                fc.constant("many" as const),
                fc.dictionary(
                    fc.constantFrom(...Object.keys(LICENSED_OBJECT).filter((k) => k !== "activation")),
                    fc.option(fieldValue, { nil: undefined }),
                    { maxKeys: 5 },
                ),
            ),
            // Another consistent status and exit code, any LicenseStatus.
            fc.tuple(
                fc.constant("other" as const),
                fc.tuple(fc.constantFrom(...Object.values(EXIT_CODES)), fc.integer({ min: -1, max: 6 })),
            ),
            // Unchanged.
            fc.tuple(fc.constant("none" as const), fc.constant(null)),
        ),
    )
    .map(([key, [mode, change]]) => {
        const o: Record<string, unknown> = { ...LICENSED_OBJECT };
        if (mode === "one") {
            o[key] = change;
        }
        if (mode === "other") {
            const [info, licenseStatus] = change as [{ code: number; status: string }, number];
            Object.assign(o, { status: info.status, exitCode: info.code, licenseStatus });
        }
        if (mode === "many") {
            for (const [k, v] of Object.entries(change as Record<string, unknown>)) {
                if (v === undefined) {
                    delete o[k];
                } else {
                    o[k] = v;
                }
            }
        }
        return JSON.stringify(o);
    });

/** A line made by editing the text of a valid line: truncations, duplicated keys, spliced pieces. */
const textMutation = fc.oneof(
    fc.nat({ max: LICENSED_LINE.length }).map((n) => LICENSED_LINE.slice(0, n)),
    fc
        .tuple(fc.constantFrom(...Object.keys(LICENSED_OBJECT).filter((k) => k !== "activation")), fieldValue)
        .map(([k, v]) => LICENSED_LINE.replace(/}$/, `,${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}}`)),
    fc.tuple(fc.nat(), fc.constantFrom(...PIECES, "}", "{", ",", ":", "\\", "\\u0000", '\\"')).map(([at, p]) => {
        const i = at % (LICENSED_LINE.length + 1);
        return LICENSED_LINE.slice(0, i) + p + LICENSED_LINE.slice(i);
    }),
    fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => {
        const i = a % LICENSED_LINE.length;
        return LICENSED_LINE.slice(0, i) + LICENSED_LINE.slice(i + 1 + (b % 5));
    }),
);

const junkLine = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.constantFrom(
        "activation log...",
        "[Mon 01/01/2025 10:00:00.00] attempt 1 of 5",
        LINE_START,
        LINE_START + "}",
        "",
    ),
);
const outputText = fc
    .tuple(
        fc.array(junkLine, { maxLength: 3 }),
        fc.array(
            fc.oneof(
                resultObject,
                textMutation,
                fc.constant(LICENSED_LINE),
                fc.jsonValue().map((v) => JSON.stringify(v) ?? ""),
            ),
            { maxLength: 3 },
        ),
        fc.array(junkLine, { maxLength: 2 }),
        fc.constantFrom("\r\n", "\n", "\r", "\r\r\n"),
        fc.constantFrom("", " ", "\t", "\ufeff", "\u00a0"),
    )
    .map(([before, results, after, eol, pad]) => [...before, ...results.map((r) => pad + r + pad), ...after].join(eol));

export const anyOutput: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: outputText },
    { weight: 2, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.string({ unit: "binary" }) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: fc.anything() },
);

export const base64Output: fc.Arbitrary<{ input: unknown; decoded: string | undefined }> = fc.oneof(
    { weight: 4, arbitrary: outputText.map((t) => ({ input: Buffer.from(t).toString("base64"), decoded: t })) },
    {
        weight: 1,
        arbitrary: fc.tuple(outputText, fc.nat(), fc.constantFrom(" ", "\r\n", "\n", "\t")).map(([t, at, ws]) => {
            const b = Buffer.from(t).toString("base64");
            const i = at % (b.length + 1);
            return { input: b.slice(0, i) + ws + b.slice(i), decoded: t };
        }),
    },
    {
        weight: 2,
        arbitrary: fc.base64String().map((b) => ({ input: b, decoded: Buffer.from(b, "base64").toString("utf8") })),
    },
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
            .oneof(
                fc.string(),
                fc.constant(LICENSED_LINE),
                fc.constant(Buffer.from(LICENSED_LINE).toString("base64") + "!"),
            )
            .map((s) => ({ input: s, decoded: Buffer.from(s.replace(/\s+/g, ""), "base64").toString("utf8") })),
    },
    { weight: 1, arbitrary: fc.anything().map((input) => ({ input, decoded: undefined })) },
);
