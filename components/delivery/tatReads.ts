/**
 * The two reads of TAT every deployment makes (agent status, and the tasks a command left on
 * instances), through the cheapest way the component may use: Tencent's API directly (100 a request,
 * {@link TatApi}) where it signs with exactly the default provider's credentials, otherwise the
 * provider's data sources `tencentcloud_tat_agent` (`getTatAgent`, 100 instances a call, paged at 20)
 * and `tencentcloud_tat_invocation_task` (`getTatInvocationTask`, 5 instances a call). Both give the
 * same answers; a direct read that fails is done again through the provider, with a warning.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { perDeployment, providerKey } from "../deployment";
import { API_PAGE, TatApi, VALUES_PER_FILTER, tatApiSettings } from "./tatApi";

/** One invocation's task on one instance, as DescribeInvocationTasks reports it. */
export interface TatTask {
    invocationId: string;
    instanceId: string;
    commandId: string;
    /** `SUCCESS`, `FAILED`, `TIMEOUT`, `RUNNING`, ... */
    taskStatus: string;
    /** `USER` (InvokeCommand, RunCommand) or `INVOKER` (a scheduled run). */
    invocationSource: string;
    /** When TAT made the task (`2026-01-01T00:00:00Z`). */
    createdTime: string;
    /** The base64 output ("" when it printed nothing or has not run). */
    output: string;
}

/** The TAT reads of one provider. */
export interface TatReads {
    /**
     * Each instance's agent status (`Online`, `Offline`); an instance Tencent does not list is absent,
     * one whose call failed is {@link statusCallFailed}.
     */
    agentStatuses(instanceIds: string[]): Promise<Map<string, string>>;
    /** Every task TAT keeps of `commandId` on `instanceIds`, outputs included. */
    commandTasks(commandId: string, instanceIds: string[]): Promise<TatTask[]>;
}

/** The status of an instance whose agent-status call failed with `error`. */
export function statusCallFailed(error: unknown): string {
    return `unknown (the status call failed: ${error instanceof Error ? error.message : String(error)})`;
}

/** The reads through the provider's data sources, 100 instances a `getTatAgent` call. */
export function dataSourceReads(provider: pulumi.ProviderResource | undefined): TatReads {
    return {
        async agentStatuses(instanceIds) {
            const status = new Map<string, string>();
            const calls: Promise<void>[] = [];
            for (let i = 0; i < instanceIds.length; i += API_PAGE) {
                const batch = instanceIds.slice(i, i + API_PAGE);
                calls.push(
                    tencentcloud.getTatAgent({ instanceIds: batch }, { provider }).then(
                        (r) => (r.automationAgentSets ?? []).forEach((a) => status.set(a.instanceId, a.agentStatus)),
                        (e) => batch.forEach((id) => status.set(id, statusCallFailed(e))),
                    ),
                );
            }
            await Promise.all(calls);
            return status;
        },
        async commandTasks(commandId, instanceIds) {
            const calls: Promise<tencentcloud.GetTatInvocationTaskResult>[] = [];
            for (let i = 0; i < instanceIds.length; i += VALUES_PER_FILTER) {
                const filters = [
                    { name: "command-id", values: [commandId] },
                    { name: "instance-id", values: instanceIds.slice(i, i + VALUES_PER_FILTER) },
                ];
                calls.push(tencentcloud.getTatInvocationTask({ filters, hideOutput: false }, { provider }));
            }
            return (await Promise.all(calls))
                .flatMap((r) => r.invocationTaskSets ?? [])
                .map((t) => ({
                    invocationId: t.invocationId,
                    instanceId: t.instanceId,
                    commandId: t.commandId,
                    taskStatus: t.taskStatus,
                    invocationSource: t.invocationSource,
                    createdTime: t.createdTime,
                    output: t.taskResults?.[0]?.output ?? "",
                }));
        },
    };
}

/** What a deployment decided for one provider: read directly (until a read fails) or not. */
interface Choice {
    api?: TatApi;
}

/** The warning when a direct read failed and the provider's data sources answer instead. */
function fallbackMessage(error: unknown): string {
    return (
        `Reading TAT directly failed (${error instanceof Error ? error.message : String(error)}); this deployment reads ` +
        "through the provider's data sources instead (the same answers, in about five times the requests)."
    );
}

/**
 * The TAT reads for `provider` in this deployment: direct for the default provider with a plain key
 * pair, through the data sources otherwise. After a direct read fails, every later read of the
 * deployment goes through the provider (one warning).
 */
export async function tatReadsFor(provider: pulumi.ProviderResource | undefined): Promise<TatReads> {
    const choices = perDeployment("tatReads", () => new Map<string, Choice>());
    const key = await providerKey(provider);
    let choice = choices.get(key);
    if (choice === undefined) {
        const config = new pulumi.Config("tencentcloud");
        const settings =
            provider === undefined
                ? tatApiSettings((k) => config.get(k), process.env)
                : { unavailable: "an explicit provider" };
        choice = "unavailable" in settings ? {} : { api: new TatApi(settings) };
        choices.set(key, choice);
    }
    const viaProvider = dataSourceReads(provider);
    const made = choice;
    /** `read` directly while that works, else through the provider. */
    async function directly<R>(read: (r: TatReads) => Promise<R>): Promise<R | undefined> {
        const api = made.api;
        if (api === undefined) {
            return undefined;
        }
        try {
            return await read(api);
        } catch (e) {
            if (made.api !== undefined) {
                made.api = undefined;
                await pulumi.log.warn(fallbackMessage(e));
            }
            return undefined;
        }
    }
    return {
        async agentStatuses(instanceIds) {
            const found = await directly((r) => r.agentStatuses(instanceIds));
            if (found === undefined) {
                return viaProvider.agentStatuses(instanceIds);
            }
            // An instance the direct answer does not list is asked through the provider: it is the
            // provider's word that decides whether its agent is offline.
            const unlisted = instanceIds.filter((id) => !found.has(id));
            if (unlisted.length > 0) {
                (await viaProvider.agentStatuses(unlisted)).forEach((s, id) => found.set(id, s));
            }
            return found;
        },
        async commandTasks(commandId, instanceIds) {
            return (
                (await directly((r) => r.commandTasks(commandId, instanceIds))) ??
                viaProvider.commandTasks(commandId, instanceIds)
            );
        },
    };
}
