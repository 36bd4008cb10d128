/**
 * Keeping servers activated: TAT invokers (`tencentcloud_tat_invoker`, type SCHEDULE, policy
 * RECURRENCE) that run the activation script on a schedule. On a healthy server a run is the fast
 * path (one status query, no change); a server that lost its activation (its KMS host changed by
 * someone, the grace period running out) is activated again.
 *
 * Invokers are shared: one per distinct command, schedule and provider, each with at most 100
 * instances (Tencent's limit per invoker), so 500 servers make 5 invokers, not 500. The servers a
 * program declares in one go (before its first pause) are grouped together, sorted by name; the
 * invokers are registered right after, once their agents are online (CreateInvoker, like
 * InvokeCommand, refuses an instance whose agent is offline).
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { perDeployment, providerKey } from "../deployment";

/** Instances per invoker (Tencent's limit). */
export const INVOKER_CAPACITY = 100;

/** The schedule when none is given: Sundays at 03:00, UTC+8 (TAT reads crons in UTC+8). */
export const DEFAULT_KEEP_ACTIVATED_CRON = "0 3 * * 0";

interface Member {
    serverName: string;
    instanceId: pulumi.Output<string>;
}

/** One command's, schedule's and provider's servers, waiting to be grouped into invokers. */
class InvokerGroup {
    private pending: Member[] = [];
    private registered = 0;

    constructor(
        private readonly key: string,
        private readonly command: tencentcloud.TatCommand,
        private readonly cron: string,
        private readonly provider: pulumi.ProviderResource | undefined,
    ) {}

    join(member: Member): void {
        if (this.pending.length === 0) {
            // Every server the program declares in this turn joins first; the engine is kept waiting meanwhile.
            const done = pulumi.runtime.rpcKeepAlive();
            setImmediate(() => {
                try {
                    this.seal();
                } finally {
                    done();
                }
            });
        }
        this.pending.push(member);
    }

    private seal(): void {
        const members = [...this.pending].sort((a, b) => a.serverName.localeCompare(b.serverName));
        this.pending = [];
        for (let i = 0; i < members.length; i += INVOKER_CAPACITY) {
            const name = `${this.key}-${this.registered++}`;
            new tencentcloud.TatInvoker(
                name,
                {
                    // TAT names: letters, digits, '-', '_' and '.', at most 60 characters.
                    name: name.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 60),
                    type: "SCHEDULE",
                    commandId: this.command.id,
                    instanceIds: pulumi.all(members.slice(i, i + INVOKER_CAPACITY).map((m) => m.instanceId)),
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
 * `instanceId` should be released only once the server's TAT agent is online.
 */
export function keepActivated(
    serverName: string,
    instanceId: pulumi.Output<string>,
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
        group = new InvokerGroup(key, command, cron, provider);
        groups.set(key, group);
    }
    group.join({ serverName, instanceId });
}
