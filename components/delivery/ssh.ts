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
import { remote } from "@pulumi/command";

/** Where SSH delivery puts the carrier: relative to the SFTP home, the Administrator's profile folder. */
export const SSH_CARRIER_FILE = "tencentcloud-windows-activate.ps1";
/** The command that runs the carrier; OpenSSH on Windows starts it in the user's home folder. */
export const SSH_RUN_COMMAND = `%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File ${SSH_CARRIER_FILE}`;
/** The Windows account SSH delivery logs in as. */
export const SSH_USER = "Administrator";
/** Dial retries and per-dial timeout (s), enough for a first boot that also installs OpenSSH (about 30 minutes). */
export const SSH_DIAL = { errorLimit: 60, perDialTimeoutSeconds: 30 } as const;

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
export function sshAccessGroup(name: string, cidrs: string[], parent: pulumi.Resource): { group: tencentcloud.SecurityGroup; rules: tencentcloud.SecurityGroupRuleSet } {
    const group = new tencentcloud.SecurityGroup(`${name}-ssh`, { name: `${name}-ssh`, description: "tencentcloud-windows: SSH for activation" }, { parent });
    const rules = new tencentcloud.SecurityGroupRuleSet(
        `${name}-ssh-rules`,
        {
            securityGroupId: group.id,
            ingresses: cidrs.map((cidrBlock) => ({ action: "ACCEPT", cidrBlock, protocol: "TCP", port: "22", description: "SSH for activation" })),
        },
        { parent },
    );
    return { group, rules };
}

/** Copies and runs the carrier; returns the command's stdout. */
export function deliverWithSsh(name: string, args: SshDeliveryArgs, parent: pulumi.Resource): { command: remote.Command; stdout: pulumi.Output<string> } {
    const connection: remote.CommandArgs["connection"] = {
        host: args.host,
        port: 22,
        user: SSH_USER,
        password: pulumi.secret(args.password),
        dialErrorLimit: SSH_DIAL.errorLimit,
        perDialTimeout: SSH_DIAL.perDialTimeoutSeconds,
    };
    const copy = new remote.CopyToRemote(
        `${name}-script`,
        {
            connection,
            source: new pulumi.asset.StringAsset(args.carrier),
            remotePath: SSH_CARRIER_FILE,
            triggers: [args.scriptHash, args.instance.id],
        },
        { parent, dependsOn: [args.instance, ...args.dependsOn] },
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
