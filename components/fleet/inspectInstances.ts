/**
 * What WindowsActivation learns about the instances it is given, before it runs anything on them:
 * each instance's state, OS and image through the provider's data sources `tencentcloud_instances`
 * (`getInstances`, one call per 100 IDs, DescribeInstances' limit) and `tencentcloud_images`
 * (`getImages`, one call per distinct image ID, shared with every other lookup in the deployment),
 * then one round of agent status for the running ones ({@link tatReadsFor}: 100 instances a request).
 * Each instance gets its own verdict: run, or skip with why and what to do. Nothing waits: an
 * existing instance's agent is online or it is not.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { INSTANCES_PER_CALL, NOT_RUNNING_STATES } from "../delivery/tatAgent";
import { tatReadsFor } from "../delivery/tatReads";
import { lookUpImage } from "../images/imageLookup";
import { isPublicWindowsImage } from "../images/imageNames";

/** Why nothing ran on an instance (its entry's `rootCause`). */
export const SkipReason = {
    /** DescribeInstances does not list it in the provider's region. */
    NotFound: "notFound",
    /** Its image (or, for an image no longer listed, its OS name) is not Windows. */
    NotWindows: "notWindows",
    /** A custom, shared or marketplace image: not a Tencent public image. */
    NotPublicImage: "notPublicImage",
    /** Stopped or going, in rescue mode, or being live-migrated: TAT runs nothing there. */
    NotRunning: "notRunning",
    /** Running, but its TAT agent did not answer `Online` (or the status call failed). */
    AgentOffline: "agentOffline",
} as const;
/** Why nothing ran on an instance. */
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];
/** The reasons that identify an instance the component will not touch (`strict: true` refuses the fleet for these). */
const IDENTITY_REASONS: readonly SkipReason[] = [SkipReason.NotFound, SkipReason.NotWindows, SkipReason.NotPublicImage];

/**
 * True when `i` is skipped for what it is (not found, not Windows, not a public image): nothing of it is
 * ever registered.
 */
export function skippedForIdentity(i: FleetInstance): boolean {
    return i.skip !== undefined && IDENTITY_REASONS.includes(i.skip.reason);
}

/** Why nothing runs on an instance, and what to do about it. */
export interface Skip {
    reason: SkipReason;
    /** What the instance is and why nothing ran, naming it. */
    why: string;
    /** What to do, in one sentence. */
    fix: string;
}

/** One listed instance, as DescribeInstances and DescribeImages report it. */
export interface FleetInstance {
    instanceId: string;
    /** DescribeInstances' InstanceState (RUNNING, STOPPED, RESCUE_MODE, ...); "" when not found. */
    state: string;
    /** The OS name Tencent reports. */
    osName: string;
    imageId: string;
    /** The image's name; "" when the image is not listed (retired or deleted). */
    imageName: string;
    /** Set when nothing runs on the instance. */
    skip?: Skip;
}

type Found = tencentcloud.types.output.GetInstancesInstanceList;
type Image = Awaited<ReturnType<typeof lookUpImage>>;

/** An instance the component will not touch because of what it is, or undefined. */
function identitySkip(id: string, found: Found | undefined, image: Image): Skip | undefined {
    if (found === undefined) {
        return {
            reason: "notFound",
            why: `${id}: not found in the provider's region`,
            fix: "Check the ID and the provider's region; remove the ID from instanceIds if the instance was deleted.",
        };
    }
    const runs = `${id} (${found.osName || "unknown OS"}, image ${found.imageId})`;
    const notWindows = {
        reason: "notWindows" as const,
        fix: "Remove it from instanceIds: KMS activation applies to Windows only.",
    };
    if (image === undefined) {
        // A retired public image (Tencent replaces patched images) or a deleted custom one: the OS name decides.
        return /windows/i.test(found.osName ?? "")
            ? undefined
            : { ...notWindows, why: `${runs}: its image is no longer listed and its OS is not Windows` };
    }
    if ((image.platform ?? "").toLowerCase() !== "windows") {
        return { ...notWindows, why: `${runs}: not Windows (image platform ${image.platform})` };
    }
    if (!isPublicWindowsImage(image)) {
        return {
            reason: "notPublicImage",
            why: `${runs}: not from a Tencent public image (image type ${image.imageType}); KMS activation by this component applies only to public images`,
            fix: "Activate it with the licence its image brings, or remove it from instanceIds.",
        };
    }
    return undefined;
}

/** An instance in one of the NOT_RUNNING_STATES: nothing runs, and nothing waits for it. */
function notRunningSkip(id: string, state: string): Skip {
    const fix = state.includes("RESCUE")
        ? "Take the instance out of rescue mode (console: Exit rescue mode), then run `pulumi up` again."
        : state.includes("LIVE_MIGRATE")
          ? "Tencent is live-migrating the instance: run `pulumi up` again once it is RUNNING."
          : "Start the instance, then run `pulumi up` again (the component never starts a server).";
    return { reason: "notRunning", why: `${id} is ${state}, not RUNNING: TAT cannot run commands on it`, fix };
}

/** A running instance whose agent is not online: `status` is what DescribeAutomationAgentStatus said. */
function agentOfflineSkip(id: string, state: string, status: string): Skip {
    return {
        reason: "agentOffline",
        why: `${id} is ${state} but its TAT agent is ${status}: nothing was invoked on it (WindowsActivation asks once and does not wait)`,
        fix:
            "Check that the TAT agent is installed and running (public images since 2020-12-15 have it; disableAutomationService must not be set) " +
            "and that the VPC reaches the TAT service; the next `pulumi up` runs the script there once the agent is Online.",
    };
}

/**
 * Reads every instance, its image and its agent; resolves to the instances in the
 * order given, each with its verdict. With `strict`, an instance that is not found, not Windows or
 * not from a public image fails the deployment instead, one error naming every such instance,
 * before anything runs on any of them.
 */
export async function inspectInstances(
    componentName: string,
    ids: string[],
    provider: pulumi.ProviderResource | undefined,
    strict = false,
): Promise<FleetInstance[]> {
    const batches: Promise<tencentcloud.GetInstancesResult>[] = [];
    for (let i = 0; i < ids.length; i += INSTANCES_PER_CALL) {
        batches.push(tencentcloud.getInstances({ instanceSetIds: ids.slice(i, i + INSTANCES_PER_CALL) }, { provider }));
    }
    const byId = new Map(
        (await Promise.all(batches)).flatMap((r) => r.instanceLists ?? []).map((i) => [i.instanceId, i]),
    );
    const imageIds = [...new Set([...byId.values()].map((i) => i.imageId))];
    const images = new Map(
        await Promise.all(imageIds.map(async (id) => [id, await lookUpImage(id, provider)] as const)),
    );
    const list: FleetInstance[] = ids.map((id) => {
        const found = byId.get(id);
        const image = found && images.get(found.imageId);
        const skip =
            identitySkip(id, found, image) ??
            (found && NOT_RUNNING_STATES.includes(found.status) ? notRunningSkip(id, found.status) : undefined);
        return {
            instanceId: id,
            state: found?.status ?? "",
            osName: found?.osName ?? "",
            imageId: found?.imageId ?? "",
            imageName: image?.imageName ?? "",
            skip,
        };
    });
    const refused = list.filter((i) => i.skip !== undefined && IDENTITY_REASONS.includes(i.skip.reason));
    if (strict && refused.length > 0) {
        throw new Error(
            `WindowsActivation '${componentName}' (strict) refuses ${refused.length} of ${ids.length} instances (nothing was run on any instance):\n` +
                refused.map((i) => `- ${i.skip!.why}`).join("\n"),
        );
    }
    // A preview asks the agents too: it must register what the update will.
    const asked = list.filter((i) => i.skip === undefined);
    const status =
        asked.length === 0
            ? new Map<string, string>()
            : await (await tatReadsFor(provider)).agentStatuses(asked.map((i) => i.instanceId));
    for (const i of asked) {
        const s = status.get(i.instanceId) ?? "not reported";
        if (s !== "Online") {
            i.skip = agentOfflineSkip(i.instanceId, i.state, s);
        }
    }
    return list;
}
