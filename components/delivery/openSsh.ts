/**
 * PowerShell that turns on the OpenSSH server at first boot, for SSH delivery. OpenSSH Server is
 * installed but stopped on Windows Server 2025 and an optional feature on 2019 and 2022; older
 * versions have no in-box OpenSSH, so the component refuses `enableOpenSsh` there.
 */

/** The Windows versions whose images can turn on the in-box OpenSSH server. */
export const OPENSSH_VERSIONS = ["2019", "2022", "2025"] as const;

/** PowerShell statements that install (when missing), start and auto-start sshd, and open TCP 22 in Windows Firewall. */
export function renderOpenSshEnable(): string {
    return [
        "$sshd = Get-Service -Name sshd -ErrorAction SilentlyContinue",
        "if (-not $sshd) { Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 | Out-Null }",
        "Set-Service -Name sshd -StartupType Automatic",
        "Start-Service -Name sshd",
        "if (-not (Get-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -ErrorAction SilentlyContinue)) {",
        "  New-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -DisplayName 'OpenSSH Server (sshd)' -Enabled True -Direction Inbound -Protocol TCP -Action Allow -LocalPort 22 | Out-Null",
        "}",
    ].join("\n");
}
