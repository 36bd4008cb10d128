/**
 * Every setting the library accepts fits Tencent's and Windows' limits (issue 27): over the whole
 * accepted option space, every TAT command the library creates has a timeout TAT accepts
 * ([1, 86400] s) and content within TAT's 64 KB, the user data stays within USER_DATA_LIMIT_BYTES,
 * and the script's stale-lock age stays within a day; what does not fit is refused before any
 * resource exists, naming the fields. The limits are read from what the library renders and
 * registers (the real carriers, the TatCommand resources under the mock engine), not recomputed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { ActivatedWindowsServer } from "../../components/activatedWindowsServer";
import { WindowsActivation } from "../../components/windowsActivation";
import { ActivationSettings, DELIVERIES } from "../../components/activationArgs";
import { ActivationScriptOptions, resolveActivationScriptOptions } from "../../components/activation/options";
import { renderActivationScript } from "../../components/activation/script";
import {
    SCRIPT_RUNS,
    renderScriptRunCarrier,
    scriptRunTimeoutSeconds,
} from "../../components/delivery/activationCommand";
import { OPENSSH_VERSIONS } from "../../components/delivery/openSsh";
import { USER_DATA_LIMIT_BYTES, renderUserData } from "../../components/delivery/userData";
import { ArgumentError } from "../../components/validation";
import { MockCloud, valueOf } from "../support/mockCloud";
import { carriedScript } from "../support/carrier";

fc.configureGlobal({ includeErrorInReport: true });

/**
 * What TAT accepts for a command (FACTS §10; Tencent's CreateCommand
 * document): timeout in [1, 86400] s, content up to 64 KB.
 */
const TAT_TIMEOUT = { min: 1, max: 86400 };
const TAT_CONTENT_BYTES = 64 * 1024;
/** The stale-lock age a script may have: a day, in minutes. */
const DAY_MINUTES = 24 * 60;
const TAT_COMMAND = "tencentcloud:index/tatCommand:TatCommand";
const INSTANCE = "tencentcloud:index/instance:Instance";

/** The script's stale-lock age in minutes, read from the rendered script. */
function lockStaleMinutes(script: string): number {
    const m = /\r\nset "LOCK_STALE_MINUTES=(\d+)"\r\n/.exec(script);
    assert.ok(m !== null, "the script sets no LOCK_STALE_MINUTES");
    return Number(m[1]);
}

function refusalOf(fn: () => unknown): unknown {
    try {
        fn();
        return undefined;
    } catch (e) {
        return e;
    }
}

/**
 * Asserts the refusal of a maxAttempts/retryDelaySeconds pair that
 * does not fit TAT: both fields, the limit and the need are named.
 */
function assertTimingRefusal(e: unknown, need: number): ArgumentError {
    assert.ok(e instanceof ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.field, "activation.maxAttempts");
    assert.ok(
        e.message.includes("'activation.maxAttempts'") && e.message.includes("activation.retryDelaySeconds"),
        e.message,
    );
    assert.ok(e.message.includes(`${TAT_TIMEOUT.max} s`), `the limit is not named: ${e.message}`);
    assert.ok(e.message.includes(`${need} s`), `the computed need (${need} s) is not named: ${e.message}`);
    return e;
}

const cloud = new MockCloud();
let mocksReady: Promise<void> | undefined;
const useMocks = () => (mocksReady ??= cloud.start("tencentcloud-windows", "limits"));
let serial = 0;

const BASE_ARGS = {
    windowsVersion: "2022" as const,
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-limits01",
    subnetId: "subnet-limits01",
    password: "Str0ng(Passw0rd)",
};

test("20 attempts with a 600 s delay, accepted before, are refused naming both fields, the limit and the need", async () => {
    await useMocks();
    const options = { maxAttempts: 20, retryDelaySeconds: 600 };
    const need = Math.max(...SCRIPT_RUNS.map((run) => scriptRunTimeoutSeconds(run, options)));
    assert.ok(need > TAT_TIMEOUT.max, "the longest run of 20 x 600 exceeds TAT's limit");
    const e = refusalOf(() => renderActivationScript(options));
    assertTimingRefusal(e, need);
    // The component refuses it too, before any resource exists.
    assertTimingRefusal(
        refusalOf(() => new ActivatedWindowsServer("old-limit", { ...BASE_ARGS, activation: options })),
        need,
    );
});

test("every maxAttempts and retryDelaySeconds pair: accepted exactly when every run's TAT timeout fits, with a stale-lock age within a day; refused ones say what fits", () => {
    let accepted = 0;
    let refused = 0;
    const accepts = (maxAttempts: number, retryDelaySeconds: number) =>
        refusalOf(() => resolveActivationScriptOptions({ maxAttempts, retryDelaySeconds })) === undefined;
    for (let maxAttempts = 1; maxAttempts <= 20; maxAttempts++) {
        for (let retryDelaySeconds = 1; retryDelaySeconds <= 600; retryDelaySeconds++) {
            const options = { maxAttempts, retryDelaySeconds };
            const timeouts = SCRIPT_RUNS.map((run) => scriptRunTimeoutSeconds(run, options));
            const fits = timeouts.every((t) => Number.isInteger(t) && t >= TAT_TIMEOUT.min && t <= TAT_TIMEOUT.max);
            let script: string | undefined;
            const e = refusalOf(() => (script = renderActivationScript(options)));
            if (e === undefined) {
                accepted++;
                assert.ok(
                    fits,
                    `${maxAttempts} x ${retryDelaySeconds} s accepted with TAT timeouts ${timeouts.join(", ")}`,
                );
                assert.ok(
                    lockStaleMinutes(script!) <= DAY_MINUTES,
                    `${maxAttempts} x ${retryDelaySeconds} s: stale lock after ${lockStaleMinutes(script!)} min`,
                );
                continue;
            }
            refused++;
            assert.ok(
                !fits,
                `${maxAttempts} x ${retryDelaySeconds} s refused though every TAT timeout fits: ${String(e)}`,
            );
            const err = assertTimingRefusal(e, Math.max(...timeouts));
            // What the message says fits does fit, and is the largest that does.
            const m =
                /with maxAttempts (\d+), retryDelaySeconds up to (\d+) fits; with retryDelaySeconds (\d+), maxAttempts up to (\d+)/.exec(
                    err.message,
                );
            assert.ok(m !== null, err.message);
            const [givenAttempts, delay, givenDelay, attempts] = m.slice(1).map(Number);
            assert.deepEqual([givenAttempts, givenDelay], [maxAttempts, retryDelaySeconds]);
            assert.ok(
                accepts(maxAttempts, delay) && !accepts(maxAttempts, delay + 1),
                `retryDelaySeconds up to ${delay} with ${maxAttempts} attempts`,
            );
            assert.ok(
                accepts(attempts, retryDelaySeconds) && !accepts(attempts + 1, retryDelaySeconds),
                `maxAttempts up to ${attempts} with ${retryDelaySeconds} s`,
            );
        }
    }
    assert.ok(accepted > 0 && refused > 0, `accepted ${accepted}, refused ${refused}`);
});

test("docs/arguments.md states the largest pairs that fit, as the rule decides them", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "arguments.md"), "utf8");
    const largest = (max: number, accepts: (n: number) => boolean) => {
        let n = max;
        while (!accepts(n)) {
            n--;
        }
        return n;
    };
    const fits = (o: ActivationScriptOptions) => refusalOf(() => resolveActivationScriptOptions(o)) === undefined;
    const delay = largest(600, (d) => fits({ maxAttempts: 20, retryDelaySeconds: d }));
    const attempts = largest(20, (m) => fits({ maxAttempts: m, retryDelaySeconds: 600 }));
    assert.ok(
        doc.includes(`20 attempts take a \`retryDelaySeconds\` up to ${delay}`),
        `arguments.md: 20 attempts, up to ${delay} s`,
    );
    assert.ok(
        doc.includes(`600 s takes up to ${attempts} attempts`),
        `arguments.md: 600 s, up to ${attempts} attempts`,
    );
});

// ---------------------------------------------------------------------------------------------
// The whole accepted space, through the components under the mock engine
// ---------------------------------------------------------------------------------------------

/** A DNS name of `length` characters (labels of up to 63 letters), starting with `tag` so that names differ. */
function dnsName(tag: string, length: number): string {
    const labels: string[] = [];
    let left = length - tag.length;
    let first = tag;
    while (left > 63 - first.length) {
        const n = 62 - first.length;
        labels.push(first + "k".repeat(n));
        left -= n + 1;
        first = "";
    }
    labels.push(first + "k".repeat(Math.max(1, left)));
    return labels.join(".").slice(0, 253);
}

/**
 * A valid host, distinct for each `slot`: a DNS name of any length
 * (mostly long: the limits are about size), or an IPv4 address.
 */
const host = (tag: string, slot: number) =>
    fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 200, max: 253 }).map((n) => dnsName(tag, n)) },
        { weight: 1, arbitrary: fc.integer({ min: tag.length + 1, max: 199 }).map((n) => dnsName(tag, n)) },
        {
            weight: 1,
            arbitrary: fc
                .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
                .map(([a, b]) => `10.${slot}.${a}.${b}`),
        },
    );

/**
 * Script options from the whole accepted space: every list
 * length, long names, both key choices, the whole timing range.
 */
const scriptOptions: fc.Arbitrary<ActivationScriptOptions> = fc.record({
    kmsHost: host("m", 0),
    fallbackKmsHosts: fc
        .integer({ min: 0, max: 4 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => host(`f${i}`, 1 + i)))),
    ntpServers: fc
        .integer({ min: 1, max: 4 })
        .chain((n) =>
            fc.tuple(
                ...Array.from({ length: n }, (_, i) =>
                    fc
                        .tuple(host(`n${i}`, 5 + i), fc.option(fc.integer({ min: 1, max: 15 })))
                        .map(([h, f]) => (f === null ? h : `${h},0x${f.toString(16).toUpperCase()}`)),
                ),
            ),
        ),
    kmsPort: fc.integer({ min: 1, max: 65535 }),
    // The whole ranges, with extra weight where TAT's limit cuts through them.
    maxAttempts: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 17, max: 20 })),
    retryDelaySeconds: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 450, max: 600 })),
    installKmsClientKey: fc.boolean(),
});

/** How the script is delivered and reported: every combination the components accept. */
const usage = fc.oneof(
    fc.record({
        component: fc.constant("server" as const),
        delivery: fc.constantFrom(...DELIVERIES),
        verifyWithTat: fc.boolean(),
        keepActivated: fc.boolean(),
        enableOpenSsh: fc.boolean(),
        windowsVersion: fc.constantFrom(...OPENSSH_VERSIONS, "2016" as const, "2012R2" as const),
    }),
    fc.record({
        component: fc.constant("fleet" as const),
        mode: fc.constantFrom("activate" as const, "audit" as const),
        keepActivated: fc.boolean(),
    }),
);

type Usage = typeof usage extends fc.Arbitrary<infer U> ? U : never;

/**
 * The components' arguments for one usage; undefined for a combination
 * the components refuse by rule of their own (not a limit).
 */
function build(
    name: string,
    options: ActivationScriptOptions,
    u: Usage,
): (() => ActivatedWindowsServer | WindowsActivation) | undefined {
    if (u.component === "fleet") {
        // keepActivated applies to mode "activate" only.
        if (u.mode === "audit" && u.keepActivated) {
            return undefined;
        }
        const instanceIds = cloud.addExistingInstances(1);
        const activation = u.mode === "audit" ? options : { ...options, keepActivated: u.keepActivated };
        return () => new WindowsActivation(name, { instanceIds, mode: u.mode, activation });
    }
    const ssh = u.delivery === "ssh";
    if (u.verifyWithTat && u.delivery !== "userData") {
        return undefined;
    }
    const enableOpenSsh = ssh || u.enableOpenSsh;
    if (enableOpenSsh && !(OPENSSH_VERSIONS as readonly string[]).includes(u.windowsVersion)) {
        return undefined;
    }
    const activation: ActivationSettings = {
        ...options,
        delivery: u.delivery,
        verifyWithTat: u.verifyWithTat,
        keepActivated: u.keepActivated,
        enableOpenSsh,
        ...(ssh ? { sshAllowedCidrs: ["198.51.100.0/24"] } : {}),
    };
    return () =>
        new ActivatedWindowsServer(name, {
            ...BASE_ARGS,
            windowsVersion: u.windowsVersion,
            publicIpBandwidthMbps: ssh ? 10 : undefined,
            activation,
        });
}

test("over the whole accepted space, every TAT command, user data and script the components create fits TAT's and Windows' limits; the rest is refused by name", async () => {
    await useMocks();
    const seen = { refused: 0, userDataRefused: 0, userData: 0, runs: new Set<string>() };
    const maxima = { timeout: 0, content: 0, userData: 0, staleMinutes: 0 };
    let checked = cloud.resources.length;
    /**
     * Checks every TatCommand registered since the last call: timeout,
     * content size, and the stale-lock age of the script it carries.
     */
    const checkNewCommands = () => {
        for (const command of cloud.resources.slice(checked).filter((r) => r.type === TAT_COMMAND)) {
            const { timeout, content } = command.inputs;
            assert.ok(
                Number.isInteger(timeout) && timeout >= TAT_TIMEOUT.min && timeout <= TAT_TIMEOUT.max,
                `TatCommand timeout ${timeout}`,
            );
            const bytes = Buffer.byteLength(content, "utf8");
            assert.ok(bytes <= TAT_CONTENT_BYTES, `TatCommand content ${bytes} bytes`);
            const stale = lockStaleMinutes(carriedScript(content));
            assert.ok(stale <= DAY_MINUTES, `the carried script's lock goes stale after ${stale} min`);
            seen.runs.add(
                /\/c \$p \/diagnose/.test(content)
                    ? "diagnose"
                    : /\/c \$p \/check/.test(content)
                      ? "check"
                      : "activate",
            );
            maxima.timeout = Math.max(maxima.timeout, timeout);
            maxima.content = Math.max(maxima.content, bytes);
        }
        checked = cloud.resources.length;
    };
    await fc.assert(
        fc.asyncProperty(scriptOptions, usage, async (options, u) => {
            const name = `l${serial++}`;
            const make = build(name, options, u);
            fc.pre(make !== undefined);
            const from = cloud.resources.length;
            checkNewCommands();
            let component: ActivatedWindowsServer | WindowsActivation | undefined;
            const e = refusalOf(() => (component = make!()));
            if (e !== undefined && userDataTooLarge(e)) {
                // Long host lists with user data delivery: over Tencent's 16 KB, refused by name before any resource.
                assert.ok(
                    u.component === "server" && (u.delivery === "userData" || u.enableOpenSsh || u.delivery === "ssh"),
                    String(e),
                );
                assert.equal(cloud.resources.length, from, "a resource was registered before the refusal");
                seen.userDataRefused++;
                return;
            }
            if (e !== undefined) {
                seen.refused++;
                const timing = { maxAttempts: options.maxAttempts!, retryDelaySeconds: options.retryDelaySeconds! };
                const need = Math.max(...SCRIPT_RUNS.map((run) => scriptRunTimeoutSeconds(run, timing)));
                assert.ok(need > TAT_TIMEOUT.max, `refused though every TAT timeout fits (${need} s): ${String(e)}`);
                assertTimingRefusal(e, need);
                assert.equal(cloud.resources.length, from, "a resource was registered before the refusal");
                return;
            }
            const built = component!;
            const stale = lockStaleMinutes(await valueOf(built.activationScript));
            maxima.staleMinutes = Math.max(maxima.staleMinutes, stale);
            assert.ok(stale <= DAY_MINUTES, `stale lock after ${stale} min`);
            await (built instanceof ActivatedWindowsServer ? valueOf(built.activationStatus) : valueOf(built.summary));
            // Components register some resources later (inside outputs):
            // every command registered since the last sample is checked.
            checkNewCommands();
            const instance = cloud.resources.find((r) => r.type === INSTANCE && r.name.startsWith(`${name}-`));
            const userData = instance?.inputs.userDataRaw;
            if (typeof userData === "string") {
                seen.userData++;
                const bytes = Buffer.byteLength(userData, "utf8");
                assert.ok(bytes <= USER_DATA_LIMIT_BYTES, `user data ${bytes} bytes`);
                maxima.userData = Math.max(maxima.userData, bytes);
            }
        }),
        { numRuns: 120 },
    );
    // keepActivated's invokers register after their grouping window
    await new Promise((resolve) => setTimeout(resolve, 500));
    checkNewCommands();
    assert.ok(seen.refused > 0, "no combination was refused (the property would not see the rule)");
    assert.ok(seen.userData > 0, "no user data was checked");
    assert.deepEqual([...seen.runs].sort(), [...SCRIPT_RUNS].sort(), "every run's command was checked");
    console.log(
        `largest seen: TAT timeout ${maxima.timeout} s, content ${maxima.content} bytes, user data ${maxima.userData} bytes, stale lock ${maxima.staleMinutes} min`,
    );
});

/** Whether `e` is the refusal of a user data over Tencent's limit (named `activation`, before any resource). */
function userDataTooLarge(e: unknown): boolean {
    return e instanceof ArgumentError && e.field === "activation" && /over Tencent's limit of 12288/.test(e.message);
}

test("the largest script the options allow fits in every run's TAT command; in the user data it is refused by name, and a long but ordinary one fits", () => {
    const longest: ActivationScriptOptions = {
        kmsHost: dnsName("m", 253),
        fallbackKmsHosts: [0, 1, 2, 3].map((i) => dnsName(`f${i}`, 253)),
        ntpServers: [0, 1, 2, 3].map((i) => `${dnsName(`n${i}`, 253)},0xF`),
        kmsPort: 65535,
        maxAttempts: 20,
        retryDelaySeconds: 560,
        installKmsClientKey: true,
    };
    const script = renderActivationScript(longest);
    for (const run of SCRIPT_RUNS) {
        const bytes = Buffer.byteLength(renderScriptRunCarrier(script, run), "utf8");
        assert.ok(bytes <= TAT_CONTENT_BYTES, `${run}: ${bytes} bytes`);
    }
    assert.ok(lockStaleMinutes(script) <= DAY_MINUTES);
    let refusal: unknown;
    try {
        renderUserData({ activationScript: script, enableOpenSsh: true });
    } catch (e) {
        refusal = e;
    }
    assert.ok(userDataTooLarge(refusal), `user data of 9 host names of 253 characters: ${String(refusal)}`);
    assert.match((refusal as Error).message, /use fewer or shorter KMS hosts and NTP servers/);
    const ordinary = renderActivationScript({
        ...longest,
        kmsHost: dnsName("m", 40),
        fallbackKmsHosts: [0, 1].map((i) => dnsName(`f${i}`, 40)),
        ntpServers: [0, 1].map((i) => `${dnsName(`n${i}`, 40)},0xF`),
    });
    const userData = renderUserData({ activationScript: ordinary, enableOpenSsh: true })!;
    assert.ok(
        Buffer.byteLength(userData, "utf8") <= USER_DATA_LIMIT_BYTES,
        `user data ${Buffer.byteLength(userData, "utf8")} bytes`,
    );
});
