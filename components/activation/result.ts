/**
 * Parses the activation script's final JSON line (as printed to stdout, or as TAT returns it in
 * base64) into a typed result. Anything that is not a well-formed result line is a
 * {@link ActivationResultError}; nothing but a line that says so is ever read as "Licensed".
 */
import { EXIT_CODES, describeExitCode } from "./exitCodes";
import { toHresult } from "./hresults";
import { ROOT_CAUSES, RootCauseName } from "./rootCauses";
import { ACTIVATION_LOG_PATH } from "./script";
import { RESULT_SCHEMA } from "./scriptReport";

/** One configured KMS host, as the diagnosis found it. */
export interface KmsHostCheck {
    /** The host. */
    host: string;
    /** True when the name resolves from the server. */
    resolves: boolean;
    /** The TCP check of the KMS port: `open`, `closed`, `timeout`, or `skipped` when the name does not resolve. */
    port: string;
}

/** A Windows service's start type and state, as the diagnosis found them. */
export interface ServiceCheck {
    /** `auto`, `demand` or `disabled`. */
    start: string;
    /** `running` or `stopped`. */
    state: string;
}

/** What the script's read-only diagnosis found (after a failure, or on `activate.cmd /diagnose`). */
export interface ActivationChecks {
    /** DNS and TCP checks of every configured KMS host. */
    kmsHosts: KmsHostCheck[];
    /** Whole seconds between the clock and the first NTP server; absent when the server did not answer. */
    clockOffsetSeconds?: number;
    /** sppsvc, w32time and, on 2008 R2, sppuinotify. */
    services: { [name: string]: ServiceCheck };
    /**
     * `ok` when SYSTEM and NETWORK SERVICE may read and execute
     * sppsvc.exe, `denied` when not, `unknown` when unreadable.
     */
    sppsvcExecutable: string;
    /** The key's channel: `kmsClient`, `mak`, `retail`, `oem` or `unknown`. */
    channel: string;
    /** Minutes left of the license's grace period; absent when unknown. */
    graceMinutes?: number;
    /**
     * False when VBScript (vbscript.dll or cscript.exe), which slmgr.vbs
     * needs, is missing; absent in lines of earlier versions of the script.
     */
    vbscript?: boolean;
    /**
     * False when Windows Script Host is turned off by policy (its Settings\\Enabled
     * value is 0); absent in lines of earlier versions of the script.
     */
    scriptHost?: boolean;
}

/** What the script reported about one run. */
export interface ActivationResult {
    /** The script's status word, e.g. `Licensed` or `KmsUnreachable` (see EXIT_CODES). */
    status: string;
    /** The script's exit code. */
    exitCode: number;
    /** WMI LicenseStatus after the run (1 = Licensed), -1 when unknown. */
    licenseStatus: number;
    /** The KMS host in effect. */
    kmsHost: string;
    /** The KMS port. */
    kmsPort: number;
    /** `slmgr -ato` attempts made in this run (0 on the fast path). */
    attempts: number;
    /** The last failing `slmgr` exit code seen in the run (0 when none), even if a later attempt succeeded. */
    lastErrorCode: number;
    /** `lastErrorCode` as an HRESULT, e.g. `0xC004F074`; empty when 0. */
    lastErrorHex: string;
    /** The reaction class of the last failure (`none` when none). */
    errorClass: string;
    /** True when the server was already licensed and nothing was changed. */
    alreadyLicensed: boolean;
    /**
     * Whole seconds between the server's clock and the first NTP server
     * after the sync; absent when unknown (not measured, or no answer).
     */
    clockOffsetSeconds?: number;
    /**
     * What the run did to the time source: `ntp` (pointed at the configured NTP servers), `domain` (a
     * domain member: left on the domain hierarchy, only resynced) or `unchanged` (no clock sync);
     * absent in lines of earlier versions of the script.
     */
    timeSource?: string;
    /** The Windows build number. */
    osBuild: number;
    /** The Windows Server version the build belongs to. */
    osVersion: string;
    /** Standard, Datacenter, Enterprise or Other. */
    edition: string;
    /** Why activation failed, from the read-only diagnosis (`none` when it did not fail); see ROOT_CAUSES. */
    rootCause: string;
    /** The root cause's fix, in one sentence. */
    rootCauseFix: string;
    /** What the diagnosis found; absent when there was no diagnosis. */
    checks?: ActivationChecks;
    /**
     * Status `CarrierFailed` only: the carrier's step and PowerShell's
     * error text, e.g. `securing the server folder: ...`.
     */
    carrierError?: string;
    /** True only when the script exited 0 and reported LicenseStatus=1. */
    licensed: boolean;
    /** True when a later run may succeed without changes. */
    transient: boolean;
    /** What the status means and what to do. */
    meaning: string;
}

/** The script's output could not be read as a result. */
export class ActivationResultError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ActivationResultError";
    }
}

const LINE_START = `{"activation":"${RESULT_SCHEMA}"`;
/** A byte-order mark: PowerShell 2.0 writes one before its first line when TAT has set its console to UTF-8. */
const BOM = /^\uFEFF/;
const MAX_OUTPUT_CHARS = 1024 * 1024;

function field<T>(obj: Record<string, unknown>, key: string, type: "string" | "number" | "boolean"): T {
    const value = obj[key];
    const ok = type === "number" ? typeof value === "number" && Number.isInteger(value) : typeof value === type;
    if (!ok) {
        throw new ActivationResultError(`the activation result line has no valid '${key}' (${type} expected)`);
    }
    return value as T;
}

/** The diagnosis' checks of a result line: undefined for `{}` (no diagnosis); the shape is checked. */
function readChecks(value: unknown): ActivationChecks | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new ActivationResultError("the activation result line has no valid 'checks' (object expected)");
    }
    const c = value as Record<string, unknown>;
    if (Object.keys(c).length === 0) {
        return undefined;
    }
    const hosts = c.kmsHosts;
    const services = c.services;
    if (!Array.isArray(hosts) || services === null || typeof services !== "object" || Array.isArray(services)) {
        throw new ActivationResultError("the activation result line's 'checks' are malformed");
    }
    const optionalNumber = (key: string) => (c[key] === null ? undefined : field<number>(c, key, "number"));
    return {
        kmsHosts: hosts.map((h) => {
            const host = (h ?? {}) as Record<string, unknown>;
            return {
                host: field<string>(host, "host", "string"),
                resolves: field<boolean>(host, "resolves", "boolean"),
                port: field<string>(host, "port", "string"),
            };
        }),
        clockOffsetSeconds: optionalNumber("clockOffsetSeconds"),
        services: Object.fromEntries(
            Object.entries(services as Record<string, unknown>).map(([name, v]) => {
                const svc = (v ?? {}) as Record<string, unknown>;
                return [
                    name,
                    { start: field<string>(svc, "start", "string"), state: field<string>(svc, "state", "string") },
                ];
            }),
        ),
        sppsvcExecutable: field<string>(c, "sppsvcExecutable", "string"),
        channel: field<string>(c, "channel", "string"),
        graceMinutes: optionalNumber("graceMinutes"),
        vbscript: c.vbscript === undefined ? undefined : field<boolean>(c, "vbscript", "boolean"),
        scriptHost: c.scriptHost === undefined ? undefined : field<boolean>(c, "scriptHost", "boolean"),
    };
}

/** The last line of `output` that starts with `start`, as a JSON object whose `key` is the result schema. */
function lastJsonLine(output: unknown, start: string, key: string, what: string): Record<string, unknown> {
    if (typeof output !== "string") {
        throw new ActivationResultError(`the ${what} output is not text`);
    }
    if (output.length > MAX_OUTPUT_CHARS) {
        throw new ActivationResultError(`the ${what} output is longer than ${MAX_OUTPUT_CHARS} characters`);
    }
    const line = output
        .split(/\r?\n/)
        .map((l) => l.replace(BOM, "").trim())
        .filter((l) => l.startsWith(start))
        .pop();
    if (line === undefined) {
        throw new ActivationResultError(
            `the ${what} output has no result line: the script did not finish (see ${ACTIVATION_LOG_PATH})`,
        );
    }
    let obj: unknown;
    try {
        obj = JSON.parse(line);
    } catch {
        throw new ActivationResultError(`the ${what} result line is not valid JSON (truncated output?)`);
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
        throw new ActivationResultError(`the ${what} result line is not a JSON object`);
    }
    const o = obj as Record<string, unknown>;
    if (o[key] !== RESULT_SCHEMA) {
        throw new ActivationResultError(`the ${what} result line is not of schema ${RESULT_SCHEMA}`);
    }
    return o;
}

/** A root cause name from a result line; throws unless it is one of ROOT_CAUSES. */
function rootCauseOf(o: Record<string, unknown>, what: string): RootCauseName {
    const rootCause = field<string>(o, "rootCause", "string") as RootCauseName;
    if (!Object.prototype.hasOwnProperty.call(ROOT_CAUSES, rootCause)) {
        throw new ActivationResultError(
            `the ${what} result line has an unknown rootCause ${JSON.stringify(rootCause)}`,
        );
    }
    return rootCause;
}

/**
 * Parses the last result line of the script's stdout. Throws
 * ActivationResultError when there is none or it is malformed.
 */
export function parseActivationOutput(output: unknown): ActivationResult {
    const o = lastJsonLine(output, LINE_START, "activation", "activation");
    const status = field<string>(o, "status", "string");
    const exitCode = field<number>(o, "exitCode", "number");
    const info = describeExitCode(exitCode);
    if (info === undefined || info.status !== status) {
        throw new ActivationResultError(
            `the activation result line has an unknown status/exit code pair (${JSON.stringify(status)}, ${exitCode})`,
        );
    }
    const licenseStatus = field<number>(o, "licenseStatus", "number");
    const lastErrorCode = field<number>(o, "lastErrorCode", "number");
    const rootCause = rootCauseOf(o, "activation");
    return {
        status,
        exitCode,
        licenseStatus,
        kmsHost: field<string>(o, "kmsHost", "string"),
        kmsPort: field<number>(o, "kmsPort", "number"),
        attempts: field<number>(o, "attempts", "number"),
        lastErrorCode,
        lastErrorHex: lastErrorCode === 0 ? "" : toHresult(lastErrorCode),
        errorClass: field<string>(o, "errorClass", "string"),
        alreadyLicensed: field<boolean>(o, "alreadyLicensed", "boolean"),
        clockOffsetSeconds:
            o.clockOffsetSeconds === null ? undefined : field<number>(o, "clockOffsetSeconds", "number"),
        timeSource: o.timeSource === undefined ? undefined : field<string>(o, "timeSource", "string"),
        osBuild: field<number>(o, "osBuild", "number"),
        osVersion: field<string>(o, "osVersion", "string"),
        edition: field<string>(o, "edition", "string"),
        rootCause,
        rootCauseFix: ROOT_CAUSES[rootCause].fix,
        checks: readChecks(o.checks),
        carrierError: o.carrierError === undefined ? undefined : field<string>(o, "carrierError", "string"),
        licensed: exitCode === EXIT_CODES.licensed.code && licenseStatus === 1,
        transient: info.transient,
        meaning: info.meaning,
    };
}

/**
 * What `activate.cmd /diagnose` reported about one server: its license
 * state and the root cause of what stands in the way, changing nothing.
 */
export interface ActivationDiagnosis {
    /** What would stop (or stops) a KMS activation (`none` when every check passed); see ROOT_CAUSES. */
    rootCause: string;
    /** The root cause's fix, in one sentence. */
    rootCauseFix: string;
    /** WMI LicenseStatus (1 = Licensed), -1 when unknown. */
    licenseStatus: number;
    /**
     * True when Windows is licensed against one of the configured
     * KMS hosts (an activation run would take the fast path).
     */
    licensedByConfiguredHost: boolean;
    /** The Windows build number. */
    osBuild: number;
    /** The Windows Server version the build belongs to. */
    osVersion: string;
    /** Standard, Datacenter, Enterprise or Other. */
    edition: string;
    /** What the diagnosis found. */
    checks?: ActivationChecks;
}

const DIAGNOSIS_START = `{"diagnosis":"${RESULT_SCHEMA}"`;

/**
 * Parses the line `activate.cmd /diagnose` prints. Throws ActivationResultError when there is none or it is malformed.
 */
export function parseDiagnosisOutput(output: unknown): ActivationDiagnosis {
    const o = lastJsonLine(output, DIAGNOSIS_START, "diagnosis", "diagnosis");
    const rootCause = rootCauseOf(o, "diagnosis");
    return {
        rootCause,
        rootCauseFix: ROOT_CAUSES[rootCause].fix,
        licenseStatus: field<number>(o, "licenseStatus", "number"),
        licensedByConfiguredHost: field<boolean>(o, "licensedByConfiguredHost", "boolean"),
        osBuild: field<number>(o, "osBuild", "number"),
        osVersion: field<string>(o, "osVersion", "string"),
        edition: field<string>(o, "edition", "string"),
        checks: readChecks(o.checks),
    };
}

/** Decodes TAT's base64 task output; throws ActivationResultError unless it is base64. */
export function decodeTatOutput(output: unknown): string {
    if (
        typeof output !== "string" ||
        !/^[A-Za-z0-9+/]*={0,2}$/.test(output.replace(/\s+/g, "")) ||
        output.replace(/\s+/g, "").length % 4 !== 0
    ) {
        throw new ActivationResultError("the TAT task output is not base64");
    }
    return Buffer.from(output.replace(/\s+/g, ""), "base64").toString("utf8");
}

/** Decodes TAT's base64 task output, then parses it like {@link parseActivationOutput}. */
export function parseBase64ActivationOutput(output: unknown): ActivationResult {
    return parseActivationOutput(decodeTatOutput(output));
}
