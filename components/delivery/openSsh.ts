/**
 * PowerShell that turns on the OpenSSH server at first boot, for SSH delivery. OpenSSH Server is
 * installed but stopped on Windows Server 2025 and an optional feature on 2019 and 2022; older
 * versions have no in-box OpenSSH, so the component refuses `enableOpenSsh` there.
 *
 * `Add-WindowsCapability` downloads the feature from Windows Update (or the WSUS the server is
 * pointed at): a server that reaches neither cannot install it. Each step that can fail says so,
 * naming the cause, in the user data's output (cloudbase-init's log); nothing is retried.
 */

/** The Windows versions whose images can turn on the in-box OpenSSH server. */
export const OPENSSH_VERSIONS = ["2019", "2022", "2025"] as const;

/** What the user data prints when OpenSSH Server cannot be installed. */
export const OPENSSH_INSTALL_FAILED =
    "OpenSSH Server could not be installed: Add-WindowsCapability downloads it from Windows Update or WSUS, and the server must reach one of them: ";

/** PowerShell statements that install (when missing), start and auto-start sshd, and open TCP 22 in Windows Firewall. */
export function renderOpenSshEnable(): string {
    return [
        "$sshd = Get-Service -Name sshd -ErrorAction SilentlyContinue",
        `if (-not $sshd) { try { $null = Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 -ErrorAction Stop } catch { '${OPENSSH_INSTALL_FAILED}' + $_ } }`,
        "try { Set-Service -Name sshd -StartupType Automatic -ErrorAction Stop; Start-Service -Name sshd -ErrorAction Stop } catch { 'OpenSSH Server could not be started: ' + $_ }",
        "if (-not (Get-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -ErrorAction SilentlyContinue)) {",
        "  New-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -DisplayName 'OpenSSH Server (sshd)' -Enabled True -Direction Inbound -Protocol TCP -Action Allow -LocalPort 22 | Out-Null",
        "}",
    ].join("\n");
}
