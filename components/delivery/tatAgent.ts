/**
 * Waiting for a new server's TAT agent before anything is invoked on it. Tencent's InvokeCommand
 * (and CreateInvoker) refuse an instance whose agent is not online yet
 * (`ResourceUnavailable.AgentStatusNotOnline`), and a new Windows CVM brings its agent online some
 * time after it reports RUNNING; the provider retries that error for 5 minutes only.
 *
 * During `pulumi up` (never in preview) the instance ID is held back until the `tencentcloud_tat_agent`
 * data source reports the agent `Online`. The polling is batched per deployment and provider: every
 * round asks once per 100 waiting instances (the API's limit per call; it allows 20 calls a second),
 * so 500 servers waiting together make 5 calls a round, not 500.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { perDeployment, providerKey } from "../deployment";

/** Instances per `DescribeAutomationAgentStatus` call (Tencent's limit). */
export const AGENT_STATUS_BATCH = 100;

/** How long to wait for an agent, and how often to ask. */
export interface AgentWaitSettings {
    /** Give up after this many seconds. */
    timeoutSeconds: number;
    /** Seconds between two rounds of status calls. */
    pollSeconds: number;
}

interface Waiting {
    serverName: string;
    deadline: number;
    timeoutSeconds: number;
    lastState: string;
    /** Everyone waiting for this instance (the delivery and keep-activated both may). */
    waiters: { resolve(): void; reject(error: Error): void }[];
}

/** The message that fails `pulumi up` when an agent never came online. */
export function agentTimeoutMessage(serverName: string, instanceId: string, timeoutSeconds: number, lastState: string): string {
    return (
        `The TAT agent of server '${serverName}' (instance ${instanceId}) did not come online within ${timeoutSeconds} s ` +
        `(last state: ${lastState}). Check that the image is a Tencent public image published after 2020-12-15 ` +
        "(older images have no agent), that disableAutomationService is not set on the instance, and that the instance " +
        "is in a VPC that can reach the TAT service; then run `pulumi up` again."
    );
}

/** One provider's waiting instances and its polling loop. */
class AgentWaiter {
    private readonly waiting = new Map<string, Waiting>();
    private timer: ReturnType<typeof setTimeout> | undefined;
    private pollMs = Number.POSITIVE_INFINITY;

    constructor(private readonly provider: pulumi.ProviderResource | undefined) {}

    wait(instanceId: string, serverName: string, settings: AgentWaitSettings): Promise<void> {
        return new Promise<void>((resolve, reject) => {
            const known = this.waiting.get(instanceId);
            if (known !== undefined) {
                known.waiters.push({ resolve, reject });
                return;
            }
            this.waiting.set(instanceId, {
                serverName,
                deadline: Date.now() + settings.timeoutSeconds * 1000,
                timeoutSeconds: settings.timeoutSeconds,
                lastState: "not reported yet",
                waiters: [{ resolve, reject }],
            });
            this.pollMs = Math.min(this.pollMs, settings.pollSeconds * 1000);
            // Instances that arrive together are asked about together: the first round starts on the next turn.
            this.timer ??= setTimeout(() => void this.poll(), 0);
        });
    }

    private async poll(): Promise<void> {
        const ids = [...this.waiting.keys()];
        for (let i = 0; i < ids.length; i += AGENT_STATUS_BATCH) {
            const batch = ids.slice(i, i + AGENT_STATUS_BATCH);
            let sets: tencentcloud.GetTatAgentResult["automationAgentSets"] = [];
            try {
                sets = (await tencentcloud.getTatAgent({ instanceIds: batch }, { provider: this.provider })).automationAgentSets ?? [];
            } catch (e) {
                for (const id of batch) {
                    this.waiting.get(id)!.lastState = `status call failed: ${e instanceof Error ? e.message : String(e)}`;
                }
            }
            for (const set of sets) {
                const w = this.waiting.get(set.instanceId);
                if (w !== undefined) {
                    w.lastState = set.agentStatus;
                    if (set.agentStatus === "Online") {
                        this.waiting.delete(set.instanceId);
                        w.waiters.forEach((x) => x.resolve());
                    }
                }
            }
        }
        const now = Date.now();
        for (const [id, w] of this.waiting) {
            if (now >= w.deadline) {
                this.waiting.delete(id);
                const error = new Error(agentTimeoutMessage(w.serverName, id, w.timeoutSeconds, w.lastState));
                w.waiters.forEach((x) => x.reject(error));
            }
        }
        this.timer = this.waiting.size > 0 ? setTimeout(() => void this.poll(), this.pollMs) : undefined;
    }
}

/**
 * The instance ID, released once the instance's TAT agent is online (at once in preview): give it to
 * whatever invokes TAT on the instance. Fails with {@link agentTimeoutMessage} at the deadline.
 */
export function whenAgentOnline(
    serverName: string,
    instanceId: pulumi.Output<string>,
    settings: AgentWaitSettings,
    provider: pulumi.ProviderResource | undefined,
): pulumi.Output<string> {
    return instanceId.apply(async (id) => {
        if (pulumi.runtime.isDryRun()) {
            return id;
        }
        const waiters = perDeployment("tatAgentWaiters", () => new Map<string, AgentWaiter>());
        const key = providerKey(provider);
        let waiter = waiters.get(key);
        if (waiter === undefined) {
            waiter = new AgentWaiter(provider);
            waiters.set(key, waiter);
        }
        await waiter.wait(id, serverName, settings);
        return id;
    });
}
