/**
 * "Does this CVM run Windows?", shared by the policies that only apply to Windows instances, and
 * the config that tunes it (`windowsImageIds`, `windowsImageNamePattern`).
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { UNKNOWN, knownString, read } from "./values";

/** Type token of the bridged Tencent Cloud CVM (`tencentcloud_instance`). */
export const INSTANCE_TYPE = "tencentcloud:index/instance:Instance";

/** Default of `windowsImageNamePattern`. */
export const DEFAULT_WINDOWS_IMAGE_NAME_PATTERN = "(?i)windows";

/** The Windows-detection config, as `args.getConfig()` returns it (each key may be missing). */
export interface WindowsDetectionConfig {
    /** Image IDs (`img-xxxxxxxx`) that are Windows images, e.g. your own custom Windows images. */
    windowsImageIds?: string[];
    /** Pattern matched against the instance's OS name (see {@link parseImageNamePattern}). */
    windowsImageNamePattern?: string;
}

/** Config schema shared by the policies that need Windows detection. */
export const WINDOWS_DETECTION_CONFIG_SCHEMA: PolicyConfigSchema = {
    properties: {
        windowsImageIds: {
            type: "array",
            items: { type: "string" },
            default: [],
            description:
                "Image IDs (img-xxxxxxxx) to treat as Windows. The only signal available while an instance is new during preview (its osName is not known yet).",
        },
        windowsImageNamePattern: {
            type: "string",
            default: DEFAULT_WINDOWS_IMAGE_NAME_PATTERN,
            description:
                "Regular expression (JavaScript syntax, optionally starting with an inline flag group such as (?i)) matched against the instance's OS name; a match means Windows. Empty: no pattern.",
        },
    },
};

/** Windows detection with the config resolved and checked. */
export interface WindowsDetection {
    /** Image IDs that are Windows. */
    imageIds: ReadonlySet<string>;
    /** OS-name pattern, or `undefined` when the configured pattern is empty. */
    namePattern: RegExp | undefined;
}

const INLINE_FLAGS = /^\(\?([a-zA-Z]+)\)/;
const SUPPORTED_FLAGS = new Set(["i", "m", "s"]);

/**
 * Turns `windowsImageNamePattern` into a JavaScript RegExp. Accepted syntax: a JavaScript regular
 * expression source (no `/.../` delimiters), optionally starting with one inline flag group `(?i)`,
 * `(?m)`, `(?s)` or a combination such as `(?is)`, the form Go/RE2 (Tencent's `imageNameRegex`) and
 * PCRE use; the group applies to the whole pattern and becomes the RegExp flags. Inline groups
 * anywhere else, other flags, and Go-only syntax (`\pL`, `[[:alpha:]]`) are not supported: an
 * unsupported flag throws, other syntax is read as JavaScript. An empty (or blank) pattern gives
 * `undefined` (no name matching). Throws an Error naming the setting when the pattern is invalid.
 */
export function parseImageNamePattern(pattern: string): RegExp | undefined {
    if (pattern.trim() === "") {
        return undefined;
    }
    let source = pattern;
    let flags = "";
    const inline = INLINE_FLAGS.exec(pattern);
    if (inline) {
        for (const flag of inline[1]) {
            if (!SUPPORTED_FLAGS.has(flag)) {
                throw new Error(
                    `windowsImageNamePattern ${JSON.stringify(pattern)}: inline flag "${flag}" is not supported (use i, m or s, e.g. "(?i)windows")`,
                );
            }
            if (!flags.includes(flag)) {
                flags += flag;
            }
        }
        source = pattern.slice(inline[0].length);
    }
    try {
        return new RegExp(source, flags);
    } catch (e) {
        throw new Error(
            `windowsImageNamePattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(e as Error).message}`,
        );
    }
}

/**
 * Resolves the config (defaults for missing keys: no image IDs, pattern `(?i)windows`). Throws on an invalid setting.
 */
export function windowsDetection(config: WindowsDetectionConfig): WindowsDetection {
    const ids = config.windowsImageIds ?? [];
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
        throw new Error("windowsImageIds must be an array of image ID strings");
    }
    const pattern = config.windowsImageNamePattern ?? DEFAULT_WINDOWS_IMAGE_NAME_PATTERN;
    if (typeof pattern !== "string") {
        throw new Error("windowsImageNamePattern must be a string");
    }
    return { imageIds: new Set(ids.map((id) => id.trim())), namePattern: parseImageNamePattern(pattern) };
}

/** Outcome of {@link classifyInstance}: Windows (with why), not Windows, or not decidable yet. */
export type WindowsVerdict = { windows: true; reason: string } | { windows: false; undetermined: boolean };

/**
 * Decides whether an Instance runs Windows from its props: its `imageId` is one of the configured
 * Windows image IDs, or its `osName` is known and contains "windows" (any case) or matches the
 * configured pattern. The bridged Instance carries no image name, so the pattern is matched
 * against `osName`, which Tencent fills from the image's OS name. While `osName` is unknown
 * (a new instance during preview) or absent, only the image ID list can say Windows; otherwise the
 * verdict is `undetermined`, which the policies do not report.
 */
export function classifyInstance(props: unknown, detection: WindowsDetection): WindowsVerdict {
    const imageId = knownString(read(props, "imageId"));
    if (imageId !== undefined && detection.imageIds.has(imageId.trim())) {
        return { windows: true, reason: `its imageId ${imageId} is in windowsImageIds` };
    }
    const osNameValue = read(props, "osName");
    const osName = knownString(osNameValue);
    if (osName === undefined) {
        return { windows: false, undetermined: osNameValue === UNKNOWN || osNameValue === undefined };
    }
    if (/windows/i.test(osName)) {
        return { windows: true, reason: `its osName is ${JSON.stringify(osName)}` };
    }
    if (detection.namePattern && detection.namePattern.test(osName)) {
        return { windows: true, reason: `its osName ${JSON.stringify(osName)} matches windowsImageNamePattern` };
    }
    return { windows: false, undetermined: false };
}
