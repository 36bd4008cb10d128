/**
 * Policy `keep-automation-agent`: no Windows CVM turns off the TAT agent
 * (`disableAutomationService: true`).
 *
 * A stack policy, like `windows-cvm-through-component`, because deciding "Windows" needs `osName`,
 * an output: the inputs a resource policy sees never carry it.
 */
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { read } from "./values";
import {
    INSTANCE_TYPE,
    WINDOWS_DETECTION_CONFIG_SCHEMA,
    WindowsDetectionConfig,
    classifyInstance,
    windowsDetection,
} from "./windows";

/** Name of the policy. */
export const KEEP_AUTOMATION_AGENT = "keep-automation-agent";

/**
 * Stack validation: reports each Windows Instance whose
 * `disableAutomationService` is `true` (an unknown value is not reported).
 */
export function validateKeepAutomationAgent(args: StackValidationArgs, reportViolation: ReportViolation): void {
    const detection = windowsDetection(args.getConfig<WindowsDetectionConfig>());
    for (const resource of args.resources) {
        if (resource.type !== INSTANCE_TYPE || read(resource.props, "disableAutomationService") !== true) {
            continue;
        }
        const verdict = classifyInstance(resource.props, detection);
        if (!verdict.windows) {
            continue;
        }
        reportViolation(
            `Windows CVM "${resource.name}" (${verdict.reason}) sets disableAutomationService: true, which turns off the TAT agent ` +
                "that ActivatedWindowsServer's TAT delivery, verifyWithTat and keepActivated need (and turning it back on later resets the server). " +
                "Remove disableAutomationService or set it to false.",
            resource.urn,
        );
    }
}

/** The policy as the pack declares it. */
export const keepAutomationAgentPolicy: StackValidationPolicy = {
    name: KEEP_AUTOMATION_AGENT,
    description: "Windows CVMs must keep the TAT automation agent (disableAutomationService must not be true).",
    enforcementLevel: "mandatory",
    configSchema: WINDOWS_DETECTION_CONFIG_SCHEMA,
    validateStack: validateKeepAutomationAgent,
};
