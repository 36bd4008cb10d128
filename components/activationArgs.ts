/**
 * The component's `activation` argument: the script options plus how the script is delivered and
 * how its result is reported. Plain values, validated before any resource is registered.
 */
import {
    ActivationScriptOptions,
    ResolvedActivationScriptOptions,
    resolveActivationScriptOptions,
} from "./activation/options";
import { OPENSSH_VERSIONS } from "./delivery/openSsh";
import { AgentWaitSettings } from "./delivery/tatAgent";
import { WindowsVersion } from "./images/imageNames";
import { DEFAULT_KEEP_ACTIVATED_CRON } from "./delivery/keepActivated";
import { ArgumentError, requireBoolean, requireCidr, requireCron, requireInteger, requireOneOf } from "./validation";

/** How the activation script reaches the server. */
export const Delivery = {
    /** First-boot user data (cloudbase-init); reports nothing to the deployment unless verifyWithTat. */
    UserData: "userData",
    /** Tencent's remote-command service (TAT), during `pulumi up`. */
    Tat: "tat",
    /** OpenSSH through `@pulumi/command`, during `pulumi up`. */
    Ssh: "ssh",
} as const;
/** How the activation script reaches the server: "userData", "tat" or "ssh". */
export type Delivery = (typeof Delivery)[keyof typeof Delivery];
/** Every delivery. */
export const DELIVERIES: readonly Delivery[] = Object.values(Delivery);

/** Which address SSH delivery connects to. */
export const SshHost = {
    /** The public IP (needs publicIpBandwidthMbps). */
    Public: "public",
    /** The private IP (the deployment runs inside the VPC). */
    Private: "private",
} as const;
/** Which address SSH delivery connects to: "public" or "private". */
export type SshHost = (typeof SshHost)[keyof typeof SshHost];
/** Every SSH address choice. */
export const SSH_HOSTS: readonly SshHost[] = Object.values(SshHost);

/**
 * The settings of running the script through TAT: the script options, the agent wait, the failure
 * rule and the schedule. `WindowsActivation` takes these; `ActivatedWindowsServer` takes them and
 * the delivery settings ({@link ActivationSettings}).
 */
export interface TatActivationSettings extends ActivationScriptOptions {
    /** Fail `pulumi up` when a run through TAT (or SSH) reports that activation failed. Default true. */
    failOnActivationError?: boolean;
    /** Seconds to wait for a server's TAT agent to come online before the script is invoked, 1-7200. Default 900. */
    tatAgentTimeoutSeconds?: number;
    /** Seconds between two checks of the TAT agent's state, 1-600. Default 10. */
    tatAgentPollSeconds?: number;
    /**
     * Run the activation script on a schedule with a TAT invoker, so a server that loses its
     * activation is activated again (a healthy server's run changes nothing). Works with every
     * delivery; needs the TAT agent (public images after 2020-12-15). Default false.
     */
    keepActivated?: boolean;
    /**
     * The schedule of keepActivated: a 5-field cron, read by TAT in UTC+8. Default `0 3 * * 0` (Sundays 03:00 UTC+8).
     */
    keepActivatedCron?: string;
}

/** Activation settings of {@link ActivatedWindowsServerArgs}. */
export interface ActivationSettings extends TatActivationSettings {
    /**
     * How the script is delivered. Default `userData`. With delivery `userData`,
     * the TAT agent settings apply to verifyWithTat and keepActivated.
     */
    delivery?: Delivery;
    /**
     * With user data delivery, run a read-only TAT check after boot that reports the first-boot result. Default false.
     */
    verifyWithTat?: boolean;
    /**
     * SSH delivery: connect to the `public` or `private` IP. Default
     * `public` when a public IP is allocated, else `private`.
     */
    sshHost?: SshHost;
    /** SSH delivery: CIDR blocks allowed to reach TCP 22 (required, no open default). */
    sshAllowedCidrs?: string[];
    /**
     * Turn on the OpenSSH server through first-boot user data (2019, 2022, 2025 only). Default true with SSH delivery.
     */
    enableOpenSsh?: boolean;
    /**
     * Replace the server (a new one is created, then the old one deleted; with `instanceSettings.privateIp`
     * the old one is deleted first) when the rendered user data changes: a new version of this library,
     * or changed activation settings. Default false: user data runs at first boot only, so a later change
     * leaves running servers untouched.
     */
    replaceOnScriptChange?: boolean;
}

/** {@link TatActivationSettings} with defaults applied and every value checked. */
export interface ResolvedTatActivationArgs {
    script: ResolvedActivationScriptOptions;
    failOnActivationError: boolean;
    /** How long to wait for the TAT agent, and how often to ask. */
    tatAgent: AgentWaitSettings;
    /** The keepActivated schedule (UTC+8), or undefined when off. */
    keepActivatedCron: string | undefined;
}

/** {@link ActivationSettings} with defaults applied and every value checked. */
export interface ResolvedActivationArgs extends ResolvedTatActivationArgs {
    delivery: Delivery;
    verifyWithTat: boolean;
    sshHost: SshHost;
    sshAllowedCidrs: string[];
    enableOpenSsh: boolean;
    replaceOnScriptChange: boolean;
}

/** The keys of {@link TatActivationSettings} beyond the script options. */
export const TAT_SETTING_NAMES: readonly string[] = [
    "failOnActivationError",
    "tatAgentTimeoutSeconds",
    "tatAgentPollSeconds",
    "keepActivated",
    "keepActivatedCron",
];

const DELIVERY_NAMES = [
    ...TAT_SETTING_NAMES,
    "delivery",
    "verifyWithTat",
    "sshHost",
    "sshAllowedCidrs",
    "enableOpenSsh",
    "replaceOnScriptChange",
];

/** The defaults of the TAT agent wait: 15 minutes, asking every 10 seconds. */
const DEFAULT_TAT_AGENT_WAIT: Readonly<AgentWaitSettings> = Object.freeze({ timeoutSeconds: 900, pollSeconds: 10 });

/**
 * Resolves and validates the TAT settings of `activation` (`prefix` names the field in errors);
 * `extraNames` are further keys the caller accepts and checks itself.
 */
export function resolveTatActivationArgs(
    args: TatActivationSettings | undefined,
    extraNames: readonly string[] = TAT_SETTING_NAMES,
    prefix = "activation",
): ResolvedTatActivationArgs {
    const script = resolveActivationScriptOptions(args, prefix, extraNames);
    const a = args ?? {};
    const keep = requireBoolean(`${prefix}.keepActivated`, a.keepActivated ?? false);
    if (!keep && a.keepActivatedCron !== undefined) {
        throw new ArgumentError(`${prefix}.keepActivatedCron`, "applies only with keepActivated: true");
    }
    return {
        script,
        failOnActivationError: requireBoolean(`${prefix}.failOnActivationError`, a.failOnActivationError ?? true),
        tatAgent: {
            timeoutSeconds: requireInteger(
                `${prefix}.tatAgentTimeoutSeconds`,
                a.tatAgentTimeoutSeconds ?? DEFAULT_TAT_AGENT_WAIT.timeoutSeconds,
                1,
                7200,
            ),
            pollSeconds: requireInteger(
                `${prefix}.tatAgentPollSeconds`,
                a.tatAgentPollSeconds ?? DEFAULT_TAT_AGENT_WAIT.pollSeconds,
                1,
                600,
            ),
        },
        keepActivatedCron: keep
            ? requireCron(`${prefix}.keepActivatedCron`, a.keepActivatedCron ?? DEFAULT_KEEP_ACTIVATED_CRON)
            : undefined,
    };
}

/**
 * Resolves and validates `activation`; `windowsVersion` (when
 * known) and `hasPublicIp` decide what SSH delivery may use.
 */
export function resolveActivationArgs(
    args: ActivationSettings | undefined,
    context: { windowsVersion?: WindowsVersion; hasPublicIp: boolean },
): ResolvedActivationArgs {
    const tat = resolveTatActivationArgs(args, DELIVERY_NAMES);
    const a = args ?? {};
    const delivery = requireOneOf("activation.delivery", a.delivery ?? "userData", DELIVERIES);
    const verifyWithTat = requireBoolean("activation.verifyWithTat", a.verifyWithTat ?? false);
    if (verifyWithTat && delivery !== "userData") {
        throw new ArgumentError("activation.verifyWithTat", 'applies only to delivery "userData"');
    }
    const sshHost = requireOneOf(
        "activation.sshHost",
        a.sshHost ?? (context.hasPublicIp ? "public" : "private"),
        SSH_HOSTS,
    );
    const enableOpenSsh = requireBoolean("activation.enableOpenSsh", a.enableOpenSsh ?? delivery === "ssh");
    let sshAllowedCidrs: string[] = [];
    if (delivery === "ssh") {
        if (!Array.isArray(a.sshAllowedCidrs) || a.sshAllowedCidrs.length === 0 || a.sshAllowedCidrs.length > 20) {
            throw new ArgumentError(
                "activation.sshAllowedCidrs",
                'is required with delivery "ssh": 1 to 20 CIDR blocks allowed to reach TCP 22',
            );
        }
        sshAllowedCidrs = Array.from(a.sshAllowedCidrs, (cidr, i) =>
            requireCidr(`activation.sshAllowedCidrs[${i}]`, cidr),
        );
        if (sshHost === "public" && !context.hasPublicIp) {
            throw new ArgumentError(
                "activation.sshHost",
                'is "public" but the server has no public IP: set publicIpBandwidthMbps',
            );
        }
    } else if (a.sshAllowedCidrs !== undefined || a.sshHost !== undefined) {
        throw new ArgumentError(
            a.sshHost !== undefined ? "activation.sshHost" : "activation.sshAllowedCidrs",
            'applies only to delivery "ssh"',
        );
    }
    if (enableOpenSsh && !(OPENSSH_VERSIONS as readonly string[]).includes(context.windowsVersion ?? "")) {
        throw new ArgumentError(
            "activation.enableOpenSsh",
            `needs windowsVersion ${OPENSSH_VERSIONS.join(", ")} (older versions have no in-box OpenSSH server; with imageId, also set windowsVersion)`,
        );
    }
    return {
        ...tat,
        delivery,
        verifyWithTat,
        sshHost,
        sshAllowedCidrs,
        enableOpenSsh,
        replaceOnScriptChange: requireBoolean("activation.replaceOnScriptChange", a.replaceOnScriptChange ?? false),
    };
}
