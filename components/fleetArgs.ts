/**
 * The arguments of `WindowsActivation`, and their checking: the mode and the activation settings
 * are validated, and the script rendered, before any resource is registered; the instance IDs
 * (which may arrive later, from another resource or a stack reference) when they are known.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ResolvedTatActivationArgs,
    TAT_SETTING_NAMES,
    TatActivationSettings,
    resolveTatActivationArgs,
} from "./activationArgs";
import { renderActivationScript } from "./activation/script";
import { ArgumentError, requireBoolean, requireOneOf } from "./validation";

/** What WindowsActivation does on the listed servers. */
export const ActivationMode = {
    /**
     * Run the activation script (sync the clock, point Windows
     * at the KMS, activate; the fast path on a licensed server).
     */
    Activate: "activate",
    /**
     * Run only the read-only diagnosis (`activate.cmd /diagnose`): report
     * the license state and root causes, change nothing in Windows.
     */
    Audit: "audit",
} as const;
/** What WindowsActivation does on the listed servers: "activate" or "audit". */
export type ActivationMode = (typeof ActivationMode)[keyof typeof ActivationMode];
/** Every mode. */
export const ACTIVATION_MODES: readonly ActivationMode[] = Object.values(ActivationMode);

/** Arguments of the WindowsActivation component. */
export interface WindowsActivationArgs {
    /**
     * IDs (`ins-xxxxxxxx`) of existing CVMs in the provider's region, from `tencentcloud.Instance.get`, a
     * `StackReference` or literals. Each must run a Tencent public Windows image and have the TAT agent.
     */
    instanceIds: pulumi.Input<pulumi.Input<string>[]>;
    /** `activate` (default) runs the activation script; `audit` runs only the read-only diagnosis. */
    mode?: ActivationMode;
    /**
     * The script and TAT settings, as for ActivatedWindowsServer (keepActivated and failOnActivationError apply to
     * mode `activate` only; tatAgentTimeoutSeconds and tatAgentPollSeconds
     * do not apply: existing instances' agents are asked once).
     */
    activation?: TatActivationSettings;
    /**
     * True: an instance that is not found, not Windows or not from a Tencent public image fails `pulumi up` before
     * anything runs anywhere. False (default): such an instance is reported `Skipped` with why, and the others run.
     */
    strict?: boolean;
}

/** {@link WindowsActivationArgs}' plain values, checked, and the rendered script. */
export interface ResolvedFleetArgs {
    /** The checked instance IDs (checked at once when given as plain values, else when known). */
    instanceIds: pulumi.Output<string[]>;
    mode: ActivationMode;
    activation: ResolvedTatActivationArgs;
    strict: boolean;
    /** The rendered activation script (CRLF). */
    script: string;
}

/** Validates the plain arguments of WindowsActivation and renders the script. */
export function resolveFleetArgs(args: WindowsActivationArgs): ResolvedFleetArgs {
    if (args === null || typeof args !== "object") {
        throw new ArgumentError("args", "must be an object");
    }
    if (args.instanceIds === undefined || args.instanceIds === null) {
        throw new ArgumentError("instanceIds", "is required: the IDs of the existing CVMs to activate");
    }
    const mode = requireOneOf("mode", args.mode ?? "activate", ACTIVATION_MODES);
    const strict = requireBoolean("strict", args.strict ?? false);
    for (const key of ["tatAgentTimeoutSeconds", "tatAgentPollSeconds"] as const) {
        if (args.activation?.[key] !== undefined) {
            throw new ArgumentError(
                `activation.${key}`,
                "does not apply to WindowsActivation: it asks each existing instance's agent once and does not wait (an offline agent is reported Skipped)",
            );
        }
    }
    const activation = resolveTatActivationArgs(args.activation, TAT_SETTING_NAMES);
    if (mode === "audit") {
        for (const key of ["keepActivated", "failOnActivationError"] as const) {
            if (args.activation?.[key] !== undefined) {
                throw new ArgumentError(
                    `activation.${key}`,
                    'applies only to mode "activate" (an audit changes nothing and fails on nothing it finds)',
                );
            }
        }
    }
    const given = args.instanceIds;
    const later =
        pulumi.Output.isInstance(given) ||
        given instanceof Promise ||
        (Array.isArray(given) && given.some((id) => typeof id !== "string"));
    const instanceIds = later
        ? pulumi.output(given).apply(requireInstanceIds)
        : pulumi.output(requireInstanceIds(given));
    return { instanceIds, mode, activation, strict, script: renderActivationScript(activation.script) };
}

/** The form of a CVM instance ID. */
const INSTANCE_ID = /^ins-[a-z0-9]{8}$/;

/**
 * Checks the resolved instance IDs: each of the form `ins-xxxxxxxx`,
 * none twice. Throws an ArgumentError naming the first bad entry.
 */
function requireInstanceIds(value: unknown): string[] {
    if (!Array.isArray(value)) {
        throw new ArgumentError("instanceIds", "must be a list of CVM instance IDs");
    }
    const seen = new Map<string, number>();
    return value.map((id, i) => {
        if (typeof id !== "string" || !INSTANCE_ID.test(id)) {
            throw new ArgumentError(
                `instanceIds[${i}]`,
                "must be a CVM instance ID: ins- and 8 lower-case letters or digits",
            );
        }
        if (seen.has(id)) {
            throw new ArgumentError(`instanceIds[${i}]`, `repeats instanceIds[${seen.get(id)}]`);
        }
        seen.set(id, i);
        return id;
    });
}
