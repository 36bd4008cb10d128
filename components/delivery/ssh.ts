/**
 * SSH delivery through `@pulumi/command`: the same PowerShell carrier that TAT runs is copied over
 * SFTP into the Administrator's home folder (only SYSTEM, Administrators and that account can
 * write there) and run by full path, as the built-in Administrator: it secures the server folder,
 * writes the script into it and runs it from there. The password travels only in the (always
 * secret) connection, never in the command text, which a failed command prints in its error. The
 * command always exits 0; the result travels in stdout.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { local, remote } from "@pulumi/command";

/** Where SSH delivery puts the carrier: relative to the SFTP home, the Administrator's profile folder. */
const SSH_CARRIER_FILE = "tencentcloud-windows-activate.ps1";
/** The command that runs the carrier; OpenSSH on Windows starts it in the user's home folder. */
export const SSH_RUN_COMMAND = `%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File ${SSH_CARRIER_FILE}`;
/** The Windows account SSH delivery logs in as. */
const SSH_USER = "Administrator";
/**
 * Dial retries and per-dial timeout (s) of the copy and the
 * command, once {@link SSH_WAIT_SECONDS} has seen sshd answer.
 */
const SSH_DIAL = { errorLimit: 10, perDialTimeoutSeconds: 30 } as const;
/** The SSH port. */
const SSH_PORT = 22;
/**
 * How long `pulumi up` waits for the server's sshd to answer: a first boot that also downloads and installs OpenSSH.
 */
const SSH_WAIT_SECONDS = 1500;

/** The message `pulumi up` fails with when sshd never answered: names the likely cause and how to confirm it. */
export function sshWaitMessage(host: string, seconds: number): string {
    return (
        `SSH delivery: nothing answered SSH on ${host}:${SSH_PORT} within ${seconds} s. On Windows Server 2019 and 2022 the server installs ` +
        "OpenSSH at first boot with Add-WindowsCapability, which downloads it from Windows Update or WSUS: a server that reaches neither " +
        "cannot install it (cloudbase-init's log on the server then says 'OpenSSH Server could not be installed'). Give the VPC a way to " +
        "Windows Update (a NAT gateway or a public IP) or a WSUS, or use delivery 'tat'; also check that sshAllowedCidrs includes the " +
        "address this deployment runs from."
    );
}

/**
 * The command that waits for sshd, run where `pulumi up` runs (by `@pulumi/command`'s local.Command,
 * through `/bin/sh -c` or `cmd /C`): Node connects to TCW_HOST:TCW_PORT every 10 s until the server
 * sends an SSH identification line (exit 0), or prints TCW_MESSAGE to stderr and exits 1 after
 * TCW_SECONDS. The script has no character either shell treats specially inside double quotes.
 */
export const SSH_WAIT_COMMAND =
    "node -e \"const net=require('net');const h=process.env.TCW_HOST,p=Number(process.env.TCW_PORT),end=Date.now()+1000*Number(process.env.TCW_SECONDS);" +
    "function once(){let got='';const s=net.connect({host:h,port:p});s.setTimeout(10000);" +
    "s.on('data',d=>{got+=d;if(got.indexOf('SSH-')===0){s.destroy();process.exit(0)}});s.on('timeout',()=>s.destroy());s.on('error',()=>{});" +
    "s.on('close',()=>{if(Date.now()>=end){console.error(process.env.TCW_MESSAGE);process.exit(1)}setTimeout(once,10000)})}once()\"";

/** What SSH delivery needs. */
export interface SshDeliveryArgs {
    /** The address to connect to. */
    host: pulumi.Input<string>;
    /** The Administrator password (kept secret). */
    password: pulumi.Input<string>;
    /** The PowerShell carrier of the batch script (TAT mode: it always exits 0). */
    carrier: string;
    /** A hash of the script: a change re-runs the activation. */
    scriptHash: string;
    /** The instance (its replacement re-runs the activation too). */
    instance: tencentcloud.Instance;
    /** Further resources to wait for (the SSH security group rules). */
    dependsOn: pulumi.Resource[];
}

/** A security group, with its rules, that lets `cidrs` reach TCP 22: SSH delivery adds it to the server's groups. */
export function sshAccessGroup(
    name: string,
    cidrs: string[],
    parent: pulumi.Resource,
): { group: tencentcloud.SecurityGroup; rules: tencentcloud.SecurityGroupRuleSet } {
    const group = new tencentcloud.SecurityGroup(
        `${name}-ssh`,
        { name: `${name}-ssh`, description: "tencentcloud-windows: SSH for activation" },
        { parent },
    );
    const rules = new tencentcloud.SecurityGroupRuleSet(
        `${name}-ssh-rules`,
        {
            securityGroupId: group.id,
            ingresses: cidrs.map((cidrBlock) => ({
                action: "ACCEPT",
                cidrBlock,
                protocol: "TCP",
                port: "22",
                description: "SSH for activation",
            })),
        },
        { parent },
    );
    return { group, rules };
}

/** Copies and runs the carrier; returns the command's stdout. */
export function deliverWithSsh(
    name: string,
    args: SshDeliveryArgs,
    parent: pulumi.Resource,
): { command: remote.Command; stdout: pulumi.Output<string> } {
    const connection: remote.CommandArgs["connection"] = {
        host: args.host,
        port: SSH_PORT,
        user: SSH_USER,
        password: pulumi.secret(args.password),
        dialErrorLimit: SSH_DIAL.errorLimit,
        perDialTimeout: SSH_DIAL.perDialTimeoutSeconds,
    };
    // Wait (bounded) for sshd to answer, so that a server that could not
    // install OpenSSH fails with its cause, not 30 minutes of dials.
    const wait = new local.Command(
        `${name}-ssh-wait`,
        {
            create: SSH_WAIT_COMMAND,
            environment: {
                TCW_HOST: args.host,
                TCW_PORT: String(SSH_PORT),
                TCW_SECONDS: String(SSH_WAIT_SECONDS),
                TCW_MESSAGE: pulumi.output(args.host).apply((h) => sshWaitMessage(h, SSH_WAIT_SECONDS)),
            },
            triggers: [args.instance.id],
        },
        { parent, dependsOn: [args.instance, ...args.dependsOn] },
    );
    const copy = new remote.CopyToRemote(
        `${name}-script`,
        {
            connection,
            source: new pulumi.asset.StringAsset(args.carrier),
            remotePath: SSH_CARRIER_FILE,
            triggers: [args.scriptHash, args.instance.id],
        },
        { parent, dependsOn: [wait] },
    );
    const command = new remote.Command(
        name,
        {
            connection,
            create: `${SSH_RUN_COMMAND} & exit /b 0`,
            triggers: [args.scriptHash, args.instance.id],
        },
        { parent, dependsOn: [copy] },
    );
    return { command, stdout: command.stdout };
}
