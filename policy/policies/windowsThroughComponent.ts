/**
 * Policy `windows-cvm-through-component`: every Windows CVM is created by (is a descendant of) an
 * `ActivatedWindowsServer` component, so something activates it against Tencent's KMS.
 */
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import {
    INSTANCE_TYPE,
    WINDOWS_DETECTION_CONFIG_SCHEMA,
    WindowsDetectionConfig,
    classifyInstance,
    windowsDetection,
} from "./windows";

/** Type token of the component (`<package name>:index:<class name>`). */
export const COMPONENT_TYPE = "tencentcloud-windows:index:ActivatedWindowsServer";

/** Name of the policy. */
export const WINDOWS_THROUGH_COMPONENT = "windows-cvm-through-component";

/** The part of a stack resource this policy reads: its type, and its parent chain. */
export type ResourceInChain = Pick<PolicyResource, "type"> & { parent?: ResourceInChain };

/** True when some ancestor of `resource` (its parent, the parent's parent, ...) is an ActivatedWindowsServer. */
export function hasComponentAncestor(resource: ResourceInChain): boolean {
    const seen = new Set<ResourceInChain>();
    for (let p = resource.parent; p !== undefined && !seen.has(p); p = p.parent) {
        if (p.type === COMPONENT_TYPE) {
            return true;
        }
        seen.add(p);
    }
    return false;
}

/** Stack validation: reports each Windows Instance that has no ActivatedWindowsServer among its ancestors. */
export function validateWindowsThroughComponent(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const detection = windowsDetection(args.getConfig<WindowsDetectionConfig>());
    for (const resource of args.resources) {
        if (resource.type !== INSTANCE_TYPE) {
            continue;
        }
        const verdict = classifyInstance(resource.props, detection);
        if (!verdict.windows || hasComponentAncestor(resource)) {
            continue;
        }
        reportViolation(
            `CVM "${resource.name}" runs Windows (${verdict.reason}) but is not created by an ActivatedWindowsServer, ` +
                "so nothing syncs its clock and activates Windows against Tencent's KMS. " +
                'Replace this tencentcloud.Instance with `new ActivatedWindowsServer(name, {...})` from "tencentcloud-windows". ' +
                "If it is not a Windows server, fix windowsImageIds / windowsImageNamePattern in this policy's config.",
            resource.urn,
        );
    }
}

/** The policy as the pack declares it. */
export const windowsThroughComponentPolicy: StackValidationPolicy = {
    name: WINDOWS_THROUGH_COMPONENT,
    description:
        "Windows CVMs (tencentcloud:index/instance:Instance) must be created through the ActivatedWindowsServer component, which activates them against Tencent's KMS.",
    enforcementLevel: "mandatory",
    configSchema: WINDOWS_DETECTION_CONFIG_SCHEMA,
    validateStack: validateWindowsThroughComponent,
};
