/**
 * The activation script's exit codes: one per failure class, documented in the README.
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
    licensed: { code: 0, status: "Licensed", transient: false, meaning: "Windows is activated (LicenseStatus=1) against a configured KMS host." },
    unsupportedOs: { code: 2, status: "UnsupportedOs", transient: false, meaning: "The OS is older than Windows Server 2008 R2, or its build could not be read: this procedure does not apply." },
    accessDenied: { code: 3, status: "AccessDenied", transient: false, meaning: "slmgr was refused access (0x80070005): run the script elevated or as SYSTEM." },
    statusUnavailable: { code: 4, status: "StatusUnavailable", transient: false, meaning: "The license status could not be read through wmic or PowerShell: check the WMI service (winmgmt)." },
    kmsUnreachable: { code: 10, status: "KmsUnreachable", transient: true, meaning: "No configured KMS host could be contacted on any attempt: check DNS, the security group's outbound rules and TCP 1688 from the VPC." },
    clockSkew: { code: 11, status: "ClockSkew", transient: true, meaning: "The KMS refused the clock (0xC004F06C) on every attempt: check that UDP 123 to the NTP servers is allowed." },
    retriesExhausted: { code: 12, status: "RetriesExhausted", transient: true, meaning: "Activation failed with a retryable error on every attempt: see lastErrorCode and the log." },
    notLicensedAfterActivation: { code: 13, status: "NotLicensedAfterActivation", transient: true, meaning: "slmgr -ato reported success but LicenseStatus never became 1." },
    keyRejected: { code: 20, status: "KeyRejected", transient: false, meaning: "The product key is invalid, blocked or of a SKU KMS cannot activate: not retried; install the right KMS client key (installKmsClientKey) or use a Tencent public image." },
    noKmsClientKey: { code: 21, status: "NoKmsClientKey", transient: false, meaning: "installKmsClientKey is on but no KMS client key is known for this version and edition." },
} as const satisfies Record<string, ExitCodeInfo>;

/** Name of an exit code in {@link EXIT_CODES}. */
export type ExitCodeName = keyof typeof EXIT_CODES;

/** The first transient code and the last one: user data re-runs the script at next boot for these. */
export const TRANSIENT_EXIT_CODE_RANGE = { first: 10, last: 19 } as const;

/** Looks up an exit code; undefined when the script never ends with it. */
export function describeExitCode(code: number): ExitCodeInfo | undefined {
    return Object.values(EXIT_CODES).find((info) => info.code === code);
}
