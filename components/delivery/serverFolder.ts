/**
 * The server folder (`C:\Windows\TencentCloudWindows`) made safe for a SYSTEM script.
 *
 * It lives in `%SystemRoot%`, where only SYSTEM, Administrators and TrustedInstaller can create
 * anything (Microsoft lists `%Windir%` among the locations standard users cannot write; see
 * docs/security.md), so no ordinary user can create it first, own it, make it a junction, hold a
 * handle to it or plant a hard link in it. The deliveries run these PowerShell statements as SYSTEM
 * before anything is written into it. A missing folder is created with its final ACL in the same
 * call (owner Administrators, SYSTEM and Administrators only, nothing inherited). An existing one is
 * trusted only when it is no reparse point, is owned by SYSTEM or Administrators, has a protected ACL
 * that names no one but them, and everything in it is owned by them and no reparse point; any other
 * (which only an administrator could have made) is moved aside, kept for whoever investigates, and
 * made anew. A folder that cannot be moved aside (a process holds a file in it open) stops the
 * carrier with `FolderBlocked`, which a later run retries. Then the ACL is set again and the test
 * runs again: a folder that still fails it stops the carrier. PowerShell 2.0 (Windows Server 2008
 * R2) to 5.1; every name is language-neutral (SIDs, not account names).
 */
import { SERVER_DIR } from "../activation/script";

/**
 * Where versions up to 0.3 kept the server folder, in `C:\\ProgramData`,
 * where every user can create folders: never run from, never written.
 */
const LEGACY_SERVER_DIR = "C:\\ProgramData\\TencentCloudWindows";

/**
 * For `/check` on a server set up by version 0.3 or earlier, whose first-boot result is in the old
 * folder: that result is copied into the server folder (when it has none) only if the old folder
 * passes the same test as the server folder (owned and protected by SYSTEM and Administrators, no
 * reparse point, everything in it theirs). It is only read as data, never run.
 */
export const LEGACY_RESULT_STATEMENT =
    `if (-not (Test-Path -LiteralPath "$d\\result.json") -and (Test-Path -LiteralPath '${LEGACY_SERVER_DIR}\\result.json')) { $new = $d; $d = '${LEGACY_SERVER_DIR}'; $trusted = Test-Folder; $d = $new; ` +
    `if ($trusted) { Write-New "$d\\result.json" ([IO.File]::ReadAllBytes('${LEGACY_SERVER_DIR}\\result.json')) } }`;

/** SIDs of the only accounts that may write in the server folder: LocalSystem and the Administrators group. */
const SERVER_FOLDER_WRITERS = ["S-1-5-18", "S-1-5-32-544"] as const;

/** The message the carrier stops with when the folder is still not trusted after securing it. */
export const FOLDER_NOT_OURS =
    "the server folder is still not owned and protected by SYSTEM and Administrators after securing it";

/** The carrier's steps in securing the folder, as `carrierError` names them. */
export const FOLDER_STEPS = {
    folder: "securing the server folder",
    moveAside: "moving an untrusted server folder aside",
} as const;

/** PowerShell statements that create or repair the server folder; `$d` holds its path afterwards. */
export function renderSecureServerFolder(): string {
    const [system, admins] = SERVER_FOLDER_WRITERS;
    return [
        `$d = '${SERVER_DIR}'`,
        `$sy = New-Object Security.Principal.SecurityIdentifier '${system}'`,
        `$ad = New-Object Security.Principal.SecurityIdentifier '${admins}'`,
        "function Test-Ours($i) { if ($i.Attributes -band [IO.FileAttributes]::ReparsePoint) { return $false }; $o = $i.GetAccessControl().GetOwner([Security.Principal.SecurityIdentifier]); ($o -eq $sy) -or ($o -eq $ad) }",
        "function Test-Folder { $f = Get-Item -LiteralPath $d -Force; if (-not (Test-Ours $f)) { return $false }; $a = $f.GetAccessControl(); if (-not $a.AreAccessRulesProtected) { return $false }; " +
            "if (@($a.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier]) | Where-Object { ($_.IdentityReference -ne $sy) -and ($_.IdentityReference -ne $ad) }).Count) { return $false }; " +
            "-not @(Get-ChildItem -LiteralPath $d -Force | Where-Object { -not (Test-Ours $_) }).Count }",
        `if ((Test-Path -LiteralPath $d) -and -not (Test-Folder)) { $step = '${FOLDER_STEPS.moveAside}'; Move-Item -LiteralPath $d -Destination ($d + '.untrusted-' + (Get-Date -Format yyyyMMddHHmmss)); $step = '${FOLDER_STEPS.folder}'; 'moved aside: an untrusted ' + $d }`,
        "$acl = New-Object Security.AccessControl.DirectorySecurity",
        "$acl.SetOwner($ad)",
        "$acl.SetAccessRuleProtection($true, $false)",
        "foreach ($w in $sy, $ad) { $acl.AddAccessRule((New-Object Security.AccessControl.FileSystemAccessRule($w, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'))) }",
        "if (-not (Test-Path -LiteralPath $d)) { $null = [IO.Directory]::CreateDirectory($d, $acl) }",
        "[IO.Directory]::SetAccessControl($d, $acl)",
        `if (-not (Test-Folder)) { throw '${FOLDER_NOT_OURS}' }`,
    ].join("\n");
}
