/**
 * The record of a script run, found in TAT by identity rather than in the stack's state: the latest
 * invocation that a deployment made (InvocationSource `USER`, not a keep-activated schedule run:
 * `INVOKER`) of one command on one instance. A command belongs to one script, stack and provider
 * (its name carries all three), so that invocation is the one the server's attachment made, whatever
 * the stack's state still holds: after `pulumi refresh` forgot it, after the instance was skipped
 * while stopped, after a create that timed out. Components register an attachment from it (an
 * import of that invocation, which invokes nothing) instead of creating one, and only create one
 * where there is no record: the same cloud gives the same registrations in preview and update.
 */
import * as pulumi from "@pulumi/pulumi";
import { perDeployment, providerKey } from "../deployment";
import { TatTask, tatReadsFor } from "./tatReads";

/** One invocation's task on one instance, as DescribeInvocationTasks reports it. */
export interface TatRecord {
    invocationId: string;
    /** `SUCCESS`, `FAILED`, `TIMEOUT`, `RUNNING`, ... (the task's status). */
    taskStatus: string;
    /** The task's base64 output ("" when it printed nothing or has not run). */
    output: string;
    /** `USER` (InvokeCommand, RunCommand) or `INVOKER` (a scheduled run). */
    source: string;
}

/** What TAT keeps of a command on one instance: its latest deployment run and its latest schedule run. */
export interface InstanceRecords {
    deployment?: TatRecord;
    schedule?: TatRecord;
}

/**
 * Per instance, the latest `USER` task of `commandId` among `tasks` (by creation time, then invocation
 * ID) and, apart, the latest `INVOKER` task: what it last ran on a schedule. Tasks of other commands,
 * and of other sources, are ignored. A plain object (it travels through outputs).
 */
export function latestRecords(tasks: TatTask[], commandId: string): { [instanceId: string]: InstanceRecords } {
    const latest: { [instanceId: string]: InstanceRecords } = {};
    const order = (t: { createdTime: string; invocationId: string }) => `${t.createdTime}|${t.invocationId}`;
    const newer = new Map<TatRecord, string>();
    for (const t of tasks) {
        const slot =
            t.invocationSource === "USER" ? "deployment" : t.invocationSource === "INVOKER" ? "schedule" : undefined;
        if (t.commandId !== commandId || slot === undefined) {
            continue;
        }
        const records = (latest[t.instanceId] ??= {});
        const known = records[slot];
        if (known === undefined || newer.get(known)! < order(t)) {
            const record = {
                invocationId: t.invocationId,
                taskStatus: t.taskStatus,
                output: t.output,
                source: t.invocationSource,
            };
            newer.set(record, order(t));
            records[slot] = record;
        }
    }
    return latest;
}

/**
 * What TAT keeps of `commandId` on `instanceIds` through `provider` ({@link tatReadsFor}): for each
 * instance its latest deployment run and its latest schedule run ({@link latestRecords}).
 */
export async function findTatRecords(
    commandId: string,
    instanceIds: string[],
    provider: pulumi.ProviderResource | undefined,
): Promise<{ [instanceId: string]: InstanceRecords }> {
    const reads = await tatReadsFor(provider);
    return latestRecords(await reads.commandTasks(commandId, instanceIds), commandId);
}

/** Lookups of one command through one provider asked in the same turn, not made yet. */
interface Batch {
    waiting: Map<string, ((r: InstanceRecords) => void)[]>;
    failed: ((e: unknown) => void)[];
}

/**
 * {@link findTatRecords} for one instance, through `provider`: the lookups of one command that servers
 * of one deployment ask in the same turn of the event loop share calls (5 instances each), so 500 new
 * servers make 100 data source calls, not 500 (or a few direct requests). Only the grouping into calls depends on timing; each instance's
 * answer does not.
 */
export async function findTatRecordsOn(
    commandId: string,
    instanceId: string,
    provider: pulumi.ProviderResource | undefined,
): Promise<InstanceRecords> {
    const batches = perDeployment("tatRecordBatches", () => new Map<string, Batch>());
    const key = `${await providerKey(provider)}|${commandId}`;
    return new Promise<InstanceRecords>((resolve, reject) => {
        let batch = batches.get(key);
        if (batch === undefined) {
            const made: Batch = { waiting: new Map(), failed: [] };
            batches.set(key, made);
            batch = made;
            setTimeout(() => {
                batches.delete(key);
                const ids = [...made.waiting.keys()];
                findTatRecords(commandId, ids, provider).then(
                    (found) => made.waiting.forEach((rs, id) => rs.forEach((r) => r(found[id] ?? {}))),
                    (e) => made.failed.forEach((f) => f(e)),
                );
            }, 0);
        }
        batch.waiting.set(instanceId, [...(batch.waiting.get(instanceId) ?? []), resolve]);
        batch.failed.push(reject);
    });
}
