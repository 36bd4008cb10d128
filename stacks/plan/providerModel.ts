/**
 * What the tencentcloud provider (terraform-provider-tencentcloud v1.83.25, through Pulumi's
 * terraform bridge) does when a resource's arguments change between deployments, for the mock
 * cloud's plans. Each table names its source in the provider; BEHAVIOUR.md beside this file lists
 * them with the rest of the mock cloud's behaviour.
 */

/** What a change does to a running resource, from harmless to destructive. */
export type ChangeKind = "update" | "restart" | "reset" | "replace";

/**
 * `tencentcloud_instance` (tencentcloud/services/cvm/resource_tc_instance.go). `ForceNew` in the
 * schema: the bridge replaces the instance.
 */
const INSTANCE_FORCE_NEW = new Set([
    "availabilityZone",
    "allocatePublicIp",
    "spotMaxPrice",
    "cdhHostId",
    "hpcClusterId",
    "dedicatedClusterId",
    "launchTemplateId",
    "launchTemplateVersion",
    "systemDiskEncrypt",
    "systemDiskKmsKeyId",
    "cpuTopology",
]);

/** Arguments whose change calls ResetInstance in `resourceTencentCloudInstanceUpdate`: the system disk is reinstalled. */
const INSTANCE_RESET = new Set(["imageId", "disableSecurityService", "disableMonitorService", "disableAutomationService", "keepImageLogin"]);

/**
 * Arguments whose in-place update stops or reboots the server: hostname (ModifyInstancesAttribute,
 * reboot), password (ResetInstancesPassword, force_stop), instance type (ResetInstancesType),
 * system disk (ResizeInstanceDisks), VPC, subnet and private IP (ModifyInstancesVpcAttribute
 * "stops and starts the instance"), running_flag.
 */
const INSTANCE_RESTART = new Set(["hostname", "password", "instanceType", "systemDiskSize", "systemDiskType", "vpcId", "subnetId", "privateIp", "runningFlag"]);

/**
 * What changing `changed` does to a resource of `type`. `inputs` are the new inputs; `replaceOnChanges`
 * is the registration's own resource option.
 */
export function changeKind(type: string, changed: string[], inputs: Record<string, unknown>, replaceOnChanges: string[]): ChangeKind {
    if (changed.some((field) => replaceOnChanges.includes(field) || replaceOnChanges.includes("*"))) {
        return "replace";
    }
    switch (type) {
        case "tencentcloud:index/instance:Instance": {
            // user_data / user_data_raw: customdiff.ForceNewIf(user_data_replace_on_change).
            const userData = changed.some((f) => f === "userData" || f === "userDataRaw");
            if (changed.some((f) => INSTANCE_FORCE_NEW.has(f)) || (userData && inputs.userDataReplaceOnChange === true)) {
                return "replace";
            }
            if (changed.some((f) => INSTANCE_RESET.has(f))) {
                return "reset";
            }
            return changed.some((f) => INSTANCE_RESTART.has(f)) ? "restart" : "update";
        }
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
