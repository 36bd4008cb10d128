/**
 * SSH delivery through `@pulumi/command`: the script is copied to the server over SFTP and run
 * with cmd.exe (Windows OpenSSH's default shell) as the built-in Administrator. The password
 * travels only in the (always secret) connection, never in the command text, which a failed
 * command prints in its error. The command always exits 0; the result travels in stdout.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { remote } from "@pulumi/command";

/** Where SSH delivery puts the script on the server (a folder every Windows version has). */
export const SSH_SCRIPT_PATH = "C:\\Windows\\Temp\\tencentcloud-windows-activate.cmd";
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
    /** The batch script to copy and run. */
    script: string;
    /** A hash of the script: a change re-runs the activation. */
    scriptHash: string;
    /** The instance (its replacement re-runs the activation too). */
    instance: tencentcloud.Instance;
    /** Further resources to wait for (the SSH security group rules). */
    dependsOn: pulumi.Resource[];
}

/** Copies and runs the script; returns the command's stdout. */
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
            source: new pulumi.asset.StringAsset(args.script),
            remotePath: SSH_SCRIPT_PATH.replace(/\\/g, "/"),
            triggers: [args.scriptHash, args.instance.id],
        },
        { parent, dependsOn: [args.instance, ...args.dependsOn] },
    );
    const command = new remote.Command(
        name,
        {
            connection,
            create: `cmd.exe /c ${SSH_SCRIPT_PATH} & exit /b 0`,
            triggers: [args.scriptHash, args.instance.id],
        },
        { parent, dependsOn: [copy] },
    );
    return { command, stdout: command.stdout };
}
