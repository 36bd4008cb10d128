/**
 * What a component registers on one instance for one TAT command, decided the same way in preview
 * and update from what they both can read: whether the instance runs (DescribeInstances, and in an
 * update its agent) and what TAT keeps of the command there ({@link findTatRecords}). Never from
 * whether the stack's state happens to hold an attachment, which the program cannot see.
 */
import * as pulumi from "@pulumi/pulumi";
import { readActivationOutput } from "../activation/report";
import { knownValue } from "../known";
import { ScriptCommand } from "./activationCommand";
import * as tencentcloud from "@pulumi/tencentcloud";
import { KeptInvocation, readTatOutputs, registerTatInvocation } from "./tat";
import { AgentReadiness } from "./tatAgent";
import { InstanceRecords, TatRecord, findTatRecordsOn } from "./tatRecords";

/** What to register on an instance, and where its report comes from. */
export type TatRunPlan =
    /** TAT keeps a deployment's run of the command there: register that invocation (an import); nothing runs. */
    | { action: "keep"; record: TatRecord }
    /**
     * TAT keeps no deployment's run but a keep-activated schedule run that found Windows licensed:
     * register nothing (the schedule runs it); that run is the report. After `pulumi refresh` forgot an
     * expired record. A schedule run that did not license Windows stands for nothing: the instance is
     * planned as if TAT kept no run (so a failure gets a fresh run, and an attachment to run again).
     */
    | { action: "schedule"; record: TatRecord }
    /**
     * The instance runs and TAT keeps nothing: register an invocation (the script runs unless the stack
     * already holds one).
     */
    | { action: "invoke" }
    /** The instance does not run and TAT keeps nothing: register nothing, run nothing. */
    | { action: "none" };

/** The plan for an instance that `running` (or not) where TAT keeps `records`. */
export function planTatRun(records: InstanceRecords, running: boolean): TatRunPlan {
    if (records.deployment !== undefined) {
        return { action: "keep", record: records.deployment };
    }
    if (records.schedule !== undefined && licensedBy(records.schedule)) {
        return { action: "schedule", record: records.schedule };
    }
    return running ? { action: "invoke" } : { action: "none" };
}

/** True when a run's output (an activation's result line) says Windows is licensed. */
function licensedBy(record: TatRecord): boolean {
    return readActivationOutput(recordedOutput(record).output, "base64").status === "Licensed";
}

/** Task statuses of an invocation that has not ended (TAT API, InvocationTask.TaskStatus). */
const NOT_ENDED = ["PENDING", "DELIVERING", "DELIVER_DELAYED", "RUNNING", "CANCELLING"];

/**
 * A kept task's output (base64), or, when it printed nothing (the carrier always prints its result,
 * so the run did not reach its end), why not, for the report.
 */
export function recordedOutput(record: TatRecord): { output?: string; missing?: string } {
    if (record.output !== "") {
        return { output: record.output };
    }
    const ran = record.source === "INVOKER" ? "The keep-activated schedule's last run" : "The last run";
    if (NOT_ENDED.includes(record.taskStatus)) {
        return {
            missing: `${ran} (TAT invocation ${record.invocationId}) is still ${record.taskStatus}: a later \`pulumi up\` reads its result`,
        };
    }
    return {
        missing:
            `${ran} (TAT invocation ${record.invocationId}) ended ${record.taskStatus} without output ` +
            "(the server restarted or was stopped, the agent restarted, or TAT could not deliver it)",
    };
}

/** What one server's run of a command brought back: its base64 output, or why there is none. */
export interface ServerRun {
    plan: TatRunPlan["action"];
    /** The task's base64 output (unknown in a preview of a new invocation). */
    output?: string;
    /** Why there is no output, when there is none. */
    missing?: string;
}

/** What TAT keeps of `commandId` on `instanceId`: nothing when the command is not created yet (it ran nowhere). */
async function recordsOn(
    commandId: pulumi.Output<string>,
    instanceId: string,
    provider: pulumi.ProviderResource | undefined,
): Promise<InstanceRecords> {
    const command = await knownValue(commandId);
    return command === undefined ? {} : findTatRecordsOn(command.value, instanceId, provider);
}

/** A registered invocation, under `key`, and the kept record it was registered from, if any. */
export interface Registered {
    key: string;
    attachment: tencentcloud.TatInvocationInvokeAttachment;
    kept?: TatRecord;
}

/**
 * The output of each registered invocation, by key: the kept record's own when the stack holds that
 * invocation; else (a new invocation, or one `pulumi up --replace` made in place of the kept one)
 * the new invocation's, read {@link readTatOutputs} 5 a call.
 */
export function registeredOutputs(
    registered: Registered[],
    parent: pulumi.Resource,
): pulumi.Output<{ [key: string]: { output?: string; missing?: string } }> {
    return pulumi.all(registered.map((r) => r.attachment.invocationId)).apply((ids) => {
        const fresh = registered.flatMap((r, k) =>
            r.kept?.invocationId === ids[k] ? [] : [{ key: r.key, id: ids[k] }],
        );
        return readTatOutputs(
            fresh.map((f) => f.id),
            parent,
        ).apply((out) => {
            const outputs: { [key: string]: { output?: string; missing?: string } } = {};
            registered.forEach((r, k) => {
                if (r.kept !== undefined && r.kept.invocationId === ids[k]) {
                    outputs[r.key] = recordedOutput(r.kept);
                }
            });
            fresh.forEach((f, k) => (outputs[f.key] = { output: out[k] }));
            return outputs;
        });
    });
}

/**
 * Registers what {@link planTatRun} decides for the server `instanceId` and the command `command`
 * (as `name`), and returns what it brought back. A server whose ID is not known yet (a preview of a
 * new or replaced server) shows the invocation an update will make; any other asks `ready` whether
 * it runs, and TAT what it keeps of the command there (through `provider`, the parent's).
 */
export function runTatOnServer(
    name: string,
    command: ScriptCommand,
    instanceId: pulumi.Output<string>,
    ready: pulumi.Output<AgentReadiness>,
    parent: pulumi.Resource,
    provider: pulumi.ProviderResource | undefined,
): pulumi.Output<ServerRun> {
    const { commandId, timeoutSeconds } = command;
    const register = (plan: TatRunPlan["action"], kept?: KeptInvocation & { record: TatRecord }) => {
        const attachment = registerTatInvocation(name, commandId, instanceId, timeoutSeconds, parent, kept);
        return registeredOutputs([{ key: name, attachment, kept: kept?.record }], parent).apply((o): ServerRun => ({
            plan,
            ...o[name],
        }));
    };
    return pulumi.output(knownValue(instanceId)).apply((known) =>
        known === undefined
            ? register("invoke")
            : ready.apply((r) =>
                  pulumi.output(recordsOn(commandId, r.instanceId, provider)).apply((records) => {
                      const plan = planTatRun(records, r.running);
                      switch (plan.action) {
                          case "keep":
                              return register(plan.action, {
                                  invocationId: plan.record.invocationId,
                                  instanceId: r.instanceId,
                                  record: plan.record,
                              });
                          case "invoke":
                              return register(plan.action);
                          case "schedule":
                              return pulumi.output<ServerRun>({ plan: plan.action, ...recordedOutput(plan.record) });
                          case "none":
                              return pulumi.output<ServerRun>({ plan: plan.action });
                      }
                  }),
              ),
    );
}
