/**
 * What the tencentcloud provider (terraform-provider-tencentcloud v1.83.25, through Pulumi's
 * terraform bridge) does when a resource's arguments change between deployments, for the mock
 * cloud's plans. Each table names its source in the provider; BEHAVIOUR.md beside this file lists
 * them with the rest of the mock cloud's behaviour, and docs/day-two.md's table is
 * `INSTANCE_ARGUMENTS` itself (a test keeps the two equal).
 */
import type * as tencentcloud from "@pulumi/tencentcloud";

/** What a change does to a running resource, from harmless to destructive. */
export type ChangeKind = "update" | "restart" | "reset" | "replace";

/** What changing one argument of `tencentcloud_instance` does to a running server, and where the provider says so. */
export interface InstanceArgumentEffect {
    effect: ChangeKind;
    /** The line of `tencentcloud/services/cvm/resource_tc_instance.go` (v1.83.25) that decides it. */
    line: number;
    /** What the provider does, in a few words. */
    how: string;
    /**
     * Tencent refuses the call on a RUNNING instance (`UnsupportedOperation.InstanceStateRunning`)
     * unless one of these inputs is true; the provider sends them as they are (`force_stop` unset = false).
     */
    refusedWhileRunningUnless?: (keyof tencentcloud.InstanceArgs)[];
}

const replace = (line: number, how = "`ForceNew`: a new server"): InstanceArgumentEffect => ({
    effect: "replace",
    line,
    how,
});
const update = (line: number, how: string): InstanceArgumentEffect => ({ effect: "update", line, how });
const NO_CALL = "no API call of its own (the new value is only recorded)";

/**
 * Every argument of `tencentcloud_instance` (typed by the SDK's `InstanceArgs`, so an argument
 * missing here or unknown to the SDK does not compile) and its day-two effect. Schema lines for
 * `ForceNew`, `resourceTencentCloudInstanceUpdate` lines for the rest.
 */
export const INSTANCE_ARGUMENTS: Record<keyof tencentcloud.InstanceArgs, InstanceArgumentEffect> = {
    imageId: { effect: "reset", line: 2138, how: "ResetInstance: the system disk is reinstalled" },
    availabilityZone: replace(56),
    dedicatedClusterId: replace(63),
    dedicatedResourcePackTenancy: replace(69),
    dedicatedResourcePackIds: replace(75),
    instanceName: update(2074, "ModifyInstancesAttribute (name)"),
    instanceType: { effect: "restart", line: 2421, how: "ResetInstancesType: shut down, resized, started again" },
    hostname: {
        effect: "restart",
        line: 2081,
        how: 'ModifyInstancesAttribute: "the instance restarts at once" (API doc)',
    },
    projectId: update(2128, "ModifyInstancesProject"),
    runningFlag: { effect: "restart", line: 2348, how: "StopInstances / StartInstances: stops or starts the server" },
    stopType: update(114, `${NO_CALL}; how runningFlag stops the server`),
    stoppedMode: update(124, `${NO_CALL}; billing while runningFlag keeps it stopped`),
    disasterRecoverGroupIds: update(2536, "ModifyInstancesDisasterRecoverGroup"),
    placementGroupId: update(2536, "ModifyInstancesDisasterRecoverGroup"),
    forceReplacePlacementGroupId: update(2536, "ModifyInstancesDisasterRecoverGroup"),
    partitionNumber: update(2536, "ModifyInstancesDisasterRecoverGroup"),
    instanceChargeType: update(1999, "ModifyInstancesChargeType (billing)"),
    instanceChargeTypePrepaidPeriod: update(2035, "ModifyInstancesChargeType (billing)"),
    instanceChargeTypePrepaidRenewFlag: update(2058, "ModifyInstancesRenewFlag (billing)"),
    spotInstanceType: update(181, NO_CALL),
    spotMaxPrice: replace(190),
    cdhInstanceType: { effect: "restart", line: 2433, how: "ResetInstancesType: shut down, resized, started again" },
    cdhHostId: replace(204),
    internetChargeType: update(209, `${NO_CALL}; sent with a bandwidth change`),
    bandwidthPackageId: update(223, NO_CALL),
    internetMaxBandwidthOut: update(2492, "ResetInstancesInternetMaxBandwidth"),
    allocatePublicIp: replace(238),
    ipv4AddressType: replace(244),
    ipv6AddressType: replace(252),
    ipv6AddressCount: replace(260),
    antiDdosPackageId: replace(267),
    vpcId: {
        effect: "restart",
        line: 2445,
        how: 'ModifyInstancesVpcAttribute: "shuts the instance down and starts it again" (API doc)',
    },
    subnetId: {
        effect: "restart",
        line: 2445,
        how: 'ModifyInstancesVpcAttribute: "shuts the instance down and starts it again" (API doc)',
    },
    privateIp: {
        effect: "restart",
        line: 2445,
        how: 'ModifyInstancesVpcAttribute: "shuts the instance down and starts it again" (API doc)',
    },
    securityGroups: update(2102, "ModifyInstancesAttribute (security groups)"),
    orderlySecurityGroups: update(2115, "ModifyInstancesAttribute (security groups)"),
    systemDiskType: {
        effect: "restart",
        line: 2355,
        how: "ResizeInstanceDisks, which a running instance refuses unless ForceStop or ResizeOnline is true (API doc)",
        refusedWhileRunningUnless: ["forceStop", "systemDiskResizeOnline"],
    },
    systemDiskSize: {
        effect: "restart",
        line: 2355,
        how: "ResizeInstanceDisks, which a running instance refuses unless ForceStop or ResizeOnline is true (API doc)",
        refusedWhileRunningUnless: ["forceStop", "systemDiskResizeOnline"],
    },
    systemDiskId: update(323, NO_CALL),
    systemDiskName: update(2407, "ModifyDiskAttributes"),
    systemDiskEncrypt: replace(338),
    systemDiskKmsKeyId: replace(345),
    systemDiskResizeOnline: update(349, `${NO_CALL}; sent with a system disk change`),
    dataDisks: {
        effect: "replace",
        line: 358,
        how: "`ForceNew` list: adding or removing a disk (the list's count), or changing a disk's type, snapshot, encryption, KMS key, throughput or deleteWithInstance*, is a new server; a disk's size or name alone is changed in place (ResizeDisk, ModifyDiskAttributes, line 2313)",
    },
    disableSecurityService: { effect: "reset", line: 2139, how: "ResetInstance: the system disk is reinstalled" },
    disableMonitorService: { effect: "reset", line: 2140, how: "ResetInstance: the system disk is reinstalled" },
    disableAutomationService: { effect: "reset", line: 2141, how: "ResetInstance: the system disk is reinstalled" },
    keyName: {
        effect: "restart",
        line: 2247,
        how: "AssociateInstancesKeyPairs: Linux only; a running instance only with ForceStop (API doc)",
        refusedWhileRunningUnless: ["forceStop"],
    },
    keyIds: {
        effect: "restart",
        line: 2278,
        how: "AssociateInstancesKeyPairs: Linux only; a running instance only with ForceStop (API doc)",
        refusedWhileRunningUnless: ["forceStop"],
    },
    password: {
        effect: "restart",
        line: 2235,
        how: "ResetInstancesPassword with ForceStop = force_stop (unset: false); a running instance only with ForceStop true (API doc)",
        refusedWhileRunningUnless: ["forceStop"],
    },
    keepImageLogin: { effect: "reset", line: 2142, how: "ResetInstance: the system disk is reinstalled" },
    userData: update(
        2510,
        "ModifyInstancesAttribute: stored only (user data runs at first boot); a new server with userDataReplaceOnChange (`ForceNewIf`, line 649)",
    ),
    userDataRaw: update(
        2522,
        "ModifyInstancesAttribute: stored only (user data runs at first boot); a new server with userDataReplaceOnChange (`ForceNewIf`, line 653)",
    ),
    userDataReplaceOnChange: update(500, NO_CALL),
    tags: update(2455, "ModifyResourceTags (instance and its disks)"),
    forceDelete: update(512, `${NO_CALL}; read when the server is deleted`),
    forceStop: update(518, `${NO_CALL}; makes later stops forced`),
    disableApiTermination: update(2088, "ModifyInstancesAttribute (termination protection)"),
    camRoleName: update(2095, "ModifyInstancesAttribute (CAM role)"),
    hpcClusterId: replace(541),
    cpuTopology: replace(548),
    launchTemplateId: replace(574),
    launchTemplateVersion: replace(580),
    releaseAddress: update(583, `${NO_CALL}; read when the server is deleted`),
};

/** Fields of a `data_disks` element whose change is a new server (their own `ForceNew`, schema lines 365-423). */
const DATA_DISK_FORCE_NEW = [
    "dataDiskType",
    "dataDiskSnapshotId",
    "deleteWithInstance",
    "deleteWithInstancePrepaid",
    "kmsKeyId",
    "encrypt",
    "throughputPerformance",
];

/** True when a data disk list change is more than a size or name change of the same disks. */
function dataDisksReplace(before: unknown, after: unknown): boolean {
    const a = Array.isArray(before) ? before : [];
    const b = Array.isArray(after) ? after : [];
    return (
        a.length !== b.length ||
        a.some((disk, i) => DATA_DISK_FORCE_NEW.some((f) => JSON.stringify(disk?.[f]) !== JSON.stringify(b[i]?.[f])))
    );
}

/** What changing one instance argument does, given its old and new values. */
function instanceArgumentKind(
    field: string,
    before: Record<string, unknown>,
    inputs: Record<string, unknown>,
): ChangeKind {
    if (field === "dataDisks") {
        return dataDisksReplace(before.dataDisks, inputs.dataDisks) ? "replace" : "update";
    }
    // user_data / user_data_raw: customdiff.ForceNewIf(user_data_replace_on_change).
    if ((field === "userData" || field === "userDataRaw") && inputs.userDataReplaceOnChange === true) {
        return "replace";
    }
    return INSTANCE_ARGUMENTS[field as keyof tencentcloud.InstanceArgs]?.effect ?? "update";
}

const SEVERITY: ChangeKind[] = ["update", "restart", "reset", "replace"];

/**
 * What changing `changed` does to a resource of `type`. `inputs` are the new inputs, `before` the
 * stack's; `replaceOnChanges` is the registration's own resource option.
 */
export function changeKind(
    type: string,
    changed: string[],
    inputs: Record<string, unknown>,
    before: Record<string, unknown>,
    replaceOnChanges: string[],
): ChangeKind {
    if (changed.some((field) => replaceOnChanges.includes(field) || replaceOnChanges.includes("*"))) {
        return "replace";
    }
    switch (type) {
        case "tencentcloud:index/instance:Instance":
            return changed
                .map((f) => instanceArgumentKind(f, before, inputs))
                .reduce(
                    (worst, k) => (SEVERITY.indexOf(k) > SEVERITY.indexOf(worst) ? k : worst),
                    "update" as ChangeKind,
                );
        // Every argument of tencentcloud_tat_invocation_invoke_attachment is ForceNew (there is no Update):
        // a changed attachment is a new invocation, which runs the command again.
        case "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment":
            return "replace";
        // @pulumi/command 1.x: a change of `triggers` replaces the resource; without an `update`
        // command, a change of the other inputs runs `create` again. Either way the command re-runs.
        case "command:remote:Command":
        case "command:remote:CopyToRemote":
            return "replace";
        // tencentcloud_tat_command and tencentcloud_tat_invoker: nothing is ForceNew (ModifyCommand, ModifyInvoker).
        default:
            return "update";
    }
}

/**
 * The error Tencent answers when an in-place update of an instance in `status` changes an argument
 * that a running instance refuses (see `refusedWhileRunningUnless`), or undefined.
 */
export function instanceUpdateRefusal(
    changed: string[],
    inputs: Record<string, unknown>,
    status: string,
): string | undefined {
    if (status !== "RUNNING") {
        return undefined;
    }
    for (const field of changed) {
        const unless = INSTANCE_ARGUMENTS[field as keyof tencentcloud.InstanceArgs]?.refusedWhileRunningUnless;
        if (unless !== undefined && !unless.some((f) => inputs[f] === true)) {
            return (
                `[TencentCloudSDKError] Code=UnsupportedOperation.InstanceStateRunning, Message=changing ${field} needs the instance stopped ` +
                `(or ${unless.join(" or ")} set to true)`
            );
        }
    }
    return undefined;
}

/** The provider source `INSTANCE_ARGUMENTS` cites. */
const INSTANCE_SOURCE =
    "https://github.com/tencentcloudstack/terraform-provider-tencentcloud/blob/v1.83.25/tencentcloud/services/cvm/resource_tc_instance.go";

const EFFECT_WORDS: Record<ChangeKind, string> = {
    update: "in place",
    restart: "**restart**",
    reset: "**reset** (reinstall)",
    replace: "**replace**",
};

/**
 * The day-two table (docs/day-two.md) of `tencentcloud_instance`
 * arguments: one Markdown row per argument, in the provider's order.
 */
export function instanceArgumentRows(): string[] {
    return Object.entries(INSTANCE_ARGUMENTS).map(([name, a]) => {
        const refused = a.refusedWhileRunningUnless
            ? `; **fails** on a running server unless ${a.refusedWhileRunningUnless.map((f) => `\`${f}\``).join(" or ")} is true`
            : "";
        return `| \`${name}\` | ${EFFECT_WORDS[a.effect]}${refused} | ${a.how} | [L${a.line}](${INSTANCE_SOURCE}#L${a.line}) |`;
    });
}
