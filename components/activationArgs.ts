/**
 * The component's `activation` argument: the script options plus how the script is delivered and
 * how its result is reported. Plain values, validated before any resource is registered.
 */
import { ActivationScriptOptions, ResolvedActivationScriptOptions, resolveActivationScriptOptions } from "./activation/options";
import { OPENSSH_VERSIONS } from "./delivery/openSsh";
import { WindowsVersion } from "./images/imageNames";
import { ArgumentError, requireBoolean, requireCidr, requireOneOf } from "./validation";

/** How the activation script reaches the server. */
export const DELIVERIES = ["userData", "tat", "ssh"] as const;
/** `userData`: first boot, no report. `tat`: Tencent's remote-command service during `pulumi up`. `ssh`: `@pulumi/command` over OpenSSH. */
export type Delivery = (typeof DELIVERIES)[number];

/** Which address SSH delivery connects to. */
export const SSH_HOSTS = ["public", "private"] as const;
/** `public` (needs publicIpBandwidthMbps) or `private` (the deployment runs inside the VPC). */
export type SshHost = (typeof SSH_HOSTS)[number];

/** Activation settings of {@link ActivatedWindowsServerArgs}. */
export interface ActivationArgs extends ActivationScriptOptions {
    /** How the script is delivered. Default `userData`. */
    delivery?: Delivery;
    /** Fail `pulumi up` when TAT or SSH delivery reports that activation failed. Default true. */
    failOnActivationError?: boolean;
    /** With user data delivery, run a read-only TAT check after boot that reports the first-boot result. Default false. */
    verifyWithTat?: boolean;
    /** SSH delivery: connect to the `public` or `private` IP. Default `public` when a public IP is allocated, else `private`. */
    sshHost?: SshHost;
    /** SSH delivery: CIDR blocks allowed to reach TCP 22 (required, no open default). */
    sshAllowedCidrs?: string[];
    /** Turn on the OpenSSH server through first-boot user data (2019, 2022, 2025 only). Default true with SSH delivery. */
    enableOpenSsh?: boolean;
}

/** {@link ActivationArgs} with defaults applied and every value checked. */
export interface ResolvedActivationArgs {
    script: ResolvedActivationScriptOptions;
    delivery: Delivery;
    failOnActivationError: boolean;
    verifyWithTat: boolean;
    sshHost: SshHost;
    sshAllowedCidrs: string[];
    enableOpenSsh: boolean;
}

const DELIVERY_NAMES = ["delivery", "failOnActivationError", "verifyWithTat", "sshHost", "sshAllowedCidrs", "enableOpenSsh"];

/** Resolves and validates `activation`; `windowsVersion` (when known) and `hasPublicIp` decide what SSH delivery may use. */
export function resolveActivationArgs(
    args: ActivationArgs | undefined,
    context: { windowsVersion?: WindowsVersion; hasPublicIp: boolean },
): ResolvedActivationArgs {
    const script = resolveActivationScriptOptions(args, "activation", DELIVERY_NAMES);
    const a = args ?? {};
    const delivery = requireOneOf("activation.delivery", a.delivery ?? "userData", DELIVERIES);
    const verifyWithTat = requireBoolean("activation.verifyWithTat", a.verifyWithTat ?? false);
    if (verifyWithTat && delivery !== "userData") {
        throw new ArgumentError("activation.verifyWithTat", 'applies only to delivery "userData"');
    }
    const sshHost = requireOneOf("activation.sshHost", a.sshHost ?? (context.hasPublicIp ? "public" : "private"), SSH_HOSTS);
    const enableOpenSsh = requireBoolean("activation.enableOpenSsh", a.enableOpenSsh ?? delivery === "ssh");
    let sshAllowedCidrs: string[] = [];
    if (delivery === "ssh") {
        if (!Array.isArray(a.sshAllowedCidrs) || a.sshAllowedCidrs.length === 0 || a.sshAllowedCidrs.length > 20) {
            throw new ArgumentError("activation.sshAllowedCidrs", 'is required with delivery "ssh": 1 to 20 CIDR blocks allowed to reach TCP 22');
        }
        sshAllowedCidrs = Array.from(a.sshAllowedCidrs, (cidr, i) => requireCidr(`activation.sshAllowedCidrs[${i}]`, cidr));
        if (sshHost === "public" && !context.hasPublicIp) {
            throw new ArgumentError("activation.sshHost", 'is "public" but the server has no public IP: set publicIpBandwidthMbps');
        }
    } else if (a.sshAllowedCidrs !== undefined || a.sshHost !== undefined) {
        throw new ArgumentError(a.sshHost !== undefined ? "activation.sshHost" : "activation.sshAllowedCidrs", 'applies only to delivery "ssh"');
    }
    if (enableOpenSsh && !(OPENSSH_VERSIONS as readonly string[]).includes(context.windowsVersion ?? "")) {
        throw new ArgumentError(
            "activation.enableOpenSsh",
            `needs windowsVersion ${OPENSSH_VERSIONS.join(", ")} (older versions have no in-box OpenSSH server; with imageId, also set windowsVersion)`,
        );
    }
    return {
        script,
        delivery,
        failOnActivationError: requireBoolean("activation.failOnActivationError", a.failOnActivationError ?? true),
        verifyWithTat,
        sshHost,
        sshAllowedCidrs,
        enableOpenSsh,
    };
}
