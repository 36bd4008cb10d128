/**
 * TAT delivery: a `TatCommand` per distinct script (shared by every server that runs it) and a
 * `TatInvocationInvokeAttachment` per server (a new invocation, or one TAT keeps, taken up by its ID:
 * `tatRun.ts` decides which), then the task's output read back through `getTatInvocationTask`. The
 * carrier always exits 0, because the attachment waits for SUCCESS and would otherwise hang `pulumi up`
 * until its create timeout; the result travels in the output.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { TAT_TIMEOUT_MARGIN_SECONDS } from "../activation/schedule";
import { accountNameTag, perDeployment, providerKey } from "../deployment";
import { scriptHash } from "./carrier";
import { VALUES_PER_FILTER } from "./tatApi";

/**
 * The working directory TAT runs the carrier in: a folder only Administrators can write (the
 * provider's default, /root, does not exist on Windows; C:\\Windows\\Temp is writable by every user).
 */
const TAT_WORKING_DIRECTORY = "C:\\Windows\\System32";

/**
 * The longest TAT command name Tencent accepts (CreateCommand
 * `CommandName`: "up to 60 bytes"; provider `resource_tc_tat_command.go`).
 */
export const TAT_NAME_MAX = 60;

/**
 * The ID of the TAT command for `content`: created once per content and provider in a deployment. Its
 * resource is named after the content's hash and the provider's key ({@link providerKey}: two providers
 * never share one), so a changed script is a new command, and every attachment that uses it is
 * replaced, which re-runs the script. Its name in the cloud adds {@link accountNameTag} (organization,
 * project, stack, provider): TAT command names are unique in a region, and two stacks of one account
 * deploy the same script.
 */
export function sharedTatCommand(
    content: string,
    timeoutSeconds: number,
    provider: pulumi.ProviderResource | undefined,
): pulumi.Output<string> {
    const commands = perDeployment("tatCommands", () => new Map<string, tencentcloud.TatCommand>());
    const hash = scriptHash(content);
    return pulumi.output(providerKey(provider)).apply((key) => {
        const name = `tencentcloud-windows-${hash}${key ? `-${key}` : ""}`;
        let command = commands.get(name);
        if (command === undefined) {
            command = new tencentcloud.TatCommand(
                name,
                {
                    // 21 + 12 + 1 + 8 = 42 characters: letters, digits and '-' only.
                    commandName: `tencentcloud-windows-${hash}-${accountNameTag(key)}`,
                    description: "tencentcloud-windows: KMS activation (PowerShell carrier of the batch script)",
                    content,
                    commandType: "POWERSHELL",
                    workingDirectory: TAT_WORKING_DIRECTORY,
                    timeout: timeoutSeconds,
                },
                { provider },
            );
            commands.set(name, command);
        }
        return command.id;
    });
}

/**
 * Inputs the provider's Read fills in from DescribeInvocations although the program never sets them
 * (`resource_tc_tat_invocation_invoke_attachment.go` Read: `parameters`, `username`, the COS output
 * settings; all ForceNew), and `timeouts`, which only matters to a Create: ignored, so that a record
 * read back by `pulumi refresh` or an import never looks changed (a ForceNew diff would invoke again).
 */
const READ_ONLY_INPUTS = ["timeouts", "parameters", "username", "outputCosBucketUrl", "outputCosKeyPrefix"];

/** An invocation TAT keeps, to register instead of invoking: its ID, and the instance it ran on. */
export interface KeptInvocation {
    invocationId: string;
    instanceId: string;
}

/**
 * Registers the invocation of the command `commandId` on `instanceId`: a new invocation when the
 * stack has none with these inputs (the provider's Create invokes, then waits for SUCCESS), or, with
 * `kept`, that existing invocation, imported by its ID with every input ignored: the provider only
 * reads it, whether or not the stack's state still holds it, and nothing runs on the server.
 */
export function registerTatInvocation(
    name: string,
    commandId: pulumi.Input<string>,
    instanceId: pulumi.Input<string>,
    timeoutSeconds: number,
    parent: pulumi.Resource,
    kept?: KeptInvocation,
): tencentcloud.TatInvocationInvokeAttachment {
    // How long the provider's Create polls for SUCCESS: the Terraform `timeouts` block of the resource
    // (default 20 minutes). The dynamic bridge ignores `customTimeouts` (pulumi-terraform-bridge
    // pkg/pf/tfbridge provider_create.go never reads its timeout argument; issue #827); the block reaches
    // the provider's d.Timeout(TimeoutCreate) through the plan's private data.
    const timeouts = { create: `${Math.ceil((timeoutSeconds + TAT_TIMEOUT_MARGIN_SECONDS) / 60)}m` };
    return new tencentcloud.TatInvocationInvokeAttachment(
        name,
        { commandId, instanceId, workingDirectory: TAT_WORKING_DIRECTORY, timeout: timeoutSeconds, timeouts },
        {
            parent,
            ignoreChanges: kept !== undefined ? ["*"] : READ_ONLY_INPUTS,
            // The provider's ID of an attachment is `<invocation ID>#<instance ID>` (its Create's d.SetId);
            // its importer takes that ID as it is (ImportStatePassthrough). The engine imports only when
            // the stack does not already hold that ID under this URN (step_generator.go, isImport).
            import: kept !== undefined ? `${kept.invocationId}#${kept.instanceId}` : undefined,
            // An attachment is the record of one past invocation: deleting it undoes nothing on the
            // server. The provider's Delete (CancelInvocation, then DescribeInvocations) fails once TAT
            // no longer keeps the record (ResourceNotFound.InvocationNotFound; an empty answer would
            // even index past its end), which would fail every later replacement: Pulumi only forgets it.
            retainOnDelete: true,
        },
    );
}

/**
 * The base64 outputs of many one-instance invocations, read {@link VALUES_PER_FILTER} a call
 * (undefined where TAT has no record), in the order given.
 */
export function readTatOutputs(
    invocationIds: pulumi.Input<string>[],
    parent: pulumi.Resource,
): pulumi.Output<(string | undefined)[]> {
    return pulumi.all(invocationIds).apply(async (ids) => {
        const reads: Promise<tencentcloud.GetTatInvocationTaskResult>[] = [];
        for (let i = 0; i < ids.length; i += VALUES_PER_FILTER) {
            reads.push(
                tencentcloud.getTatInvocationTask(
                    {
                        filters: [{ name: "invocation-id", values: ids.slice(i, i + VALUES_PER_FILTER) }],
                        hideOutput: false,
                    },
                    { parent },
                ),
            );
        }
        const sets = (await Promise.all(reads)).flatMap((r) => r.invocationTaskSets ?? []);
        if (ids.length === 1) {
            // One invocation asked for by its ID: the one task is its task (users' own mocks often
            // answer without the IDs, as 0.3 read it).
            return [sets[0]?.taskResults?.[0]?.output];
        }
        const byId = new Map(sets.map((t) => [t.invocationId, t.taskResults?.[0]?.output]));
        return ids.map((id) => byId.get(id));
    });
}
