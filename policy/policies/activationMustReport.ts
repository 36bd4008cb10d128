/**
 * Policy `activation-must-report`: an `ActivatedWindowsServer` whose activation reports nothing to
 * the deployment (user data delivery without `verifyWithTat`) is flagged, advisory by default.
 *
 * A stack policy: it reads what each component **registered as outputs** (the props a stack
 * validation sees), not its inputs. A Node.js program with `PULUMI_NODEJS_SKIP_COMPONENT_INPUTS` set
 * registers components with no inputs (`@pulumi/pulumi` resource.js, `ComponentResource`); their
 * registered outputs still say how they deliver.
 *
 * Contract with the component: `tencentcloud-windows:index:ActivatedWindowsServer` registers the
 * outputs `delivery` ("userData" | "tat" | "ssh"), `verifyWithTat` (boolean) and `keepActivated`
 * (boolean). A component whose props do not say its delivery is unknown, never a violation.
 */
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, read } from "./values";
import { COMPONENT_TYPE } from "./windowsThroughComponent";

/** Name of the policy. */
export const ACTIVATION_MUST_REPORT = "activation-must-report";

/** The component's delivery that reports nothing by itself. */
export const FIRST_BOOT_DELIVERY = "userData";

/**
 * True when the component's props say its activation reports nothing back: `delivery` is
 * "userData" and `verifyWithTat` is not `true`. An absent or unknown `delivery`, or an unknown
 * `verifyWithTat` (preview), is never a violation.
 */
export function reportsNothing(props: unknown): boolean {
    const delivery = read(props, "delivery");
    const verifyWithTat = read(props, "verifyWithTat");
    if (delivery === UNKNOWN || delivery === undefined || verifyWithTat === UNKNOWN) {
        return false;
    }
    return delivery === FIRST_BOOT_DELIVERY && verifyWithTat !== true;
}

/** Stack validation: reports each ActivatedWindowsServer that delivers by user data without verifyWithTat. */
export function validateActivationMustReport(args: StackValidationArgs, reportViolation: ReportViolation): void {
    for (const resource of args.resources) {
        if (resource.type !== COMPONENT_TYPE || !reportsNothing(resource.props)) {
            continue;
        }
        reportViolation(
            `ActivatedWindowsServer "${resource.name}" activates Windows through first-boot user data without verifyWithTat, ` +
                "so `pulumi up` ends before activation runs and nothing tells the deployment whether it worked (activationStatus stays PendingFirstBoot). " +
                'Set activation.verifyWithTat: true (a read-only TAT check reports the result), or activation.delivery: "tat" (or "ssh").',
            resource.urn,
        );
    }
}

/** The policy as the pack declares it. */
export const activationMustReportPolicy: StackValidationPolicy = {
    name: ACTIVATION_MUST_REPORT,
    description:
        "ActivatedWindowsServer should report its activation result to the deployment: user data delivery needs verifyWithTat, or use TAT/SSH delivery.",
    enforcementLevel: "advisory",
    validateStack: validateActivationMustReport,
};
