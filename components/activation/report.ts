/**
 * Turns what a delivery brought back (TAT's base64 task output or SSH stdout) into the
 * component's `activationStatus` and `activationResult`, and words the error that fails
 * `pulumi up` when activation did not succeed.
 */
import { ACTIVATION_LOG_PATH } from "./script";
import { ActivationResult, ActivationResultError, parseActivationOutput, parseBase64ActivationOutput } from "./result";
import { ROOT_CAUSES, RootCauseName } from "./rootCauses";

/** The component's summary of activation. */
export const ActivationStatus = {
    /** The script verified LicenseStatus=1. */
    Licensed: "Licensed",
    /** The script reported a failure, or its output could not be read. */
    Failed: "Failed",
    /** User data delivery: the script runs at first boot and reports nothing to the deployment. */
    PendingFirstBoot: "PendingFirstBoot",
    /**
     * TAT has no record of the invocation any more (records expire), or its run did not reach its end: the
     * last result cannot be read.
     */
    Unknown: "Unknown",
    /**
     * The server is not running (stopped, in rescue mode, ...) and TAT keeps no run of this script on it:
     * nothing ran; the script runs at the first `pulumi up` after it is started.
     */
    NotRunning: "NotRunning",
} as const;
/** The component's summary of activation: "Licensed", "Failed", "PendingFirstBoot", "Unknown" or "NotRunning". */
export type ActivationStatus = (typeof ActivationStatus)[keyof typeof ActivationStatus];

/** Why there is no output when TAT has no record of the invocation. */
export const NO_RECORD = "no invocation record was found";

/** The outcome of reading one delivery's output. */
export interface ActivationReport {
    status: ActivationStatus;
    /** The parsed result line, when there was one. */
    result?: ActivationResult;
    /** Why the output could not be read, when it could not. */
    error?: string;
}

/**
 * Reads a delivery's output: `undefined` means no output (an Unknown report saying `missing`: by
 * default, that there is no record); a malformed output is a Failed report, never an exception.
 */
export function readActivationOutput(
    output: string | undefined,
    encoding: "base64" | "text",
    missing = NO_RECORD,
): ActivationReport {
    if (output === undefined) {
        return { status: "Unknown", error: missing };
    }
    try {
        const result = encoding === "base64" ? parseBase64ActivationOutput(output) : parseActivationOutput(output);
        return { status: result.licensed ? "Licensed" : "Failed", result };
    } catch (e) {
        if (e instanceof ActivationResultError) {
            return { status: "Failed", error: e.message };
        }
        throw e;
    }
}

/**
 * The message that fails `pulumi up` for a Failed report: names the server, the error code and what
 * to do. `rerun`: how to run the script again (default: replace the server's `<name>-activation`).
 */
export function activationFailureMessage(
    serverName: string,
    report: ActivationReport,
    rerun = `run \`pulumi up --replace <URN>\` with the URN of '${serverName}-activation' (\`pulumi stack --show-urns\`)`,
): string {
    const r = report.result;
    const where = `See ${ACTIVATION_LOG_PATH} on the server.`;
    if (r === undefined) {
        return `Windows activation of server '${serverName}' could not be confirmed: ${report.error}. ${where}`;
    }
    if (r.carrierError !== undefined) {
        return `Windows activation of server '${serverName}' failed: ${r.status}: the delivery's PowerShell carrier failed at ${r.carrierError}. Fix: ${r.rootCauseFix}`;
    }
    const code = r.lastErrorHex ? ` Last slmgr error ${r.lastErrorHex} (${r.errorClass}).` : "";
    const cause =
        r.rootCause === "none"
            ? ""
            : ` Root cause: ${r.rootCause}: ${ROOT_CAUSES[r.rootCause as RootCauseName].meaning}. Fix: ${r.rootCauseFix}`;
    const retry = r.transient ? ` This is transient: ${rerun} later, or fix the cause first.` : "";
    return `Windows activation of server '${serverName}' failed: ${r.status} (script exit code ${r.exitCode}, LicenseStatus ${r.licenseStatus}, KMS ${r.kmsHost}:${r.kmsPort}, ${r.attempts} attempts).${code}${cause} ${r.meaning}${retry} ${where}`;
}
