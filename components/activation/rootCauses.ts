/**
 * The root causes the script's read-only diagnosis names when activation failed (and that
 * `activate.cmd /diagnose` names on demand; `carrier` comes from the delivery's carrier, not the script), in the order
 * it decides between them: the first that holds wins. Each comes with its fix in one sentence, for the `pulumi up`
 * failure message, docs/script.md and the result.
 */

/** One root cause. */
interface RootCauseInfo {
    /** What the checks found. */
    meaning: string;
    /** What to do about it, in one sentence. */
    fix: string;
}

/** Every root cause, in the order the script checks them (the first that holds is reported). */
export const ROOT_CAUSES = {
    carrier: {
        meaning:
            "the delivery's PowerShell carrier failed before the script ran or reported (its step and error are in carrierError)",
        fix: "Fix what carrierError names (for example free disk space, or remove what holds the server folder), then run the activation again.",
    },
    busy: {
        meaning:
            "another run of the script was in progress on the server, so this one did nothing (or, for verifyWithTat, the first-boot run was still going when the check's wait ended)",
        fix: "Run the activation again once the other run has ended; a lock left by a run that died is cleared by itself after the worst-case run time.",
    },
    noFirstBootResult: {
        meaning:
            "verifyWithTat: the first-boot run left no result and was not running: cloudbase-init has not run the user data (yet), or the run died before it reported",
        fix: "Read cloudbase-init's log on the server (C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\log\\cloudbase-init.log), or use delivery 'tat', which runs the script and reports it in one step.",
    },
    serverFolderBlocked: {
        meaning:
            "the server folder was not trusted (not owned and protected by SYSTEM and Administrators) and could not be moved aside: a process holds a file in it open",
        fix: "Close what holds the folder open (Resource Monitor > CPU > Associated Handles, search TencentCloudWindows), or restart the server; the next run moves the folder aside by itself.",
    },
    unsupportedOs: {
        meaning: "the OS is older than Windows Server 2008 R2",
        fix: "Use a Tencent public image of Windows Server 2008 R2 or later.",
    },
    accessDenied: {
        meaning: "slmgr refused the script: it did not run elevated",
        fix: "Run the script as SYSTEM or from an elevated prompt (the component's deliveries do).",
    },
    wmiUnavailable: {
        meaning: "the license status could not be read from WMI",
        fix: "Check that the WMI service (winmgmt) runs, then run the activation again.",
    },
    vbscriptMissing: {
        meaning: "VBScript (an optional Windows feature) is not installed, so slmgr.vbs cannot run",
        fix: "Install the VBScript optional feature (Settings > Optional features, or DISM /Online /Add-Capability), then run the activation again.",
    },
    scriptHostDisabled: {
        meaning:
            "Windows Script Host is turned off (the Enabled value under HKLM or the SYSTEM account's HKCU \\SOFTWARE\\Microsoft\\Windows Script Host\\Settings is 0), so slmgr.vbs cannot run",
        fix: "Remove the Enabled value (or set it to 1) under HKLM\\SOFTWARE\\Microsoft\\Windows Script Host\\Settings, and under the SYSTEM account's HKCU (HKEY_USERS\\S-1-5-18), or exempt the server from the hardening policy that sets it, then run the activation again.",
    },
    serviceDisabled: {
        meaning: "a service activation needs (sppsvc, w32time or, on 2008 R2, sppuinotify) is disabled",
        fix: "Set the service named in checks.services back to its default start type (sppsvc: delayed-auto, w32time: auto, sppuinotify: demand) and run the activation again.",
    },
    sppPermissions: {
        meaning:
            'SYSTEM or NETWORK SERVICE cannot read and execute sppsvc.exe (an "optimizer" tool changed its permissions)',
        fix: "Restore the default permissions of C:\\Windows\\System32\\sppsvc.exe (read and execute for SYSTEM, Administrators and Users; TrustedInstaller full control), e.g. from a healthy server with icacls /save and /restore.",
    },
    notKmsClient: {
        meaning: "the installed product key is a retail, MAK or OEM key, which a KMS cannot activate",
        fix: "Set activation.installKmsClientKey to true so the script installs Microsoft's public KMS client key for this version and edition.",
    },
    kmsDns: {
        meaning: "no configured KMS host resolves from the server",
        fix: "Use the VPC's default DNS (kms.tencentyun.com resolves only inside Tencent Cloud VPCs) or set activation.kmsHost to an IP address.",
    },
    kmsPort: {
        meaning: "the KMS hosts resolve but none accepts a TCP connection on the KMS port",
        fix: "Allow outbound TCP to the KMS port (1688) in the server's security groups, network ACLs and Windows Firewall.",
    },
    clockSkew: {
        meaning: "the server's clock is more than 4 hours off the NTP server (the KMS refuses such clients)",
        fix: "Allow outbound UDP 123 to the NTP servers so the clock can be synced, then run the activation again.",
    },
    keyRejected: {
        meaning: "the KMS rejected the key or the edition",
        fix: "Install the KMS client key for this version and edition (activation.installKmsClientKey: true), or use a Tencent public image.",
    },
    unknown: {
        meaning: "none of the checks found the cause",
        fix: "Read C:\\Windows\\TencentCloudWindows\\activation.log and the Application event log (source Security-SPP, event 12288).",
    },
    none: { meaning: "every check passed", fix: "Nothing to fix." },
} as const satisfies Record<string, RootCauseInfo>;

/** The name of a root cause. */
export type RootCauseName = keyof typeof ROOT_CAUSES;

/**
 * The clock offset, in seconds, past which the diagnosis calls the
 * clock skewed: the KMS refuses clients more than 4 hours off.
 */
export const CLOCK_SKEW_LIMIT_SECONDS = 4 * 60 * 60;

/** The event source the script's Application log events carry. */
export const EVENT_SOURCE = "TencentCloudWindowsActivation";
