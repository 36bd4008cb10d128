/**
 * The Tencent Cloud API actions the components call through the tencentcloud provider, per feature,
 * and the CAM policy that allows exactly those. Every call is read in the provider's source at the
 * version the SDK in `sdks/tencentcloud` is generated from (terraform-provider-tencentcloud v1.83.25,
 * `tencentcloud/services/<file>`), named by the function that makes it. docs/permissions.md prints the
 * policies; test/permissions.test.ts keeps this table equal to what components/ uses.
 */
import type { OWNED_INSTANCE_ARGS } from "./serverArgs";

/**
 * A CAM action: the service's name in CAM and the API. CBS disk and snapshot APIs are named `cvm:` in
 * CAM (Tencent's CBS "Authorization Policy Syntax": "For CBS, use the APIs prefixed with name/cvm:").
 */
type CamAction = `${"cvm" | "tag" | "tat" | "vpc"}:${string}`;

/** One API call the provider makes: its CAM action, and the provider's function that makes it. */
export interface ProviderCall {
    action: CamAction;
    /** The file under `tencentcloud/services/` of terraform-provider-tencentcloud v1.83.25. */
    file: string;
    /** The function in that file that calls the API. */
    fn: string;
    /** When the call is made, where not on every run of its step. */
    when?: string;
}

/** What one provider resource (create, read, update, delete) or data source (read) calls. */
interface ProviderEntry {
    /** The Terraform resource or data source; none for `@pulumi/command`, which calls no cloud API. */
    terraform?: string;
    create: ProviderCall[];
    read: ProviderCall[];
    update: ProviderCall[];
    delete: ProviderCall[];
}

const at = (action: CamAction, file: string, fn: string, when?: string): ProviderCall => ({ action, file, fn, when });

const CVM_SERVICE = "cvm/service_tencentcloud_cvm.go";
const INSTANCE_FILE = "cvm/resource_tc_instance.go";
const TAG_SERVICE = "tag/service_tencentcloud_tag.go";
const TAT_SERVICE = "tat/service_tencentcloud_tat.go";
const VPC_SERVICE = "vpc/service_tencentcloud_vpc.go";
const ATTACHMENT_FILE = "tat/resource_tc_tat_invocation_invoke_attachment.go";
const CBS_SERVICE = "cbs/service_tencentcloud_cbs.go";
const COMMAND_FILE = "tat/resource_tc_tat_command.go";

const describeInstance = at("cvm:DescribeInstances", CVM_SERVICE, "DescribeInstanceById");
const modifyVpc = at("cvm:ModifyInstancesVpcAttribute", CVM_SERVICE, "ModifyVpc");
const resizeDisks = at("cvm:ResizeInstanceDisks", CVM_SERVICE, "ResizeInstanceDisks");
const describeTags = (when?: string) =>
    at("tag:DescribeResourceTagsByResourceIds", TAG_SERVICE, "DescribeResourceTags", when);
const modifyAttribute = (fn: string) => at("cvm:ModifyInstancesAttribute", CVM_SERVICE, fn);

/** The Instance arguments the component sets itself (`OWNED_INSTANCE_ARGS`). */
type OwnedInstanceArg = (typeof OWNED_INSTANCE_ARGS)[number];

/**
 * Why a later change of an argument the component sets makes no update call: `replace` (`ForceNew`, or
 * the component's `replaceOnChanges`: a new server, Create and Delete), `ignored` (in the instance's
 * `ignoreChanges` unless an option replaces the server instead), `unset` (the component never sets it),
 * `constant` (always the same value), `recorded` (the provider only records the new value).
 */
type NoUpdateCall = "replace" | "ignored" | "unset" | "constant" | "recorded";

/**
 * What a later change of each argument the component sets makes the provider call in
 * `resourceTencentCloudInstanceUpdate` (the arguments of `instanceSettings` are the user's: docs/day-two.md).
 */
export const OWNED_ARGUMENT_UPDATES: Record<OwnedInstanceArg, ProviderCall | NoUpdateCall> = {
    imageId: "ignored",
    availabilityZone: "replace",
    instanceType: at("cvm:ResetInstancesType", CVM_SERVICE, "ModifyInstanceType"),
    instanceName: modifyAttribute("ModifyInstanceName"),
    hostname: modifyAttribute("ModifyHostName"),
    password: at("cvm:ResetInstancesPassword", CVM_SERVICE, "ModifyPassword"),
    keepImageLogin: "unset",
    keyIds: "unset",
    keyName: "unset",
    userData: "unset",
    userDataRaw: "ignored",
    userDataReplaceOnChange: "recorded",
    vpcId: modifyVpc,
    subnetId: modifyVpc,
    orderlySecurityGroups: modifyAttribute("ModifySecurityGroups"),
    securityGroups: "unset",
    allocatePublicIp: "replace",
    internetMaxBandwidthOut: at("cvm:ResetInstancesInternetMaxBandwidth", CVM_SERVICE, "ModifyInternetMaxBandwidthOut"),
    internetChargeType: "recorded",
    systemDiskType: resizeDisks,
    systemDiskSize: resizeDisks,
    tags: at("tag:ModifyResourceTags", TAG_SERVICE, "ModifyTags"),
    projectId: at("cvm:ModifyInstancesProject", CVM_SERVICE, "ModifyProjectId"),
    instanceChargeType: at("cvm:ModifyInstancesChargeType", CVM_SERVICE, "ModifyInstanceChargeType"),
    disableAutomationService: "constant",
};

/** The update calls of {@link OWNED_ARGUMENT_UPDATES}, each once, saying which arguments' change makes it. */
function argumentUpdateCalls(): ProviderCall[] {
    const args = new Map<ProviderCall, string[]>();
    for (const [arg, update] of Object.entries(OWNED_ARGUMENT_UPDATES)) {
        if (typeof update !== "string") {
            args.set(update, [...(args.get(update) ?? []), `\`${arg}\``]);
        }
    }
    return [...args].map(([call, names]) => ({ ...call, when: `${names.join(" or ")} changed` }));
}

/**
 * Every provider resource and data source components/ uses, by its name in the SDK (`new tencentcloud.X`,
 * `tencentcloud.getX`) or in `@pulumi/command` (`new local.Command`), and what each calls.
 */
export const PROVIDER_CALLS = {
    Instance: {
        terraform: "tencentcloud_instance",
        create: [
            at("cvm:RunInstances", INSTANCE_FILE, "resourceTencentCloudInstanceCreate"),
            describeInstance,
            describeTags("tags set: waits until they are attached"),
        ],
        read: [
            describeInstance,
            at("cvm:DescribeImages", INSTANCE_FILE, "resourceTencentCloudInstanceRead"),
            describeTags(),
            at("cvm:DescribeDisks", CBS_SERVICE, "DescribeDiskList", "cloud disks: the system disk's name"),
            at("cvm:DescribeInstancesAttributes", INSTANCE_FILE, "resourceTencentCloudInstanceRead"),
        ],
        update: [describeInstance, ...argumentUpdateCalls()],
        delete: [
            at("cvm:TerminateInstances", CVM_SERVICE, "DeleteInstance"),
            describeInstance,
            at(
                "vpc:DescribeUsedIpAddress",
                VPC_SERVICE,
                "DescribeVpcUsedIpAddressByFilter",
                "waits until the private IP is released",
            ),
        ],
    },
    getImages: {
        terraform: "tencentcloud_images",
        create: [],
        read: [
            at("cvm:DescribeImages", CVM_SERVICE, "DescribeImagesByFilter"),
            at("cvm:DescribeSnapshots", CBS_SERVICE, "DescribeSnapshotByIds", "an image that lists snapshots"),
        ],
        update: [],
        delete: [],
    },
    getInstances: {
        terraform: "tencentcloud_instances",
        create: [],
        read: [at("cvm:DescribeInstances", CVM_SERVICE, "DescribeInstanceByFilter")],
        update: [],
        delete: [],
    },
    getTatAgent: {
        terraform: "tencentcloud_tat_agent",
        create: [],
        read: [at("tat:DescribeAutomationAgentStatus", TAT_SERVICE, "DescribeTatAgentByFilter")],
        update: [],
        delete: [],
    },
    TatCommand: {
        terraform: "tencentcloud_tat_command",
        create: [at("tat:CreateCommand", COMMAND_FILE, "resourceTencentCloudTatCommandCreate")],
        read: [at("tat:DescribeCommands", TAT_SERVICE, "DescribeTatCommand")],
        update: [
            at("tat:ModifyCommand", COMMAND_FILE, "resourceTencentCloudTatCommandUpdate", "a new name or description"),
        ],
        delete: [at("tat:DeleteCommand", TAT_SERVICE, "DeleteTatCommandById")],
    },
    TatInvocationInvokeAttachment: {
        terraform: "tencentcloud_tat_invocation_invoke_attachment",
        create: [
            at("tat:InvokeCommand", ATTACHMENT_FILE, "resourceTencentCloudTatInvocationInvokeAttachmentCreate"),
            at("tat:DescribeInvocations", ATTACHMENT_FILE, "resourceTencentCloudTatInvocationInvokeAttachmentCreate"),
        ],
        read: [at("tat:DescribeInvocations", TAT_SERVICE, "DescribeTatInvocationById")],
        // Every argument is ForceNew; the attachment is retainOnDelete, so its Delete never runs.
        update: [],
        delete: [],
    },
    getTatInvocationTask: {
        terraform: "tencentcloud_tat_invocation_task",
        create: [],
        read: [at("tat:DescribeInvocationTasks", TAT_SERVICE, "DescribeTatInvocationTaskByFilter")],
        update: [],
        delete: [],
    },
    TatInvoker: {
        terraform: "tencentcloud_tat_invoker",
        create: [at("tat:CreateInvoker", "tat/resource_tc_tat_invoker.go", "resourceTencentCloudTatInvokerCreate")],
        read: [at("tat:DescribeInvokers", TAT_SERVICE, "DescribeTatInvoker")],
        update: [at("tat:ModifyInvoker", "tat/resource_tc_tat_invoker.go", "resourceTencentCloudTatInvokerUpdate")],
        delete: [at("tat:DeleteInvoker", TAT_SERVICE, "DeleteTatInvokerById")],
    },
    SecurityGroup: {
        terraform: "tencentcloud_security_group",
        create: [at("vpc:CreateSecurityGroup", VPC_SERVICE, "CreateSecurityGroup")],
        read: [at("vpc:DescribeSecurityGroups", VPC_SERVICE, "DescribeSecurityGroup"), describeTags()],
        // Its name is its resource name and its description a constant: a new name is a new group.
        update: [],
        delete: [
            at("vpc:DescribeSecurityGroupAssociationStatistics", VPC_SERVICE, "DescribeSecurityGroupsAssociate"),
            at("vpc:DeleteSecurityGroup", VPC_SERVICE, "DeleteSecurityGroup"),
        ],
    },
    SecurityGroupRuleSet: {
        terraform: "tencentcloud_security_group_rule_set",
        create: [at("vpc:ModifySecurityGroupPolicies", VPC_SERVICE, "ModifySecurityGroupPolicies")],
        read: [at("vpc:DescribeSecurityGroupPolicies", VPC_SERVICE, "DescribeSecurityGroupPolicies")],
        update: [at("vpc:ModifySecurityGroupPolicies", VPC_SERVICE, "ModifySecurityGroupPolicies")],
        delete: [at("vpc:ModifySecurityGroupPolicies", VPC_SERVICE, "ModifySecurityGroupPolicies")],
    },
    "local.Command": { create: [], read: [], update: [], delete: [] },
    "remote.CopyToRemote": { create: [], read: [], update: [], delete: [] },
    "remote.Command": { create: [], read: [], update: [], delete: [] },
} satisfies Record<string, ProviderEntry>;

/** A provider resource or data source components/ uses (a key of {@link PROVIDER_CALLS}). */
export type ProviderName = keyof typeof PROVIDER_CALLS;

/**
 * Provider calls a step makes in some cases that the components never reach, and why: granting them
 * would only widen the policy.
 */
export const LEFT_OUT: { action: CamAction; of: ProviderName; file: string; fn: string; why: string }[] = [
    {
        action: "tat:CancelInvocation",
        of: "TatInvocationInvokeAttachment",
        file: TAT_SERVICE,
        fn: "DeleteTatInvocationById",
        why: "attachments are `retainOnDelete`: Pulumi forgets them, the provider's Delete never runs",
    },
    {
        action: "cvm:ResetInstance",
        of: "Instance",
        file: INSTANCE_FILE,
        fn: "resourceTencentCloudInstanceUpdate",
        why: "`imageId` and the `disable*Service` switches are ignored after creation, or replace the server",
    },
    {
        action: "vpc:ModifySecurityGroupAttribute",
        of: "SecurityGroup",
        file: VPC_SERVICE,
        fn: "ModifySecurityGroup",
        why: "the SSH group's name and description never change in place",
    },
    {
        action: "vpc:DeleteSecurityGroupPolicies",
        of: "SecurityGroupRuleSet",
        file: VPC_SERVICE,
        fn: "DeleteSecurityGroupPolicyByPolicyIndexList",
        why: "only for egress rules someone added to the SSH group by hand (the component sets ingress rules only)",
    },
];

/** The features a deployment can use; each needs the actions of its provider resources and data sources. */
export const CAM_FEATURES = ["server", "tatDelivery", "keepActivated", "sshDelivery", "windowsActivation"] as const;

/**
 * A feature: `server` (ActivatedWindowsServer, every delivery; user data needs nothing more),
 * `tatDelivery` (delivery `tat` or `verifyWithTat`), `keepActivated`, `sshDelivery` (the SSH security
 * group; the SSH commands themselves call no cloud API), `windowsActivation` (both modes: an audit
 * creates a TAT command and invokes it too).
 */
export type CamFeature = (typeof CAM_FEATURES)[number];

/** What each feature registers and invokes. */
export const FEATURE_USES: Record<CamFeature, readonly ProviderName[]> = {
    server: ["Instance", "getImages"],
    tatDelivery: ["TatCommand", "TatInvocationInvokeAttachment", "getTatInvocationTask", "getInstances", "getTatAgent"],
    keepActivated: ["TatCommand", "TatInvoker", "getInstances", "getTatAgent"],
    sshDelivery: ["SecurityGroup", "SecurityGroupRuleSet", "local.Command", "remote.CopyToRemote", "remote.Command"],
    windowsActivation: [
        "getInstances",
        "getImages",
        "getTatAgent",
        "TatCommand",
        "TatInvocationInvokeAttachment",
        "getTatInvocationTask",
    ],
};

/** The CAM actions `features` need: every call of every step of what they use, sorted, each once. */
export function camActions(features: readonly CamFeature[]): CamAction[] {
    const actions = new Set<CamAction>();
    for (const feature of features) {
        const uses = FEATURE_USES[feature];
        if (uses === undefined) {
            throw new Error(`unknown feature '${feature}': one of ${CAM_FEATURES.join(", ")}`);
        }
        for (const name of uses) {
            const entry: ProviderEntry = PROVIDER_CALLS[name];
            for (const call of [...entry.create, ...entry.read, ...entry.update, ...entry.delete]) {
                actions.add(call.action);
            }
        }
    }
    return [...actions].sort();
}

/**
 * The CAM policy (JSON to paste into the CAM console, or a `tencentcloud.CamPolicy` document) that allows
 * exactly what `features` call through the provider, on every resource (`*`: the TAT commands and
 * servers do not exist before the deployment makes them). docs/permissions.md prints each feature's.
 */
export function camPolicy(features: readonly CamFeature[]): string {
    const policy = { version: "2.0", statement: [{ effect: "allow", action: camActions(features), resource: ["*"] }] };
    return JSON.stringify(policy, null, 4);
}
