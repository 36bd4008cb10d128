/**
 * `getImages` invokes for the component, shared within one deployment: one invoke per distinct
 * query and provider, however many servers ask for it. A later deployment asks again (Tencent
 * publishes new images), and one deployment never sees another's answers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { perDeployment, providerKey } from "../deployment";
import { ImageInfo, ImageQuery, imageNameRegex, isPublicWindowsImage, pickImage } from "./imageNames";

async function cachedGetImages(
    args: tencentcloud.GetImagesArgs,
    provider: pulumi.ProviderResource | undefined,
): Promise<tencentcloud.GetImagesResult> {
    const cache = perDeployment("getImages", () => new Map<string, Promise<tencentcloud.GetImagesResult>>());
    const key = `${await providerKey(provider)}|${JSON.stringify(args)}`;
    let result = cache.get(key);
    if (result === undefined) {
        result = tencentcloud.getImages(args, { provider });
        cache.set(key, result);
    }
    return result;
}

/** Public Windows images whose name starts with the version (one invoke per version and provider). */
export function findWindowsImage(query: ImageQuery, provider: pulumi.ProviderResource | undefined): Promise<ImageInfo> {
    return cachedGetImages(
        { imageTypes: ["PUBLIC_IMAGE"], imageNameRegex: imageNameRegex(query.version) },
        provider,
    ).then((r) => pickImage(r.images ?? [], query));
}

/**
 * The catalog's entry for an image ID (one invoke per ID and provider), or undefined when this region does not list it.
 */
export function lookUpImage(
    imageId: string,
    provider: pulumi.ProviderResource | undefined,
): Promise<ImageInfo | undefined> {
    return cachedGetImages({ imageId }, provider).then((r) => (r.images ?? []).find((i) => i.imageId === imageId));
}

/** Looks up an explicit image ID and refuses it unless it is a Tencent public Windows image. */
export function checkPublicWindowsImage(
    imageId: string,
    provider: pulumi.ProviderResource | undefined,
): Promise<ImageInfo> {
    return lookUpImage(imageId, provider).then((image) => {
        if (image === undefined) {
            throw new Error(`Invalid argument 'imageId': image ${imageId} was not found in this region.`);
        }
        if (!isPublicWindowsImage(image)) {
            throw new Error(
                `Invalid argument 'imageId': image ${imageId} (${image.imageName}) is not a Tencent public Windows image ` +
                    `(type ${image.imageType}, platform ${image.platform}); KMS activation by this component applies only to public images.`,
            );
        }
        return image;
    });
}

/**
 * The name of the image a server runs, for its `imageName` output: the chosen image's name when the
 * server runs it, else the catalog's name for that image ID (one invoke per ID), or "" when Tencent no
 * longer lists it. Never fails: a retired image must not fail a deployment.
 */
export function runningImageName(
    imageId: string,
    chosen: ImageInfo,
    provider: pulumi.ProviderResource | undefined,
): Promise<string> {
    if (imageId === chosen.imageId) {
        return Promise.resolve(chosen.imageName);
    }
    return lookUpImage(imageId, provider).then(
        (image) => image?.imageName ?? "",
        () => "",
    );
}
