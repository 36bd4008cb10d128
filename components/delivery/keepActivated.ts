/**
 * Keeping servers activated: TAT invokers (`tencentcloud_tat_invoker`, type SCHEDULE, policy
 * RECURRENCE) that run the activation script on a schedule. On a healthy server a run is the fast
 * path (one status query, no change); a server that lost its activation (its KMS host changed by
 * someone, the grace period running out) is activated again.
 *
 * Invokers are shared: one per distinct command, schedule and provider, each with at most 100
 * instances (Tencent's limit per invoker), so 500 servers make 5 invokers, not 500. The servers that
 * join within {@link GROUP_WINDOW_MS} of each other are grouped together, sorted by name: all the
 * servers a TypeScript program declares in one go, and the servers of a Python, Go, C# or YAML
 * program, whose Construct calls reach the plugin one by one. The invokers are registered at the end
 * of that window; their instance IDs are released once the agents are online (CreateInvoker, like
 * InvokeCommand, refuses an instance whose agent is offline).
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { accountNameTag, perDeployment, providerKey } from "../deployment";
import { AgentReadiness } from "./tatAgent";

/** Instances per invoker (Tencent's limit). */
const INVOKER_CAPACITY = 100;

/** The schedule when none is given: Sundays at 03:00, UTC+8 (TAT reads crons in UTC+8). */
export const DEFAULT_KEEP_ACTIVATED_CRON = "0 3 * * 0";

/** How long a group waits for more servers after the last one joined (ms) before it registers its invokers. */
const GROUP_WINDOW_MS = 250;

interface Member {
    serverName: string;
    instance: pulumi.Output<AgentReadiness>;
}

/**
 * The instances an invoker holds: its members that run. CreateInvoker refuses an instance whose
 * agent is offline, as a stopped one's is; ModifyInvoker (membership changes) takes any instance with
 * an agent, so a stopped server leaves and later rejoins in place. When none runs, all stay (an
 * existing invoker is then left as it is).
 */
function invokerInstances(members: AgentReadiness[]): string[] {
    const running = members.filter((m) => m.running);
    return (running.length > 0 ? running : members).map((m) => m.instanceId);
}

/** One command's, schedule's and provider's servers, waiting to be grouped into invokers. */
class InvokerGroup {
    private pending: Member[] = [];
    private registered = 0;
    private timer: ReturnType<typeof setTimeout> | undefined;
    /** Keeps the engine waiting while servers are still joining (held by the first joiner's runtime context). */
    private release: (() => void) | undefined;

    constructor(
        private readonly key: string,
        private readonly cloudName: string,
        private readonly command: tencentcloud.TatCommand,
        private readonly cron: string,
        private readonly provider: pulumi.ProviderResource | undefined,
    ) {}

    join(member: Member): void {
        this.pending.push(member);
        this.release ??= pulumi.runtime.rpcKeepAlive();
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
            const release = this.release!;
            this.release = undefined;
            try {
                this.seal();
            } finally {
                release();
            }
        }, GROUP_WINDOW_MS);
    }

    private seal(): void {
        const members = [...this.pending].sort((a, b) => a.serverName.localeCompare(b.serverName));
        this.pending = [];
        for (let i = 0; i < members.length; i += INVOKER_CAPACITY) {
            const n = this.registered++;
            new tencentcloud.TatInvoker(
                `${this.key}-${n}`,
                {
                    name: `${this.cloudName}-${n}`,
                    type: "SCHEDULE",
                    commandId: this.command.id,
                    instanceIds: pulumi.all(members.slice(i, i + INVOKER_CAPACITY).map((m) => m.instance)).apply(invokerInstances),
                    username: "System",
                    scheduleSettings: { policy: "RECURRENCE", recurrence: this.cron },
                },
                { provider: this.provider },
            );
        }
    }
}

/**
 * Adds a server to the shared invoker that runs `command` on `cron` through `provider`.
 * `instance` should be released only once the server's TAT agent is online, or it is known not to run.
 */
export function keepActivated(
    serverName: string,
    instance: pulumi.Output<AgentReadiness>,
    command: tencentcloud.TatCommand,
    cron: string,
    provider: pulumi.ProviderResource | undefined,
): void {
    const groups = perDeployment("keepActivatedInvokers", () => new Map<string, InvokerGroup>());
    const commandName = (command as unknown as { __name: string }).__name;
    const hash = createHash("sha256").update(`${commandName}|${cron}`).digest("hex").slice(0, 8);
    const pk = providerKey(provider);
    const key = `tencentcloud-windows-keep-${hash}${pk ? `-${pk}` : ""}`;
    let group = groups.get(key);
    if (group === undefined) {
        // In the cloud: 26 + 8 + 1 + 8 = 43 characters and "-<n>", within the 60 bytes TAT allows a command's
        // name (CreateInvoker documents no limit of its own, nor a duplicate-name error: vendored tat client.go).
        const cloudName = `tencentcloud-windows-keep-${hash}-${accountNameTag(provider)}`;
        group = new InvokerGroup(key, cloudName, command, cron, provider);
        groups.set(key, group);
    }
    group.join({ serverName, instance });
}
