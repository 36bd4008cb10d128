/**
 * The server folder (`C:\ProgramData\TencentCloudWindows`) made safe for a SYSTEM script.
 *
 * `C:\ProgramData` lets every local user create folders and files, and a folder made there
 * inherits that; a user could also create the folder first (and own it), or make it a junction
 * to a folder of theirs, or plant a hard link to a system file in it. Before anything is written
 * into it, the deliveries run these PowerShell statements as SYSTEM. The folder is trusted only
 * when it is no reparse point, is owned by SYSTEM or Administrators, has a protected ACL (nothing
 * inherited from `C:\ProgramData`) that names no one but SYSTEM and Administrators, and everything
 * in it is owned by them and no reparse point; any other folder is moved aside (kept, for whoever
 * investigates) and made anew, already with its ACL. Then its owner is set to Administrators and
 * its ACL to SYSTEM and Administrators only, and the test runs again: a folder that still fails it
 * (a user re-created it in between) stops the carrier. PowerShell 2.0 (Windows Server 2008 R2) to
 * 5.1; every name is language-neutral (SIDs, not account names).
 */
import { SERVER_DIR } from "../activation/script";

/** SIDs of the only accounts that may write in the server folder: LocalSystem and the Administrators group. */
export const SERVER_FOLDER_WRITERS = ["S-1-5-18", "S-1-5-32-544"] as const;

/** The message the carrier stops with when the folder is still not trusted after securing it. */
export const FOLDER_NOT_OURS = "the server folder is still not owned and protected by SYSTEM and Administrators after securing it";

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
        "if ((Test-Path -LiteralPath $d) -and -not (Test-Folder)) { Move-Item -LiteralPath $d -Destination ($d + '.untrusted-' + (Get-Date -Format yyyyMMddHHmmss)); 'moved aside: an untrusted ' + $d }",
        "$acl = New-Object Security.AccessControl.DirectorySecurity",
        "$acl.SetOwner($ad)",
        "$acl.SetAccessRuleProtection($true, $false)",
        "foreach ($w in $sy, $ad) { $acl.AddAccessRule((New-Object Security.AccessControl.FileSystemAccessRule($w, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'))) }",
        "$null = [IO.Directory]::CreateDirectory($d, $acl)",
        "[IO.Directory]::SetAccessControl($d, $acl)",
        `if (-not (Test-Folder)) { throw '${FOLDER_NOT_OURS}' }`,
    ].join("\n");
}
