/**
 * The activation settings shared by {@link renderActivationScript} and the component's
 * `activation` argument: their names, defaults and validation rules.
 */
import {
    ArgumentError,
    requireBoolean,
    requireHost,
    requireHostList,
    requireInteger,
    requireNtpPeerList,
} from "../validation";
import { TAT_TIMEOUT_MARGIN_SECONDS, TAT_TIMEOUT_MAX_SECONDS, checkWorstCaseSeconds } from "./schedule";

/**
 * Settings that shape the activation script. All are plain values:
 * they are validated and rendered before any resource exists.
 */
export interface ActivationScriptOptions {
    /** KMS host (DNS name or IPv4). Default `kms.tencentyun.com`. */
    kmsHost?: string;
    /** KMS TCP port, 1-65535. Default 1688. */
    kmsPort?: number;
    /** Hosts tried in turn when the KMS cannot be contacted, 0-4 of them. Default `["kms1.tencentyun.com"]`. */
    fallbackKmsHosts?: string[];
    /**
     * NTP servers the clock is synced from before activation, 1-4 of them: a host, or a host and
     * w32time peer flags (`time.example.com,0x9`). A host without flags is used in client mode
     * (`,0x8`); the first one is also the server the clock offset is measured against.
     * Default `["ntpupdate.tencentyun.com"]`.
     */
    ntpServers?: string[];
    /**
     * `slmgr -ato` attempts in all (across hosts), 1-20. Default 5. With retryDelaySeconds, the longest
     * run must fit TAT's command timeout (86400 s): 20 attempts take a retryDelaySeconds up to 560.
     */
    maxAttempts?: number;
    /**
     * Wait before the second attempt in seconds, 1-600; it doubles after each failure, up to 8 times this.
     * Default 15. With maxAttempts, the longest run must fit TAT's command timeout (86400 s): a
     * retryDelaySeconds of 600 takes up to 18 attempts.
     */
    retryDelaySeconds?: number;
    /**
     * Install Microsoft's public KMS client key for the detected version and edition before activating. Default false.
     */
    installKmsClientKey?: boolean;
}

/** {@link ActivationScriptOptions} with every default applied and every value checked. */
export interface ResolvedActivationScriptOptions {
    kmsHost: string;
    kmsPort: number;
    fallbackKmsHosts: string[];
    ntpServers: string[];
    maxAttempts: number;
    retryDelaySeconds: number;
    installKmsClientKey: boolean;
}

/** The defaults of {@link ActivationScriptOptions}, from Tencent's activation document. */
export const DEFAULT_ACTIVATION_SCRIPT_OPTIONS: Readonly<ResolvedActivationScriptOptions> = Object.freeze({
    kmsHost: "kms.tencentyun.com",
    kmsPort: 1688,
    fallbackKmsHosts: ["kms1.tencentyun.com"],
    ntpServers: ["ntpupdate.tencentyun.com"],
    maxAttempts: 5,
    retryDelaySeconds: 15,
    installKmsClientKey: false,
});

/**
 * The largest `maxAttempts` and `retryDelaySeconds` on their own;
 * together they must also fit {@link requireTimingWithinTat}.
 */
const MAX_ATTEMPTS = 20;
const MAX_RETRY_DELAY_SECONDS = 600;

const SCRIPT_OPTION_NAMES = new Set(Object.keys(DEFAULT_ACTIVATION_SCRIPT_OPTIONS));

/**
 * Applies defaults and validates every script option; throws an `ArgumentError` naming
 * `${prefix}.<field>` for the first bad value. `extraNames` are further keys the caller accepts.
 */
export function resolveActivationScriptOptions(
    options: ActivationScriptOptions | undefined,
    prefix = "activation",
    extraNames: readonly string[] = [],
): ResolvedActivationScriptOptions {
    if (options !== undefined && (options === null || typeof options !== "object" || Array.isArray(options))) {
        throw new ArgumentError(prefix, "must be an object");
    }
    const given = (options ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(given)) {
        if (!SCRIPT_OPTION_NAMES.has(key) && !extraNames.includes(key)) {
            throw new ArgumentError(`${prefix}.${key}`, "is not a known setting");
        }
    }
    const pick = <K extends keyof ResolvedActivationScriptOptions>(key: K): unknown =>
        given[key] === undefined ? DEFAULT_ACTIVATION_SCRIPT_OPTIONS[key] : given[key];
    const field = (key: string) => `${prefix}.${key}`;

    const kmsHost = requireHost(field("kmsHost"), pick("kmsHost"));
    const fallbackKmsHosts = requireHostList(field("fallbackKmsHosts"), pick("fallbackKmsHosts"), 0, 4);
    if (fallbackKmsHosts.some((host) => host.toLowerCase() === kmsHost.toLowerCase())) {
        throw new ArgumentError(field("fallbackKmsHosts"), "must not repeat kmsHost");
    }
    const kmsPort = requireInteger(field("kmsPort"), pick("kmsPort"), 1, 65535);
    const ntpServers = requireNtpPeerList(field("ntpServers"), pick("ntpServers"), 1, 4);
    const timing = {
        maxAttempts: requireInteger(field("maxAttempts"), pick("maxAttempts"), 1, MAX_ATTEMPTS),
        retryDelaySeconds: requireInteger(
            field("retryDelaySeconds"),
            pick("retryDelaySeconds"),
            1,
            MAX_RETRY_DELAY_SECONDS,
        ),
    };
    requireTimingWithinTat(prefix, timing);
    const installKmsClientKey = requireBoolean(field("installKmsClientKey"), pick("installKmsClientKey"));
    return { kmsHost, kmsPort, fallbackKmsHosts, ntpServers, ...timing, installKmsClientKey };
}

type Timing = Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">;

/**
 * The longest TAT command timeout a script of `timing` needs: the `/check` run (verifyWithTat),
 * which waits for the first-boot run and then up to its worst case, plus the margin.
 */
function longestTatTimeoutSeconds(timing: Timing): number {
    return checkWorstCaseSeconds(timing) + TAT_TIMEOUT_MARGIN_SECONDS;
}

/** The largest whole number from 1 to `max` that `fits` (1 when none does). */
function largestFitting(max: number, fits: (n: number) => boolean): number {
    let n = max;
    while (n > 1 && !fits(n)) {
        n--;
    }
    return n;
}

/**
 * Refuses a `maxAttempts` and `retryDelaySeconds` whose longest TAT command timeout would exceed what
 * TAT accepts ({@link TAT_TIMEOUT_MAX_SECONDS}): `pulumi up` would fail at CreateCommand. Names both
 * fields, the limit, the computed need, and the largest value of each that fits with the other.
 */
function requireTimingWithinTat(prefix: string, timing: Timing): void {
    const needed = longestTatTimeoutSeconds(timing);
    if (needed <= TAT_TIMEOUT_MAX_SECONDS) {
        return;
    }
    const fits = (t: Timing) => longestTatTimeoutSeconds(t) <= TAT_TIMEOUT_MAX_SECONDS;
    const delay = largestFitting(MAX_RETRY_DELAY_SECONDS, (d) => fits({ ...timing, retryDelaySeconds: d }));
    const attempts = largestFitting(MAX_ATTEMPTS, (m) => fits({ ...timing, maxAttempts: m }));
    throw new ArgumentError(
        `${prefix}.maxAttempts`,
        `together with ${prefix}.retryDelaySeconds makes the longest TAT command timeout ${needed} s ` +
            `(the verifyWithTat /check run's worst case, ${needed - TAT_TIMEOUT_MARGIN_SECONDS} s, plus a ${TAT_TIMEOUT_MARGIN_SECONDS} s margin), ` +
            `over TAT's limit of ${TAT_TIMEOUT_MAX_SECONDS} s: with maxAttempts ${timing.maxAttempts}, retryDelaySeconds up to ${delay} fits; ` +
            `with retryDelaySeconds ${timing.retryDelaySeconds}, maxAttempts up to ${attempts}`,
    );
}

/**
 * The w32time flags for an NTP server given without any: 0x8, client mode
 * (w32time's default 0x0 is symmetric active, which many servers do not answer).
 */
const DEFAULT_NTP_FLAGS = "0x8";

/**
 * An `ntpServers` entry as `w32tm /manualpeerlist` takes it: `host,flags`, with client mode when no flags are given.
 */
export function ntpPeer(entry: string): string {
    return entry.includes(",") ? entry : `${entry},${DEFAULT_NTP_FLAGS}`;
}

/** The host of an `ntpServers` entry, without its flags. */
export function ntpHost(entry: string): string {
    return entry.split(",")[0];
}
