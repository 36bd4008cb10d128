/**
 * Policy `activation-must-report`: an `ActivatedWindowsServer` whose activation reports nothing to
 * the deployment (user data delivery without `verifyWithTat`) is flagged, advisory by default.
 *
 * Contract with the component: its resource `tencentcloud-windows:index:ActivatedWindowsServer`
 * carries the props (inputs, and the same registered outputs) `delivery` ("userData" | "tat" |
 * "ssh"; absent means "userData"), `verifyWithTat` (boolean) and `keepActivated` (boolean).
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, read } from "./values";
import { COMPONENT_TYPE } from "./windowsThroughComponent";

/** Name of the policy. */
export const ACTIVATION_MUST_REPORT = "activation-must-report";

/** The component's default delivery. */
export const DEFAULT_DELIVERY = "userData";

/**
 * True when the component's props say its activation reports nothing back: `delivery` is
 * "userData" (or absent, its default) and `verifyWithTat` is not `true`. An unknown `delivery` or
 * `verifyWithTat` (preview) is never a violation.
 */
export function reportsNothing(props: unknown): boolean {
    const delivery = read(props, "delivery");
    const verifyWithTat = read(props, "verifyWithTat");
    if (delivery === UNKNOWN || verifyWithTat === UNKNOWN) {
        return false;
    }
    return (delivery ?? DEFAULT_DELIVERY) === DEFAULT_DELIVERY && verifyWithTat !== true;
}

/** Resource validation: reports an ActivatedWindowsServer that delivers by user data without verifyWithTat. */
export function validateActivationMustReport(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (args.type !== COMPONENT_TYPE || !reportsNothing(args.props)) {
        return;
    }
    reportViolation(
        `ActivatedWindowsServer "${args.name}" activates Windows through first-boot user data without verifyWithTat, ` +
            "so `pulumi up` ends before activation runs and nothing tells the deployment whether it worked (activationStatus stays PendingFirstBoot). " +
            'Set activation.verifyWithTat: true (a read-only TAT check reports the result), or activation.delivery: "tat" (or "ssh").',
    );
}

/** The policy as the pack declares it. */
export const activationMustReportPolicy: ResourceValidationPolicy = {
    name: ACTIVATION_MUST_REPORT,
    description:
        "ActivatedWindowsServer should report its activation result to the deployment: user data delivery needs verifyWithTat, or use TAT/SSH delivery.",
    enforcementLevel: "advisory",
    validateResource: validateActivationMustReport,
};
