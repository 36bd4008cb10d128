/**
 * The arguments of `ActivatedWindowsServer`, and their checking: every plain value is validated,
 * and the script and user data rendered, before any resource is registered. The same rules hold
 * whatever language the values come from (Pulumi's plugin host passes plain values unchanged).
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { ActivationSettings, ResolvedActivationArgs, resolveActivationArgs } from "./activationArgs";
import { renderActivationScript } from "./activation/script";
import { renderUserData } from "./delivery/userData";
import { memoize } from "./memo";
import {
    IMAGE_EDITIONS,
    IMAGE_LANGUAGES,
    ImageEdition,
    ImageLanguage,
    WINDOWS_VERSIONS,
    WindowsVersion,
    defaultEdition,
} from "./images/imageNames";
import {
    ArgumentError,
    requireBoolean,
    requireInteger,
    requireOneOf,
    requireWindowsHostname,
    requireWindowsPassword,
    validateInput,
} from "./validation";

/**
 * Further arguments of the server's `tencentcloud.Instance`: data disks, CAM role, placement group,
 * private IP, termination protection, prepaid period and renewal, spot settings, and so on. The
 * arguments the component sets itself are refused here by name (see `OWNED_INSTANCE_ARGS`).
 * `disableSecurityService` and `disableMonitorService` apply when the server is created only: the
 * provider would reinstall the server to change them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the schema types this interface by name
export interface InstanceSettings extends tencentcloud.InstanceArgs {}

/** Arguments of the ActivatedWindowsServer component. */
export interface ActivatedWindowsServerArgs {
    /** Windows Server version of the Tencent public image to use. Required unless `imageId` is set. */
    windowsVersion?: WindowsVersion;
    /** Edition of the image. Default `Enterprise` for 2008R2, `Datacenter` otherwise. */
    windowsEdition?: ImageEdition;
    /** Language of the image: `zh` (default) or `en`. */
    imageLanguage?: ImageLanguage;
    /**
     * An explicit image ID (`img-xxxxxxxx`); it must be a Tencent public Windows image. Overrides the version search.
     * Like a newer public image, a changed imageId applies to new servers only (unless replaceOnImageChange).
     */
    imageId?: string;
    /**
     * Immutable servers: when the image changes (Tencent publishes a newer one, or `imageId` is
     * changed), replace the server with a new one from the new image and the current user data (created
     * before the old one is deleted; with `instanceSettings.privateIp` after). Default false: a running
     * server keeps the image it was created from.
     */
    replaceOnImageChange?: boolean;
    /** Availability zone, e.g. `ap-guangzhou-3`. */
    availabilityZone: pulumi.Input<string>;
    /** CVM instance type, e.g. `S5.MEDIUM4`. */
    instanceType: pulumi.Input<string>;
    /** VPC the server joins (TAT needs a VPC). */
    vpcId: pulumi.Input<string>;
    /** Subnet of that VPC. */
    subnetId: pulumi.Input<string>;
    /** Security groups, in priority order. */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Administrator password (kept secret): 12-30 characters, 3 of lower/upper/digit/special. */
    password: pulumi.Input<string>;
    /** Windows computer name: 2-15 letters, digits or '-', not all digits. Default: chosen by Tencent. */
    hostname?: pulumi.Input<string>;
    /** Instance name in the console. Default: the component's name. */
    instanceName?: pulumi.Input<string>;
    /** System disk type, e.g. `CLOUD_PREMIUM` or `CLOUD_SSD`. */
    systemDiskType?: pulumi.Input<string>;
    /** System disk size in GB, 50-1024. Default 50. */
    systemDiskSize?: number;
    /** Public bandwidth in Mbps (1-1000); no public IP when absent. */
    publicIpBandwidthMbps?: number;
    /** Tags on the instance. */
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Project ID. */
    projectId?: pulumi.Input<number>;
    /** Billing: `POSTPAID_BY_HOUR` (Tencent's default), `PREPAID` or `SPOTPAID`. */
    instanceChargeType?: pulumi.Input<string>;
    /**
     * Your own PowerShell, run at most once at first boot as LocalSystem, after the activation step, from
     * the same user data (join a domain, install IIS, format data disks, ...): written to a script file
     * of its own in the secured server folder and run by a PowerShell process of its own (default error
     * behaviour, working directory System32); its exit code is logged and changes nothing. Any text
     * (it travels packed, UTF-8). The user data as a whole must stay under Tencent's limit (12,288
     * bytes here, the stricter reading of its 16 KB).
     */
    firstBootPowerShell?: pulumi.Input<string>;
    /** Further arguments of the underlying instance that the component does not set itself. */
    instanceSettings?: InstanceSettings;
    /** Activation settings; every field has a default. */
    activation?: ActivationSettings;
}

/**
 * The Instance arguments the component sets itself: refused in `instanceSettings`, so nobody
 * silently overrides the image, the password, the user data, the network or the TAT agent that
 * activation depends on. `keepImageLogin` would replace the password; key pairs do not exist on Windows.
 */
export const OWNED_INSTANCE_ARGS = [
    "imageId",
    "availabilityZone",
    "instanceType",
    "instanceName",
    "hostname",
    "password",
    "keepImageLogin",
    "keyIds",
    "keyName",
    "userData",
    "userDataRaw",
    "userDataReplaceOnChange",
    "vpcId",
    "subnetId",
    "orderlySecurityGroups",
    "securityGroups",
    "allocatePublicIp",
    "internetMaxBandwidthOut",
    "internetChargeType",
    "systemDiskType",
    "systemDiskSize",
    "tags",
    "projectId",
    "instanceChargeType",
    "disableAutomationService",
] as const;

const IMAGE_ID = /^img-[a-z0-9]{8}$/;

/**
 * The Instance arguments whose later changes are ignored, so that nothing resets or replaces a
 * running server behind its owner's back: `imageId` (a newer public image, or another explicit
 * one, applies to new servers only; the provider would reinstall the system disk), the two agent
 * switches that also reinstall it, and the user data (it runs at first boot only), unless
 * `replaceOnImageChange` or `replaceOnScriptChange` asks for a new server then.
 */
export function instanceIgnoredChanges(replaceOnScriptChange: boolean, replaceOnImageChange = false): string[] {
    const always = ["disableSecurityService", "disableMonitorService"];
    return [...(replaceOnImageChange ? [] : ["imageId"]), ...always, ...(replaceOnScriptChange ? [] : ["userDataRaw"])];
}

/**
 * The Instance arguments whose change replaces the server by the owner's choice: `imageId` with
 * `replaceOnImageChange` (the provider itself would reinstall the system disk in place instead).
 */
export function instanceReplacedOnChanges(replaceOnImageChange: boolean): string[] {
    return replaceOnImageChange ? ["imageId"] : [];
}

function required<T>(field: string, value: T | undefined): T {
    if (value === undefined || value === null || value === "") {
        throw new ArgumentError(field, "is required");
    }
    return value;
}

/** Checks `instanceSettings`: an object that names none of the arguments the component owns. */
function resolveInstanceSettings(value: unknown): InstanceSettings {
    if (value === undefined) {
        return {};
    }
    if (value === null || typeof value !== "object" || Array.isArray(value) || pulumi.Output.isInstance(value)) {
        throw new ArgumentError("instanceSettings", "must be an object of instance arguments");
    }
    for (const key of OWNED_INSTANCE_ARGS) {
        if ((value as Record<string, unknown>)[key] !== undefined) {
            throw new ArgumentError(
                `instanceSettings.${key}`,
                "is set by the component itself: use the component's own argument, or leave it out",
            );
        }
    }
    return value as InstanceSettings;
}

/** Every argument, checked and with defaults; the script and user data, rendered. */
export interface ResolvedServerArgs {
    windowsVersion: WindowsVersion | undefined;
    edition: ImageEdition;
    language: ImageLanguage;
    bandwidth: number | undefined;
    systemDiskSize: number | undefined;
    replaceOnImageChange: boolean;
    password: pulumi.Input<string>;
    hostname: pulumi.Input<string> | undefined;
    instanceSettings: InstanceSettings;
    activation: ResolvedActivationArgs;
    /** The activation batch script. */
    script: string;
    /** The instance's user data, or undefined when there is none. */
    userData: pulumi.Input<string> | undefined;
}

/** The script of some settings, rendered once however many servers share them. */
const renderScript = memoize(renderActivationScript, (options) => JSON.stringify(options ?? null));
/** The user data of some parts, rendered (and deflated) once however many servers share them. */
const renderUserDataOnce = memoize(renderUserData, (parts) => JSON.stringify(parts));

/**
 * Checks every plain argument and renders the script and user data; throws an ArgumentError before any resource exists.
 */
export function resolveServerArgs(args: ActivatedWindowsServerArgs): ResolvedServerArgs {
    if (args === undefined || args === null || typeof args !== "object") {
        throw new ArgumentError("args", "must be an object");
    }
    for (const field of ["availabilityZone", "instanceType", "vpcId", "subnetId", "password"] as const) {
        void required(field, args[field]);
    }
    const windowsVersion =
        args.windowsVersion === undefined
            ? undefined
            : requireOneOf("windowsVersion", args.windowsVersion, WINDOWS_VERSIONS);
    if (args.imageId !== undefined && (typeof args.imageId !== "string" || !IMAGE_ID.test(args.imageId))) {
        throw new ArgumentError("imageId", "must look like img-xxxxxxxx (8 lower-case letters or digits)");
    }
    if (windowsVersion === undefined && args.imageId === undefined) {
        throw new ArgumentError("windowsVersion", "is required unless imageId is set");
    }
    const edition = requireOneOf(
        "windowsEdition",
        args.windowsEdition ?? defaultEdition(windowsVersion ?? "2022"),
        IMAGE_EDITIONS,
    );
    const language = requireOneOf("imageLanguage", args.imageLanguage ?? "zh", IMAGE_LANGUAGES);
    const bandwidth =
        args.publicIpBandwidthMbps === undefined
            ? undefined
            : requireInteger("publicIpBandwidthMbps", args.publicIpBandwidthMbps, 1, 1000);
    const systemDiskSize =
        args.systemDiskSize === undefined ? undefined : requireInteger("systemDiskSize", args.systemDiskSize, 50, 1024);
    const replaceOnImageChange = requireBoolean("replaceOnImageChange", args.replaceOnImageChange ?? false);
    // Plain values are checked here, before any resource exists; secrets and outputs inside their output.
    const password = validateInput(args.password, (v) => requireWindowsPassword("password", v));
    const hostname =
        args.hostname === undefined
            ? undefined
            : validateInput(args.hostname, (v) => requireWindowsHostname("hostname", v));
    const instanceSettings = resolveInstanceSettings(args.instanceSettings);
    const activation = resolveActivationArgs(args.activation, { windowsVersion, hasPublicIp: bandwidth !== undefined });
    const script = renderScript(activation.script);
    const parts = {
        activationScript: activation.delivery === "userData" ? script : undefined,
        enableOpenSsh: activation.enableOpenSsh,
    };
    const userData =
        args.firstBootPowerShell === undefined
            ? renderUserDataOnce(parts)
            : validateInput(args.firstBootPowerShell, (v) =>
                  renderUserDataOnce({ ...parts, firstBootPowerShell: requireText("firstBootPowerShell", v) })!,
              );
    return {
        windowsVersion,
        edition,
        language,
        bandwidth,
        systemDiskSize,
        replaceOnImageChange,
        password,
        hostname,
        instanceSettings,
        activation,
        script,
        userData,
    };
}

/** Requires a string. */
function requireText(field: string, value: unknown): string {
    if (typeof value !== "string") {
        throw new ArgumentError(field, "must be text");
    }
    return value;
}
