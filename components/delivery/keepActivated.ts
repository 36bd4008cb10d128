/**
 * Keeping servers activated: TAT invokers (`tencentcloud_tat_invoker`, type SCHEDULE, policy
 * RECURRENCE) that run the activation script on a schedule. On a healthy server a run is the fast
 * path (one status query, no change); a server that lost its activation (its KMS host changed by
 * someone, the grace period running out) is activated again.
 *
 * Who shares an invoker follows what the program declares, never the order or timing in which
 * servers reach the component (a Python program's Construct calls arrive in waves):
 * - an `ActivatedWindowsServer` has an invoker of its own, its child `<server>-keep-activated`;
 * - the running instances of one `WindowsActivation` share invokers of up to 100 instances (Tencent's
 *   limit), in instance-ID order, its children `<name>-keep-activated-<n>`.
 * An invoker's name in the cloud is made from its parent's URN, so it says which stack and component
 * it belongs to, and the same program always gives the same names.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";

/** Instances per invoker (Tencent's limit: CreateInvoker `InstanceIds`, "up to 100"). */
export const INVOKER_CAPACITY = 100;

/** The schedule when none is given: Sundays at 03:00, UTC+8 (TAT reads crons in UTC+8). */
export const DEFAULT_KEEP_ACTIVATED_CRON = "0 3 * * 0";

/**
 * The invoker's name in the cloud: `tencentcloud-windows-keep-` and 12 hex digits of the parent's
 * URN (project, stack, component) and the invoker's index: 38 characters. CreateInvoker documents no
 * limit of its own on names, nor a duplicate-name error (vendored tat `client.go`); this stays within
 * the 60 bytes TAT allows a command's name.
 */
export function invokerCloudName(parentUrn: string, index: number): string {
    const hash = createHash("sha256").update(`${parentUrn}|${index}`).digest("hex").slice(0, 12);
    return `tencentcloud-windows-keep-${hash}`;
}

/**
 * Registers the invoker `name` (a child of `parent`) that runs the command `commandId` on `cron` on `instanceIds`
 * (at most {@link INVOKER_CAPACITY}). Release the IDs only once their agents are online: CreateInvoker
 * refuses an instance whose agent is not (`ResourceUnavailable.AgentStatusNotOnline`).
 */
export function registerKeepActivated(
    name: string,
    index: number,
    instanceIds: pulumi.Input<string[]>,
    commandId: pulumi.Input<string>,
    cron: string,
    parent: pulumi.Resource,
): tencentcloud.TatInvoker {
    // The parent's URN as a plain value: as an input, `parent.urn` would make the invoker depend on
    // the component, which the SDK expands to every child of it, the component's other invokers too
    // (each would wait for the other's registration).
    const parentUrn = new Promise<string>((resolve) => parent.urn.apply(resolve));
    return new tencentcloud.TatInvoker(
        name,
        {
            name: pulumi.output(parentUrn).apply((urn) => invokerCloudName(urn, index)),
            type: "SCHEDULE",
            commandId,
            instanceIds,
            username: "System",
            scheduleSettings: { policy: "RECURRENCE", recurrence: cron },
        },
        { parent },
    );
}

/** `instanceIds` in invokers of at most {@link INVOKER_CAPACITY}, in instance-ID order. */
export function invokerMembers(instanceIds: string[]): string[][] {
    const sorted = [...instanceIds].sort();
    const groups: string[][] = [];
    for (let i = 0; i < sorted.length; i += INVOKER_CAPACITY) {
        groups.push(sorted.slice(i, i + INVOKER_CAPACITY));
    }
    return groups;
}
