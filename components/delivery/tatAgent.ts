/**
 * Waiting for a new server's TAT agent before anything is invoked on it. Tencent's InvokeCommand
 * (and CreateInvoker) refuse an instance whose agent is not online yet
 * (`ResourceUnavailable.AgentStatusNotOnline`), and a new Windows CVM brings its agent online some
 * time after it reports RUNNING; the provider retries that error for 5 minutes only.
 *
 * During `pulumi up` and `pulumi preview` each instance's state is asked once (the
 * `tencentcloud_instances` data source, DescribeInstances). An instance that is not running (its owner
 * stopped it) is released at once, marked so, with no agent wait: its agent stays offline until someone
 * starts it. For a running instance the ID is held back until TAT reports the agent `Online` (in an update; a preview waits for no agent; the status is read as
 * {@link tatReadsFor} reads it: directly, or through the `tencentcloud_tat_agent` data source). Both are
 * batched per deployment and provider: every round asks once per 100 waiting instances (the APIs' limit
 * per call; they allow 20 and 40 calls a second), so 500 servers waiting together make 5 calls a round, not 500.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { perDeployment, providerKey } from "../deployment";
import { tatReadsFor } from "./tatReads";

/** Instance IDs per `getInstances` call (DescribeInstances' limit; agent status is batched in tatReads.ts). */
export const INSTANCES_PER_CALL = 100;

/**
 * DescribeInstances `InstanceState` values of an instance that runs nothing and will not come up by
 * itself: stopped or going, in rescue mode, or being live-migrated by Tencent (cvm `models.go`). An
 * agent wait would only run into its deadline.
 */
export const NOT_RUNNING_STATES: readonly string[] = [
    "STOPPING",
    "STOPPED",
    "SHUTDOWN",
    "TERMINATING",
    "LAUNCH_FAILED",
    "ENTER_RESCUE_MODE",
    "RESCUE_MODE",
    "EXIT_RESCUE_MODE",
    "ENTER_SERVICE_LIVE_MIGRATE",
    "SERVICE_LIVE_MIGRATE",
    "EXIT_SERVICE_LIVE_MIGRATE",
];

/** What the gate found out about an instance. */
export interface AgentReadiness {
    instanceId: string;
    /** True when its agent answered `Online`; false when the instance is not running (nothing can run on it now). */
    running: boolean;
    /** The instance state DescribeInstances reported. */
    instanceState: string;
}

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
    /** The instance state, once DescribeInstances has answered for it. */
    instanceState: string | undefined;
    /** Everyone waiting for this instance. */
    waiters: { resolve(r: AgentReadiness): void; reject(error: Error): void }[];
}

/** The warning for a server that is not running: nothing is run on it, nothing waits for it. */
export function notRunningMessage(serverName: string, instanceId: string, instanceState: string): string {
    return (
        `Server '${serverName}' (instance ${instanceId}) is ${instanceState}: this deployment runs nothing on it through TAT and does not wait ` +
        "for its agent (TAT cannot run a command on an instance that is not running). What it last ran stays in effect; a changed " +
        "activation script, and its place in the keep-activated schedule, follow at the first `pulumi up` after the server is started " +
        "(console, or StartInstances)."
    );
}

/** The message that fails `pulumi up` when an agent never came online. */
function agentTimeoutMessage(
    serverName: string,
    instanceId: string,
    timeoutSeconds: number,
    lastState: string,
): string {
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

    wait(
        instanceId: string,
        serverName: string,
        settings: AgentWaitSettings,
        knownState: string | undefined,
    ): Promise<AgentReadiness> {
        return new Promise<AgentReadiness>((resolve, reject) => {
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
                instanceState: knownState,
                waiters: [{ resolve, reject }],
            });
            this.pollMs = Math.min(this.pollMs, settings.pollSeconds * 1000);
            // Instances that arrive together are asked about together: the first round starts on the next turn.
            this.timer ??= setTimeout(() => void this.poll(), 0);
        });
    }

    /** Asks once for the state of every instance not asked about yet; releases those that are not running. */
    private async askInstanceStates(): Promise<void> {
        const ids = [...this.waiting].filter(([, w]) => w.instanceState === undefined).map(([id]) => id);
        for (let i = 0; i < ids.length; i += INSTANCES_PER_CALL) {
            const batch = ids.slice(i, i + INSTANCES_PER_CALL);
            let states = new Map<string, string>();
            try {
                const found =
                    (await tencentcloud.getInstances({ instanceSetIds: batch }, { provider: this.provider }))
                        .instanceLists ?? [];
                states = new Map(found.map((x) => [x.instanceId, x.status]));
            } catch {
                // Not fatal: the agent's own status still decides.
            }
            for (const id of batch) {
                const w = this.waiting.get(id)!;
                // An instance DescribeInstances does not list yet is still being created.
                w.instanceState = states.get(id) ?? "PENDING";
                if (NOT_RUNNING_STATES.includes(w.instanceState)) {
                    this.waiting.delete(id);
                    w.waiters.forEach((x) =>
                        x.resolve({ instanceId: id, running: false, instanceState: w.instanceState! }),
                    );
                }
            }
        }
    }

    private async poll(): Promise<void> {
        await this.askInstanceStates();
        if (pulumi.runtime.isDryRun()) {
            // A preview waits for no agent: a running instance is taken as an update would find it once
            // its agent answers (an agent that never does fails the update, not the preview).
            for (const [id, w] of this.waiting) {
                w.waiters.forEach((x) => x.resolve({ instanceId: id, running: true, instanceState: w.instanceState! }));
            }
            this.waiting.clear();
            this.timer = undefined;
            return;
        }
        const status = await (await tatReadsFor(this.provider)).agentStatuses([...this.waiting.keys()]);
        for (const [id, agentStatus] of status) {
            const w = this.waiting.get(id);
            if (w !== undefined) {
                w.lastState = agentStatus;
                if (agentStatus === "Online") {
                    this.waiting.delete(id);
                    w.waiters.forEach((x) =>
                        x.resolve({ instanceId: id, running: true, instanceState: w.instanceState! }),
                    );
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
 * The instance's readiness for TAT, released once its agent is online, or at once when the instance
 * is not running (`running: false`: invoke nothing on it); in preview once its state is known (no
 * agent is waited for), and never for an instance whose ID is unknown (one to be created). Fails with
 * {@link agentTimeoutMessage} at the deadline. `knownState`: the instance state the caller already
 * read from DescribeInstances (not asked again).
 */
export function whenAgentOnline(
    serverName: string,
    instanceId: pulumi.Output<string>,
    settings: AgentWaitSettings,
    provider: pulumi.ProviderResource | undefined,
    knownState?: string,
): pulumi.Output<AgentReadiness> {
    return instanceId.apply(async (id): Promise<AgentReadiness> => {
        if (knownState !== undefined && NOT_RUNNING_STATES.includes(knownState)) {
            return { instanceId: id, running: false, instanceState: knownState };
        }
        const waiters = perDeployment("tatAgentWaiters", () => new Map<string, AgentWaiter>());
        const key = await providerKey(provider);
        let waiter = waiters.get(key);
        if (waiter === undefined) {
            waiter = new AgentWaiter(provider);
            waiters.set(key, waiter);
        }
        return waiter.wait(id, serverName, settings, knownState);
    });
}
