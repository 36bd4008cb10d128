/**
 * The server folder (`C:\ProgramData\TencentCloudWindows`) made safe for a SYSTEM script.
 *
 * `C:\ProgramData` lets every local user create folders and files, and a folder made there
 * inherits that; a user could also create the folder first (and own it), or make it a junction
 * to a folder of theirs. Before anything is written into it, the deliveries run these PowerShell
 * statements as SYSTEM: when the folder, or anything in it, is a reparse point or is owned by
 * anyone but SYSTEM or Administrators, the folder is moved aside (kept, for whoever investigates)
 * and made anew; then its ACL is set to SYSTEM and Administrators only, with inheritance from
 * `C:\ProgramData` cut, so nothing in it can be changed by an ordinary user. PowerShell 2.0
 * (Windows Server 2008 R2) to 5.1; every name is language-neutral (SIDs, not account names).
 */
import { SERVER_DIR } from "../activation/script";

/** SIDs of the only accounts that may write in the server folder: LocalSystem and the Administrators group. */
export const SERVER_FOLDER_WRITERS = ["S-1-5-18", "S-1-5-32-544"] as const;

/** PowerShell statements that create or repair the server folder; `$d` holds its path afterwards. */
export function renderSecureServerFolder(): string {
    const [system, admins] = SERVER_FOLDER_WRITERS;
    return [
        `$d = '${SERVER_DIR}'`,
        `$sy = New-Object Security.Principal.SecurityIdentifier '${system}'`,
        `$ad = New-Object Security.Principal.SecurityIdentifier '${admins}'`,
        "function Test-Ours($i) { if ($i.Attributes -band [IO.FileAttributes]::ReparsePoint) { return $false }; $o = $i.GetAccessControl().GetOwner([Security.Principal.SecurityIdentifier]); ($o -eq $sy) -or ($o -eq $ad) }",
        "if (Test-Path -LiteralPath $d) {",
        "  $bad = @(Get-Item -LiteralPath $d -Force | Where-Object { -not (Test-Ours $_) }).Count",
        "  if (-not $bad) { $bad = @(Get-ChildItem -LiteralPath $d -Force | Where-Object { -not (Test-Ours $_) }).Count }",
        "  if ($bad) { Rename-Item -LiteralPath $d -NewName ('TencentCloudWindows.untrusted-' + (Get-Date -Format yyyyMMddHHmmss)); 'moved aside: an untrusted ' + $d }",
        "}",
        "$null = [IO.Directory]::CreateDirectory($d)",
        "$acl = New-Object Security.AccessControl.DirectorySecurity",
        "$acl.SetAccessRuleProtection($true, $false)",
        "foreach ($w in $sy, $ad) { $acl.AddAccessRule((New-Object Security.AccessControl.FileSystemAccessRule($w, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'))) }",
        "[IO.Directory]::SetAccessControl($d, $acl)",
    ].join("\n");
}
