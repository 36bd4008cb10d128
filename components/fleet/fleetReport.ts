/**
 * WindowsActivation's report: one entry per instance (from the activation's result line, or the
 * audit's diagnosis line), the fleet's summary, and the message that fails `pulumi up` naming every
 * instance whose activation failed, each with its root cause and fix.
 */
import { ActivationReport, NO_RECORD, activationFailureMessage, readActivationOutput } from "../activation/report";
import {
    ActivationDiagnosis,
    ActivationResult,
    ActivationResultError,
    decodeTatOutput,
    parseDiagnosisOutput,
} from "../activation/result";
import { ROOT_CAUSES, RootCauseName } from "../activation/rootCauses";
import { ACTIVATION_LOG_PATH } from "../activation/script";
import { FleetInstance } from "./inspectInstances";

/** An instance's status in the fleet. */
export const FleetStatus = {
    /** Windows is licensed (the script verified LicenseStatus=1, or the audit found it). */
    Licensed: "Licensed",
    /** The activation failed, its output could not be read, or the audit found Windows not licensed. */
    Failed: "Failed",
    /** The script ran, but TAT has no record of it any more: the last result cannot be read. */
    Unknown: "Unknown",
    /** Nothing ran on the instance: `rootCause` says why, `fix` what to do. */
    Skipped: "Skipped",
} as const;
/** An instance's status in the fleet: "Licensed", "Failed", "Unknown" or "Skipped". */
export type FleetStatus = (typeof FleetStatus)[keyof typeof FleetStatus];

/** What Tencent reports about an instance: what it is. */
export interface InstanceFacts {
    /** DescribeInstances' InstanceState ("" when not found). */
    state: string;
    /** The OS name Tencent reports. */
    osName: string;
    imageId: string;
    /** The image's name ("" when the image is no longer listed: retired or deleted). */
    imageName: string;
}

/** What WindowsActivation found on one instance. */
export interface InstanceActivation {
    /**
     * `Licensed`, `Failed` (activation failed, or the audit found Windows not
     * licensed), `Unknown` (TAT has no record) or `Skipped` (nothing ran on it).
     */
    status: FleetStatus;
    /**
     * The root cause of a failure (`none` when licensed, `unknown` when not
     * known; docs/script.md), or why it was skipped (docs/windows-activation.md).
     */
    rootCause: string;
    /** What to do about it, in one sentence. */
    fix: string;
    /** Why the status is Unknown or the output could not be read, when it could not. */
    error?: string;
    /** Mode `activate`: the script's parsed result line. */
    result?: ActivationResult;
    /** Mode `audit`: the parsed diagnosis line. */
    diagnosis?: ActivationDiagnosis;
    /** What Tencent reports about the instance. */
    instance?: InstanceFacts;
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
    /** Instances whose result is not known (TAT has no record). */
    unknown: number;
    /** Instances nothing ran on (not found, not Windows, not a public image, not running, agent offline). */
    skipped: number;
    /** Every failed instance, with its root cause. */
    failures: FleetFailure[];
    /** Every skipped instance: `rootCause` is why, `message` what it is and what to do. */
    skips: FleetFailure[];
    /**
     * The URNs of the invocations whose result is not Licensed (Failed, or Unknown): once the cause is
     * fixed, `pulumi up --replace <urn>` for each runs the script again there and nowhere else.
     */
    runAgain: string[];
}

const causeFix = (cause: string) => ROOT_CAUSES[cause as RootCauseName]?.fix ?? ROOT_CAUSES.unknown.fix;

/** An instance nothing ran on: its verdict from inspectInstances. */
export function skipped(i: FleetInstance): InstanceActivation {
    return { status: "Skipped", rootCause: i.skip!.reason, fix: i.skip!.fix, error: i.skip!.why, instance: facts(i) };
}

/** What Tencent reports about `i`. */
export function facts(i: FleetInstance): InstanceFacts {
    return { state: i.state, osName: i.osName, imageId: i.imageId, imageName: i.imageName };
}

/** Reads an activation run's TAT output (base64; undefined when there is none, `missing` saying why). */
export function readActivation(output: string | undefined, missing = NO_RECORD): InstanceActivation {
    const report: ActivationReport = readActivationOutput(output, "base64", missing);
    const cause = report.result?.rootCause ?? "unknown";
    return {
        status: report.status as FleetStatus,
        rootCause: cause,
        fix: causeFix(cause),
        error: report.error,
        result: report.result,
    };
}

/** Reads an audit's TAT output (base64 of the `/diagnose` line; undefined when there is none, `missing` saying why). */
export function readAudit(output: string | undefined, missing = NO_RECORD): InstanceActivation {
    if (output === undefined) {
        return { status: "Unknown", rootCause: "unknown", fix: causeFix("unknown"), error: missing };
    }
    try {
        const diagnosis = parseDiagnosisOutput(decodeTatOutput(output));
        return {
            status: diagnosis.licenseStatus === 1 ? "Licensed" : "Failed",
            rootCause: diagnosis.rootCause,
            fix: diagnosis.rootCauseFix,
            diagnosis,
        };
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
        return activationFailureMessage(
            instanceId,
            { status: "Failed", result: a.result, error: a.error },
            "run again as said below",
        );
    }
    const d = a.diagnosis;
    const cause = `Root cause: ${d.rootCause}: ${ROOT_CAUSES[d.rootCause as RootCauseName].meaning}. Fix: ${d.rootCauseFix}`;
    return `Windows on instance '${instanceId}' is not licensed (LicenseStatus ${d.licenseStatus}, Windows Server ${d.osVersion} ${d.edition}). ${cause} See ${ACTIVATION_LOG_PATH} on the server.`;
}

/**
 * Counts the fleet's statuses and lists every failed and skipped instance,
 * in the order given; `urns`: each invoked instance's invocation URN.
 */
export function summarise(
    results: { [instanceId: string]: InstanceActivation },
    urns: { [instanceId: string]: string } = {},
): FleetSummary {
    const entries = Object.entries(results);
    const count = (s: FleetStatus) => entries.filter(([, a]) => a.status === s).length;
    const listed = (s: FleetStatus, message: (id: string, a: InstanceActivation) => string) =>
        entries
            .filter(([, a]) => a.status === s)
            .map(([instanceId, a]) => ({ instanceId, rootCause: a.rootCause, message: message(instanceId, a) }));
    return {
        licensed: count("Licensed"),
        failed: count("Failed"),
        unknown: count("Unknown"),
        skipped: count("Skipped"),
        failures: listed("Failed", failureMessage),
        skips: listed("Skipped", (_, a) => `${a.error}. Fix: ${a.fix}`),
        runAgain: entries
            .filter(([id, a]) => (a.status === "Failed" || a.status === "Unknown") && urns[id] !== undefined)
            .map(([id]) => urns[id]),
    };
}

/** The command that runs the script again on exactly the invocations of `urns`. */
function runAgainCommand(urns: string[]): string {
    return ["pulumi up", ...urns.map((u) => `--replace '${u}'`)].join(" ");
}

/**
 * The message that fails `pulumi up` when activation failed on some instances:
 * every one of them, with its root cause and fix, and how to run again there.
 */
export function fleetFailureMessage(componentName: string, summary: FleetSummary): string {
    const total = summary.licensed + summary.failed + summary.unknown + summary.skipped;
    return (
        `Windows activation failed on ${summary.failed} of ${total} instances of WindowsActivation '${componentName}' ` +
        `(${summary.licensed} licensed, ${summary.unknown} unknown, ${summary.skipped} skipped):\n` +
        summary.failures.map((f) => `- ${f.message}`).join("\n") +
        `\nA later \`pulumi up\` with the same inputs re-reads these results. Once the cause is fixed, run the script again on exactly the instances not licensed:\n  ${runAgainCommand(summary.runAgain)}`
    );
}
