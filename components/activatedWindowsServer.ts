/**
 * `ActivatedWindowsServer`: a Windows Server CVM from a Tencent public image that comes up with
 * its clock synced and Windows activated against Tencent's KMS, with no one logging in.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { ActivationArgs, resolveActivationArgs } from "./activationArgs";
import { ActivationReport, ActivationStatus, activationFailureMessage, readActivationOutput } from "./activation/report";
import { ActivationResult } from "./activation/result";
import { renderActivationScript } from "./activation/script";
import { CHECK_WAIT, worstCaseSeconds } from "./activation/schedule";
import { renderCarrier } from "./delivery/carrier";
import { deliverWithSsh } from "./delivery/ssh";
import { TAT_TIMEOUT_MARGIN_SECONDS, invokeTatCommand, scriptHash, sharedTatCommand } from "./delivery/tat";
import { renderUserData } from "./delivery/userData";
import { checkPublicWindowsImage, findWindowsImage } from "./images/imageLookup";
import {
    IMAGE_EDITIONS,
    IMAGE_LANGUAGES,
    ImageEdition,
    ImageInfo,
    ImageLanguage,
    WINDOWS_VERSIONS,
    WindowsVersion,
    defaultEdition,
} from "./images/imageNames";
import { ArgumentError, requireInteger, requireOneOf, requireWindowsHostname, requireWindowsPassword, validateInput } from "./validation";

/** Arguments of {@link ActivatedWindowsServer}. */
export interface ActivatedWindowsServerArgs {
    /** Windows Server version of the Tencent public image to use. Required unless `imageId` is set. */
    windowsVersion?: WindowsVersion;
    /** Edition of the image. Default `Enterprise` for 2008R2, `Datacenter` otherwise. */
    windowsEdition?: ImageEdition;
    /** Language of the image: `zh` (default) or `en`. */
    imageLanguage?: ImageLanguage;
    /** An explicit image ID (`img-xxxxxxxx`); it must be a Tencent public Windows image. Overrides the version search. */
    imageId?: string;
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
    /** Activation settings; every field has a default. */
    activation?: ActivationArgs;
}

const IMAGE_ID = /^img-[a-z0-9]{8}$/;

function required<T>(field: string, value: T | undefined): T {
    if (value === undefined || value === null || value === "") {
        throw new ArgumentError(field, "is required");
    }
    return value;
}

/** Checks every plain argument and renders the script and user data; throws before any resource exists. */
function resolveServerArgs(args: ActivatedWindowsServerArgs) {
    if (args === undefined || args === null || typeof args !== "object") {
        throw new ArgumentError("args", "must be an object");
    }
    for (const field of ["availabilityZone", "instanceType", "vpcId", "subnetId", "password"] as const) {
        required(field, args[field]);
    }
    const windowsVersion = args.windowsVersion === undefined ? undefined : requireOneOf("windowsVersion", args.windowsVersion, WINDOWS_VERSIONS);
    if (args.imageId !== undefined && (typeof args.imageId !== "string" || !IMAGE_ID.test(args.imageId))) {
        throw new ArgumentError("imageId", "must look like img-xxxxxxxx (8 lower-case letters or digits)");
    }
    if (windowsVersion === undefined && args.imageId === undefined) {
        throw new ArgumentError("windowsVersion", "is required unless imageId is set");
    }
    const edition = requireOneOf("windowsEdition", args.windowsEdition ?? defaultEdition(windowsVersion ?? "2022"), IMAGE_EDITIONS);
    const language = requireOneOf("imageLanguage", args.imageLanguage ?? "zh", IMAGE_LANGUAGES);
    const bandwidth = args.publicIpBandwidthMbps === undefined ? undefined : requireInteger("publicIpBandwidthMbps", args.publicIpBandwidthMbps, 1, 1000);
    const systemDiskSize = args.systemDiskSize === undefined ? undefined : requireInteger("systemDiskSize", args.systemDiskSize, 50, 1024);
    const activation = resolveActivationArgs(args.activation, { windowsVersion, hasPublicIp: bandwidth !== undefined });
    const script = renderActivationScript(activation.script);
    const userData = renderUserData({
        activationScript: activation.delivery === "userData" ? script : undefined,
        enableOpenSsh: activation.enableOpenSsh,
    });
    return { windowsVersion, edition, language, bandwidth, systemDiskSize, activation, script, userData };
}

/**
 * A Windows Server CVM from a Tencent public image, activated against Tencent's KMS by one batch
 * script delivered through user data (first boot), TAT or SSH (during `pulumi up`).
 */
export class ActivatedWindowsServer extends pulumi.ComponentResource {
    /** The CVM. */
    public readonly instance: tencentcloud.Instance;
    /** Instance ID (`ins-...`). */
    public readonly instanceId: pulumi.Output<string>;
    /** Private IP in the VPC. */
    public readonly privateIp: pulumi.Output<string>;
    /** Public IP, when `publicIpBandwidthMbps` is set. */
    public readonly publicIp: pulumi.Output<string | undefined>;
    /** The image the server was created from. */
    public readonly imageId: pulumi.Output<string>;
    /** The image's name. */
    public readonly imageName: pulumi.Output<string>;
    /** The OS name Tencent reports for the instance. */
    public readonly osName: pulumi.Output<string>;
    /** The rendered activation batch script (CRLF line endings), identical in every delivery. */
    public readonly activationScript: pulumi.Output<string>;
    /** The Administrator password (secret). */
    public readonly password: pulumi.Output<string>;
    /** `Licensed`, `Failed`, `PendingFirstBoot` (user data without verifyWithTat) or `Unknown` (TAT record expired). */
    public readonly activationStatus: pulumi.Output<ActivationStatus>;
    /** The script's parsed result line, when the delivery reports one. */
    public readonly activationResult: pulumi.Output<ActivationResult | undefined>;

    constructor(name: string, args: ActivatedWindowsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = resolveServerArgs(args);
        super("tencentcloud-windows:index:ActivatedWindowsServer", name, {}, opts);

        const provider = this.getProvider("tencentcloud:index/instance:Instance");
        const image: Promise<ImageInfo> =
            args.imageId !== undefined
                ? checkPublicWindowsImage(args.imageId, provider)
                : findWindowsImage({ version: p.windowsVersion!, edition: p.edition, language: p.language }, provider);
        const password = pulumi.secret(validateInput(args.password, (v) => requireWindowsPassword("password", v)));
        const hostname = args.hostname === undefined ? undefined : validateInput(args.hostname, (v) => requireWindowsHostname("hostname", v));

        let securityGroupIds: pulumi.Input<pulumi.Input<string>[]> = args.securityGroupIds ?? [];
        const sshRules: pulumi.Resource[] = [];
        if (p.activation.delivery === "ssh") {
            const group = new tencentcloud.SecurityGroup(
                `${name}-ssh`,
                { name: `${name}-ssh`, description: "tencentcloud-windows: SSH for activation" },
                { parent: this },
            );
            sshRules.push(
                new tencentcloud.SecurityGroupRuleSet(
                    `${name}-ssh-rules`,
                    {
                        securityGroupId: group.id,
                        ingresses: p.activation.sshAllowedCidrs.map((cidrBlock) => ({
                            action: "ACCEPT",
                            cidrBlock,
                            protocol: "TCP",
                            port: "22",
                            description: "SSH for activation",
                        })),
                    },
                    { parent: this },
                ),
            );
            securityGroupIds = pulumi.all([securityGroupIds, group.id]).apply(([ids, id]) => [...ids, id]);
        }

        this.instance = new tencentcloud.Instance(
            `${name}-instance`,
            {
                availabilityZone: args.availabilityZone,
                imageId: pulumi.output(image).apply((i) => i.imageId),
                instanceType: args.instanceType,
                instanceName: args.instanceName ?? name,
                hostname,
                password,
                vpcId: args.vpcId,
                subnetId: args.subnetId,
                orderlySecurityGroups: securityGroupIds,
                allocatePublicIp: p.bandwidth !== undefined,
                internetMaxBandwidthOut: p.bandwidth,
                internetChargeType: p.bandwidth !== undefined ? "TRAFFIC_POSTPAID_BY_HOUR" : undefined,
                systemDiskType: args.systemDiskType,
                systemDiskSize: p.systemDiskSize,
                tags: args.tags,
                projectId: args.projectId,
                instanceChargeType: args.instanceChargeType,
                disableAutomationService: false,
                userDataRaw: p.userData,
                userDataReplaceOnChange: p.userData !== undefined ? true : undefined,
            },
            { parent: this },
        );

        const report = this.deliver(name, p, password, sshRules, provider);
        const failOnError = p.activation.failOnActivationError;
        const checked = report.apply((r) => {
            if (failOnError && r.status === "Failed") {
                throw new Error(activationFailureMessage(name, r));
            }
            return r;
        });

        this.instanceId = this.instance.id;
        this.privateIp = this.instance.privateIp;
        this.publicIp = this.instance.publicIp as pulumi.Output<string | undefined>;
        this.imageId = pulumi.output(image).apply((i) => i.imageId);
        this.imageName = pulumi.output(image).apply((i) => i.imageName);
        this.osName = this.instance.osName;
        this.activationScript = pulumi.output(p.script);
        this.password = password;
        this.activationStatus = checked.apply((r) => r.status);
        this.activationResult = checked.apply((r) => r.result);
        this.registerOutputs({
            instanceId: this.instanceId,
            privateIp: this.privateIp,
            publicIp: this.publicIp,
            imageId: this.imageId,
            osName: this.osName,
            activationStatus: this.activationStatus,
            activationResult: this.activationResult,
        });
    }

    /** Creates the delivery's resources and returns its report. */
    private deliver(
        name: string,
        p: ReturnType<typeof resolveServerArgs>,
        password: pulumi.Input<string>,
        sshRules: pulumi.Resource[],
        provider: pulumi.ProviderResource | undefined,
    ): pulumi.Output<ActivationReport> {
        const { activation, script } = p;
        if (activation.delivery === "tat" || activation.verifyWithTat) {
            const check = activation.verifyWithTat;
            const timeout = (check ? CHECK_WAIT.tries * CHECK_WAIT.pauseSeconds : worstCaseSeconds(activation.script)) + TAT_TIMEOUT_MARGIN_SECONDS;
            const command = sharedTatCommand(renderCarrier(script, "tat", check ? "/check" : ""), timeout, provider);
            const role = check ? "activation-check" : "activation";
            const { output } = invokeTatCommand(`${name}-${role}`, command, this.instance.id, timeout, this);
            return output.apply((o) => readActivationOutput(o, "base64"));
        }
        if (activation.delivery === "ssh") {
            const host = activation.sshHost === "public" ? this.instance.publicIp : this.instance.privateIp;
            const { stdout } = deliverWithSsh(
                `${name}-activation`,
                { host, password, script, scriptHash: scriptHash(script), instance: this.instance, dependsOn: sshRules },
                this,
            );
            return stdout.apply((o) => readActivationOutput(o, "text"));
        }
        return pulumi.output({ status: "PendingFirstBoot" as const });
    }
}
