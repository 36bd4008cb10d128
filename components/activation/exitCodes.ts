/**
 * The activation script's exit codes: one per failure class, documented in docs/script.md.
 * Codes 10-19 are transient (a later run may succeed: user data asks cloudbase-init to run the
 * script again at next boot); codes 20 and above are permanent (a person must act).
 */

/** What one exit code means. */
export interface ExitCodeInfo {
    /** The process exit code. */
    code: number;
    /** The `status` word of the script's final JSON line. */
    status: string;
    /** True when running the script again later can succeed without anyone changing anything. */
    transient: boolean;
    /** What the code means and what to do. */
    meaning: string;
}

/** Every exit code the activation script can end with, by name. */
export const EXIT_CODES = {
    licensed: {
        code: 0,
        status: "Licensed",
        transient: false,
        meaning: "Windows is activated (LicenseStatus=1) against a configured KMS host.",
    },
    unsupportedOs: {
        code: 2,
        status: "UnsupportedOs",
        transient: false,
        meaning:
            "The OS is older than Windows Server 2008 R2, or its build could not be read: this procedure does not apply.",
    },
    accessDenied: {
        code: 3,
        status: "AccessDenied",
        transient: false,
        meaning:
            "slmgr was refused (0x80070005, or 0xC004F025 'requires elevated privileges'): run the script elevated or as SYSTEM.",
    },
    kmsUnreachable: {
        code: 10,
        status: "KmsUnreachable",
        transient: true,
        meaning:
            "The last attempt could not contact the KMS (0xC004F074, DNS or timeout) and no attempt succeeded: check DNS, the security group's outbound rules and TCP 1688 from the VPC.",
    },
    clockSkew: {
        code: 11,
        status: "ClockSkew",
        transient: true,
        meaning:
            "The KMS refused the clock (0xC004F06C) on the last attempt and no attempt succeeded: check that UDP 123 to the NTP servers is allowed.",
    },
    retriesExhausted: {
        code: 12,
        status: "RetriesExhausted",
        transient: true,
        meaning:
            "The last attempt (or slmgr -ipk) failed with an HRESULT the script does not know and no attempt succeeded: see lastErrorCode and the log.",
    },
    notLicensedAfterActivation: {
        code: 13,
        status: "NotLicensedAfterActivation",
        transient: true,
        meaning: "slmgr -ato reported success on the last attempt but LicenseStatus did not become 1.",
    },
    statusUnavailable: {
        code: 14,
        status: "StatusUnavailable",
        transient: true,
        meaning:
            "The license status could not be read through wmic or PowerShell after several tries: check the WMI service (winmgmt).",
    },
    serviceNotRunning: {
        code: 15,
        status: "ServiceNotRunning",
        transient: true,
        meaning:
            "The licensing service was stopped or disabled (0x80070426, 0x80070422) on the last attempt although the script started it: check the sppsvc service.",
    },
    kmsCountTooLow: {
        code: 16,
        status: "KmsCountTooLow",
        transient: true,
        meaning:
            "The KMS answered that it has too few clients to activate (0xC004F038) on the last attempt: the KMS side must fix it; retry later.",
    },
    busy: {
        code: 17,
        status: "Busy",
        transient: true,
        meaning:
            "Another run of the script was in progress on the server (its lock, activation.lock in the server folder, was younger than the worst-case run time): this run changed nothing; run it again later.",
    },
    firstBootRunning: {
        code: 18,
        status: "FirstBootRunning",
        transient: true,
        meaning:
            "/check (verifyWithTat): the first-boot run still held its lock when the check had waited its worst-case run time: it is still going, or died without its lock becoming stale yet; check again later.",
    },
    noFirstBootResult: {
        code: 19,
        status: "NoFirstBootResult",
        transient: true,
        meaning:
            "/check (verifyWithTat): no first-boot run was going and none had left a result: cloudbase-init has not run the user data (yet), or the run died before it reported.",
    },
    keyRejected: {
        code: 20,
        status: "KeyRejected",
        transient: false,
        meaning:
            "The product key is invalid, blocked or of a SKU KMS cannot activate: not retried; install the right KMS client key (installKmsClientKey) or use a Tencent public image.",
    },
    noKmsClientKey: {
        code: 21,
        status: "NoKmsClientKey",
        transient: false,
        meaning: "installKmsClientKey is on but no KMS client key is known for this version and edition.",
    },
    vbscriptMissing: {
        code: 22,
        status: "VbscriptMissing",
        transient: false,
        meaning:
            "VBScript, an optional Windows feature, is not installed (vbscript.dll or cscript.exe is missing), so slmgr.vbs cannot run: install the VBScript feature, then run the activation again.",
    },
    scriptHostDisabled: {
        code: 23,
        status: "ScriptHostDisabled",
        transient: false,
        meaning:
            "Windows Script Host is turned off by policy (its Settings\\Enabled value is 0), so slmgr.vbs cannot run: turn it back on for the server, then run the activation again.",
    },
} as const satisfies Record<string, ExitCodeInfo>;

/** Name of an exit code in {@link EXIT_CODES}. */
export type ExitCodeName = keyof typeof EXIT_CODES;

/** The first transient code and the last one: user data re-runs the script at next boot for these. */
export const TRANSIENT_EXIT_CODE_RANGE = { first: 10, last: 19 } as const;

/**
 * What the delivery's PowerShell carrier reports when it fails itself (securing the server folder,
 * writing or starting the script): never the script's code. Not transient: a person must read the error.
 */
export const CARRIER_FAILED = {
    code: 30,
    status: "CarrierFailed",
    transient: false,
    meaning:
        "The delivery's PowerShell carrier failed before the script could report (securing the server folder, writing or starting the script): carrierError names the step and PowerShell's error.",
} as const satisfies ExitCodeInfo;

/**
 * What the carrier reports when the server folder was not trusted and could not be moved aside (a
 * process holds a file in it open). Transient: the next run (user data: the next boot) moves it.
 */
export const FOLDER_BLOCKED = {
    code: 31,
    status: "FolderBlocked",
    transient: true,
    meaning:
        "The server folder was not trusted and could not be moved aside, because a process holds a file in it open: carrierError names the error; the next run moves it aside once it is closed.",
} as const satisfies ExitCodeInfo;

/** Looks up an exit code of the script or the carrier; undefined when neither ends with it. */
export function describeExitCode(code: number): ExitCodeInfo | undefined {
    return [...Object.values(EXIT_CODES), CARRIER_FAILED, FOLDER_BLOCKED].find((info) => info.code === code);
}
