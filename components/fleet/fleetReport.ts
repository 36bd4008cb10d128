/**
 * WindowsActivation's report: one entry per instance (from the activation's result line, or the
 * audit's diagnosis line), the fleet's summary, and the message that fails `pulumi up` naming every
 * instance whose activation failed, each with its root cause and fix.
 */
import { ActivationReport, ActivationStatus, activationFailureMessage, readActivationOutput } from "../activation/report";
import { ActivationDiagnosis, ActivationResult, ActivationResultError, decodeTatOutput, parseDiagnosisOutput } from "../activation/result";
import { ROOT_CAUSES, RootCauseName } from "../activation/rootCauses";
import { ACTIVATION_LOG_PATH } from "../activation/script";

/** What WindowsActivation found on one instance. */
export interface InstanceActivation {
    /** `Licensed`, `Failed` (activation failed, or the audit found Windows not licensed) or `Unknown` (not running, or no record). */
    status: ActivationStatus;
    /** The root cause of a failure (`none` when licensed, `unknown` when not known); see docs/script.md's root causes. */
    rootCause: string;
    /** What to do about it, in one sentence. */
    fix: string;
    /** Why the status is Unknown or the output could not be read, when it could not. */
    error?: string;
    /** Mode `activate`: the script's parsed result line. */
    result?: ActivationResult;
    /** Mode `audit`: the parsed diagnosis line. */
    diagnosis?: ActivationDiagnosis;
}

/** One instance that failed, for the summary. */
export interface FleetFailure {
    /** The instance ID. */
    instanceId: string;
    /** Its root cause. */
    rootCause: string;
    /** The whole finding: status, error code, root cause, meaning and fix. */
    message: string;
}

/** The fleet at a glance. */
export interface FleetSummary {
    /** Instances whose Windows is licensed. */
    licensed: number;
    /** Instances whose activation failed (audit: whose Windows is not licensed). */
    failed: number;
    /** Instances whose state is not known (not running, or TAT has no record). */
    unknown: number;
    /** Every failed instance, with its root cause. */
    failures: FleetFailure[];
}

const causeFix = (cause: string) => ROOT_CAUSES[cause as RootCauseName]?.fix ?? ROOT_CAUSES.unknown.fix;

/** An instance that is not running: nothing was run on it. */
export function notRunning(state: string): InstanceActivation {
    return {
        status: "Unknown",
        rootCause: "unknown",
        fix: "Start the instance, then run `pulumi up` again (the component never starts a server).",
        error: `the instance is ${state}, not RUNNING: TAT cannot run commands on it`,
    };
}

/** Reads an activation run's TAT output (base64; undefined when TAT has no record). */
export function readActivation(output: string | undefined): InstanceActivation {
    const report: ActivationReport = readActivationOutput(output, "base64");
    const cause = report.result?.rootCause ?? "unknown";
    return { status: report.status, rootCause: cause, fix: causeFix(cause), error: report.error, result: report.result };
}

/** Reads an audit's TAT output (base64 of the `/diagnose` line; undefined when TAT has no record). */
export function readAudit(output: string | undefined): InstanceActivation {
    if (output === undefined) {
        return { status: "Unknown", rootCause: "unknown", fix: causeFix("unknown"), error: "no invocation record was found" };
    }
    try {
        const diagnosis = parseDiagnosisOutput(decodeTatOutput(output));
        return { status: diagnosis.licenseStatus === 1 ? "Licensed" : "Failed", rootCause: diagnosis.rootCause, fix: diagnosis.rootCauseFix, diagnosis };
    } catch (e) {
        if (e instanceof ActivationResultError) {
            return { status: "Failed", rootCause: "unknown", fix: causeFix("unknown"), error: e.message };
        }
        throw e;
    }
}

/** One failed instance's finding, in one paragraph. */
function failureMessage(instanceId: string, a: InstanceActivation): string {
    if (a.diagnosis === undefined) {
        return activationFailureMessage(instanceId, { status: a.status, result: a.result, error: a.error });
    }
    const d = a.diagnosis;
    const cause = `Root cause: ${d.rootCause}: ${ROOT_CAUSES[d.rootCause as RootCauseName].meaning}. Fix: ${d.rootCauseFix}`;
    return `Windows on instance '${instanceId}' is not licensed (LicenseStatus ${d.licenseStatus}, Windows Server ${d.osVersion} ${d.edition}). ${cause} See ${ACTIVATION_LOG_PATH} on the server.`;
}

/** Counts the fleet's statuses and lists every failed instance, in the order given. */
export function summarise(results: { [instanceId: string]: InstanceActivation }): FleetSummary {
    const entries = Object.entries(results);
    const count = (s: ActivationStatus) => entries.filter(([, a]) => a.status === s).length;
    return {
        licensed: count("Licensed"),
        failed: count("Failed"),
        unknown: count("Unknown"),
        failures: entries.filter(([, a]) => a.status === "Failed").map(([instanceId, a]) => ({ instanceId, rootCause: a.rootCause, message: failureMessage(instanceId, a) })),
    };
}

/** The message that fails `pulumi up` when activation failed on some instances: every one of them, with its root cause and fix. */
export function fleetFailureMessage(componentName: string, summary: FleetSummary): string {
    const total = summary.licensed + summary.failed + summary.unknown;
    return (
        `Windows activation failed on ${summary.failed} of ${total} instances of WindowsActivation '${componentName}' ` +
        `(${summary.licensed} licensed, ${summary.unknown} unknown):\n` +
        summary.failures.map((f) => `- ${f.message}`).join("\n")
    );
}
