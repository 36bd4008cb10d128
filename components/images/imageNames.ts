/**
 * Choosing a Tencent public Windows Server image by version, edition and language, from image
 * names on both the China site (`Windows Server 2019 数据中心版 64位中文版`) and the international
 * site (`Windows Server 2019 DataCenter 64bit EN`). Pure functions, tested directly.
 */

/** Windows Server versions the component can pick an image for. */
export const WindowsVersion = {
    /** Windows Server 2008 R2 (6.1). */
    V2008R2: "2008R2",
    /** Windows Server 2012 R2 (6.3). */
    V2012R2: "2012R2",
    /** Windows Server 2016 (build 14393). */
    V2016: "2016",
    /** Windows Server 2019 (build 17763). */
    V2019: "2019",
    /** Windows Server 2022 (build 20348). */
    V2022: "2022",
    /** Windows Server 2025 (build 26100). */
    V2025: "2025",
} as const;
/** A Windows Server version, e.g. "2022". */
export type WindowsVersion = (typeof WindowsVersion)[keyof typeof WindowsVersion];
/** Every Windows Server version, oldest first. */
export const WINDOWS_VERSIONS: readonly WindowsVersion[] = Object.values(WindowsVersion);

/** Image languages. */
export const ImageLanguage = {
    /** Chinese images (China site names end in 64位中文版). */
    Zh: "zh",
    /** English images (64位英文版, or 64bit EN on the international site). */
    En: "en",
} as const;
/** An image language: "zh" or "en". */
export type ImageLanguage = (typeof ImageLanguage)[keyof typeof ImageLanguage];
/** Every image language. */
export const IMAGE_LANGUAGES: readonly ImageLanguage[] = Object.values(ImageLanguage);

/** Editions that public images come in. */
export const ImageEdition = {
    /** Datacenter (数据中心版). */
    Datacenter: "Datacenter",
    /** Standard (标准版). */
    Standard: "Standard",
    /** Enterprise (企业版): Windows Server 2008 R2 only. */
    Enterprise: "Enterprise",
} as const;
/** A Windows Server edition. */
export type ImageEdition = (typeof ImageEdition)[keyof typeof ImageEdition];
/** Every edition. */
export const IMAGE_EDITIONS: readonly ImageEdition[] = Object.values(ImageEdition);

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

/**
 * The server-side `imageNameRegex` (Go RE2) for a version; edition
 * and language are filtered here, so one query serves them all.
 */
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

/**
 * True for a Tencent public image whose platform is Windows
 * (the procedure does not apply to custom or imported images).
 */
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
