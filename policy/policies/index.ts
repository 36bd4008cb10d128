/**
 * The pack's policies, in the order the pack declares them. `../index.ts` hands this list to
 * `new PolicyPack(...)`; tests read it here, because constructing a PolicyPack starts the
 * analyzer's gRPC server.
 */
import { Policies } from "@pulumi/policy";
import { activationMustReportPolicy } from "./activationMustReport";
import { keepAutomationAgentPolicy } from "./keepAutomationAgent";
import { noSshFromAnywherePolicy } from "./noSshFromAnywhere";
import { windowsThroughComponentPolicy } from "./windowsThroughComponent";

/** Name of the policy pack (what `pulumi policy publish` publishes it as). */
export const POLICY_PACK_NAME = "tencentcloud-windows-policies";

/** Every policy of the pack. */
export const policies: Policies = [
    windowsThroughComponentPolicy,
    noSshFromAnywherePolicy,
    keepAutomationAgentPolicy,
    activationMustReportPolicy,
];
