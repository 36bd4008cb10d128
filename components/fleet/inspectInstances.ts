/**
 * What WindowsActivation learns about the instances it is given, before it runs anything on them:
 * each instance's state, OS and image through the provider's data sources `tencentcloud_instances`
 * (`getInstances`, one call per 100 IDs, DescribeInstances' limit) and `tencentcloud_images`
 * (`getImages`, one call per distinct image ID, shared with every other lookup in the deployment).
 * An instance that is not found, does not run Windows or was not created from a Tencent public image
 * is refused, all of them named in one error.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { AGENT_STATUS_BATCH } from "../delivery/tatAgent";
import { lookUpImage } from "../images/imageLookup";
import { isPublicWindowsImage } from "../images/imageNames";

/** Instance IDs per `getInstances` call (`instance_set_ids` MaxItems in the provider; DescribeInstances' limit): the agent wait's batch. */
export const INSTANCES_PER_CALL = AGENT_STATUS_BATCH;

/** One listed instance, checked: a Windows CVM of a Tencent public image. */
export interface FleetInstance {
    instanceId: string;
    /** DescribeInstances' InstanceState: RUNNING, STOPPED, STARTING, ... */
    state: string;
    /** The OS name Tencent reports. */
    osName: string;
    imageId: string;
    imageName: string;
}

/** Why an instance was refused, in one line that names it. */
function refusal(id: string, found: tencentcloud.types.output.GetInstancesInstanceList | undefined, image: Awaited<ReturnType<typeof lookUpImage>>): string | undefined {
    if (found === undefined) {
        return `${id}: not found in the provider's region`;
    }
    const runs = `${id} (${found.osName || "unknown OS"}, image ${found.imageId})`;
    if (image === undefined) {
        return `${runs}: its image is not listed in this region (a deleted custom image, or a retired public one), so it cannot be shown to be a Tencent public Windows image`;
    }
    if ((image.platform ?? "").toLowerCase() !== "windows") {
        return `${runs}: not Windows (image platform ${image.platform})`;
    }
    if (!isPublicWindowsImage(image)) {
        return `${runs}: not from a Tencent public image (image type ${image.imageType}); KMS activation by this component applies only to public images`;
    }
    return undefined;
}

/**
 * Reads every instance and its image; resolves to the instances in the order given, or fails with
 * one error naming every refused instance (before anything runs on any of them).
 */
export async function inspectInstances(componentName: string, ids: string[], provider: pulumi.ProviderResource | undefined): Promise<FleetInstance[]> {
    const batches: Promise<tencentcloud.GetInstancesResult>[] = [];
    for (let i = 0; i < ids.length; i += INSTANCES_PER_CALL) {
        batches.push(tencentcloud.getInstances({ instanceSetIds: ids.slice(i, i + INSTANCES_PER_CALL) }, { provider }));
    }
    const byId = new Map((await Promise.all(batches)).flatMap((r) => r.instanceLists ?? []).map((i) => [i.instanceId, i]));
    const imageIds = [...new Set([...byId.values()].map((i) => i.imageId))];
    const images = new Map(await Promise.all(imageIds.map(async (id) => [id, await lookUpImage(id, provider)] as const)));
    const refused = ids.flatMap((id) => {
        const found = byId.get(id);
        const why = refusal(id, found, found && images.get(found.imageId));
        return why === undefined ? [] : [why];
    });
    if (refused.length > 0) {
        throw new Error(
            `WindowsActivation '${componentName}' refuses ${refused.length} of ${ids.length} instances (nothing was run on any instance):\n` +
                refused.map((r) => `- ${r}`).join("\n"),
        );
    }
    return ids.map((id) => {
        const i = byId.get(id)!;
        return { instanceId: id, state: i.status, osName: i.osName, imageId: i.imageId, imageName: images.get(i.imageId)!.imageName };
    });
}
