/**
 * PowerShell that turns on the OpenSSH server at first boot, for SSH delivery. OpenSSH Server is
 * installed but stopped on Windows Server 2025 and an optional feature on 2019 and 2022; older
 * versions have no in-box OpenSSH, so the component refuses `enableOpenSsh` there.
 *
 * `Add-WindowsCapability` downloads the feature from Windows Update (or the WSUS the server is
 * pointed at): a server that reaches neither cannot install it. Each step that can fail says so,
 * naming the cause, in the user data's output (cloudbase-init's log); nothing is retried.
 *
 * The Windows Firewall rule `OpenSSH-Server-In-TCP` is made to allow inbound TCP 22 on every
 * profile whether setup created it or not: on Windows Server 2025 the built-in rule is enabled for
 * the Domain and Private profiles only (OpenNebula one-apps PR #345), and a cloud server's network is
 * often Public. Microsoft's guide only checks that the rule exists ("Get started with OpenSSH for
 * Windows"). The security group (`sshAllowedCidrs`) is the boundary, not the profile.
 */

/** The Windows versions whose images can turn on the in-box OpenSSH server. */
export const OPENSSH_VERSIONS = ["2019", "2022", "2025"] as const;

/** What the user data prints when OpenSSH Server cannot be installed. */
export const OPENSSH_INSTALL_FAILED =
    "OpenSSH Server could not be installed (Add-WindowsCapability needs Windows Update or WSUS): ";

/** The name of the Windows Firewall rule OpenSSH Server's setup creates (Microsoft's OpenSSH guide). */
export const OPENSSH_FIREWALL_RULE = "OpenSSH-Server-In-TCP";

/** What the user data prints when the firewall rule cannot be created or set. */
export const OPENSSH_FIREWALL_FAILED = `Windows Firewall could not be opened for sshd (rule ${OPENSSH_FIREWALL_RULE}, inbound TCP 22): `;

/**
 * PowerShell statements that install (when missing), start and auto-start sshd, and make the
 * firewall rule exist (created when missing) and then, whether it existed or not, enabled for inbound
 * TCP 22 on every profile (`-Profile Any`).
 */
export function renderOpenSshEnable(): string {
    const rule = `-Name '${OPENSSH_FIREWALL_RULE}'`;
    // Set on creation too, in full: New-NetFirewallRule's defaults (Profile Any, Enabled True) are not relied on.
    const allow = "-Enabled True -Profile Any -Direction Inbound -Action Allow -Protocol TCP -LocalPort 22";
    return [
        "$sshd = Get-Service -Name sshd -ErrorAction SilentlyContinue",
        `if (-not $sshd) { try { $null = Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 -ErrorAction Stop } catch { '${OPENSSH_INSTALL_FAILED}' + $_ } }`,
        "try { Set-Service -Name sshd -StartupType Automatic -ErrorAction Stop; Start-Service -Name sshd -ErrorAction Stop } catch { 'OpenSSH Server could not be started: ' + $_ }",
        "try {",
        `  if (-not (Get-NetFirewallRule ${rule} -ErrorAction SilentlyContinue)) { New-NetFirewallRule ${rule} -DisplayName 'OpenSSH Server (sshd)' ${allow} -ErrorAction Stop | Out-Null }`,
        `  Set-NetFirewallRule ${rule} ${allow} -ErrorAction Stop`,
        `} catch { '${OPENSSH_FIREWALL_FAILED}' + $_ }`,
    ].join("\n");
}
