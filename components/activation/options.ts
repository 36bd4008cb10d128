/**
 * The activation settings shared by {@link renderActivationScript} and the component's
 * `activation` argument: their names, defaults and validation rules.
 */
import { ArgumentError, requireBoolean, requireHost, requireHostList, requireInteger, requireNtpPeerList } from "../validation";

/** Settings that shape the activation script. All are plain values: they are validated and rendered before any resource exists. */
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
    /** `slmgr -ato` attempts in all (across hosts), 1-20. Default 5. */
    maxAttempts?: number;
    /** Wait before the second attempt in seconds, 1-600; it doubles after each failure, up to 8 times this. Default 15. */
    retryDelaySeconds?: number;
    /** Install Microsoft's public KMS client key for the detected version and edition before activating. Default false. */
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
    return {
        kmsHost,
        kmsPort: requireInteger(field("kmsPort"), pick("kmsPort"), 1, 65535),
        fallbackKmsHosts,
        ntpServers: requireNtpPeerList(field("ntpServers"), pick("ntpServers"), 1, 4),
        maxAttempts: requireInteger(field("maxAttempts"), pick("maxAttempts"), 1, 20),
        retryDelaySeconds: requireInteger(field("retryDelaySeconds"), pick("retryDelaySeconds"), 1, 600),
        installKmsClientKey: requireBoolean(field("installKmsClientKey"), pick("installKmsClientKey")),
    };
}

/** The w32time flags for an NTP server given without any: 0x8, client mode (w32time's default 0x0 is symmetric active, which many servers do not answer). */
export const DEFAULT_NTP_FLAGS = "0x8";

/** An `ntpServers` entry as `w32tm /manualpeerlist` takes it: `host,flags`, with client mode when no flags are given. */
export function ntpPeer(entry: string): string {
    return entry.includes(",") ? entry : `${entry},${DEFAULT_NTP_FLAGS}`;
}

/** The host of an `ntpServers` entry, without its flags. */
export function ntpHost(entry: string): string {
    return entry.split(",")[0];
}
