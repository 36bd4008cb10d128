/**
 * Choosing a Tencent public Windows Server image by version, edition and language, from image
 * names on both the China site (`Windows Server 2019 数据中心版 64位中文版`) and the international
 * site (`Windows Server 2019 DataCenter 64bit EN`). Pure functions, tested directly.
 */

/** Windows Server versions the component can pick an image for. */
export const WINDOWS_VERSIONS = ["2008R2", "2012R2", "2016", "2019", "2022", "2025"] as const;
/** A Windows Server version. */
export type WindowsVersion = (typeof WINDOWS_VERSIONS)[number];

/** Image languages. */
export const IMAGE_LANGUAGES = ["zh", "en"] as const;
/** An image language: Chinese or English. */
export type ImageLanguage = (typeof IMAGE_LANGUAGES)[number];

/** Editions that public images come in. */
export const IMAGE_EDITIONS = ["Datacenter", "Standard", "Enterprise"] as const;
/** A Windows Server edition. */
export type ImageEdition = (typeof IMAGE_EDITIONS)[number];

/** The edition Tencent publishes for each version by default (2008 R2 is Enterprise, the rest Datacenter). */
export function defaultEdition(version: WindowsVersion): ImageEdition {
    return version === "2008R2" ? "Enterprise" : "Datacenter";
}

/** The fields of a `getImages` result entry that selection reads. */
export interface ImageInfo {
    imageId: string;
    imageName: string;
    osName?: string;
    platform?: string;
    imageType?: string;
    createdTime?: string;
}

/** What to look for. */
export interface ImageQuery {
    version: WindowsVersion;
    edition: ImageEdition;
    language: ImageLanguage;
}

/** The server-side `imageNameRegex` (Go RE2) for a version; edition and language are filtered here, so one query serves them all. */
export function imageNameRegex(version: WindowsVersion): string {
    const year = version.replace("R2", "");
    return version.endsWith("R2") ? `^Windows Server ${year} R2 ` : `^Windows Server ${year} `;
}

const EDITION_PATTERNS: Record<ImageEdition, RegExp> = {
    Datacenter: /数据中心版|datacenter/i,
    Standard: /标准版|standard/i,
    Enterprise: /企业版|enterprise/i,
};

/** The language of an image name: `en` when marked English, `zh` when marked Chinese or written in Chinese. */
export function imageLanguage(name: string): ImageLanguage | undefined {
    if (/英文|\bEN\b|english/i.test(name)) {
        return "en";
    }
    if (/中文|\bCN\b|\bZH\b|chinese|[\u4e00-\u9fff]/i.test(name)) {
        return "zh";
    }
    return undefined;
}

/** True when `image` is a public Windows image of the queried version, edition and language. */
export function matchesImage(image: ImageInfo, query: ImageQuery): boolean {
    const name = image.imageName ?? "";
    const year = query.version.replace("R2", "");
    const versionOk = query.version.endsWith("R2")
        ? new RegExp(`^Windows Server ${year} R2\\b`).test(name)
        : new RegExp(`^Windows Server ${year}\\b(?! R2)`).test(name);
    return (
        versionOk &&
        isPublicWindowsImage(image) &&
        EDITION_PATTERNS[query.edition].test(name) &&
        imageLanguage(name) === query.language
    );
}

/** True for a Tencent public image whose platform is Windows (the procedure does not apply to custom or imported images). */
export function isPublicWindowsImage(image: ImageInfo): boolean {
    return image.imageType === "PUBLIC_IMAGE" && (image.platform ?? "").toLowerCase() === "windows";
}

/** Picks the newest matching image; throws an Error listing what was searched when none matches. */
export function pickImage(images: readonly ImageInfo[], query: ImageQuery): ImageInfo {
    const matches = images.filter((image) => matchesImage(image, query));
    if (matches.length === 0) {
        const seen = images.map((i) => i.imageName).slice(0, 10);
        throw new Error(
            `No Tencent public image matches Windows Server ${query.version} ${query.edition} (${query.language}). ` +
                `Images seen for this version: ${seen.length ? seen.join("; ") : "none"}. Set imageId, or another windowsEdition or imageLanguage.`,
        );
    }
    return [...matches].sort((a, b) => (b.createdTime ?? "").localeCompare(a.createdTime ?? ""))[0];
}
