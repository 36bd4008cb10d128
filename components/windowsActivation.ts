/**
 * `WindowsActivation`: Windows servers that already exist (made by hand, by Terraform, by another
 * stack) activated against Tencent's KMS, or audited, through TAT, during `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivationMode, ResolvedFleetArgs, WindowsActivationArgs, resolveFleetArgs } from "./fleetArgs";
import { scriptTatCommand } from "./delivery/activationCommand";
import { invokerMembers, registerKeepActivated } from "./delivery/keepActivated";
import { registerTatInvocation } from "./delivery/tat";
import { findTatRecords } from "./delivery/tatRecords";
import { Registered, planTatRun, recordedOutput, registeredOutputs } from "./delivery/tatRun";
import { knownValue } from "./known";
import {
    FleetSummary,
    InstanceActivation,
    facts,
    fleetFailureMessage,
    readActivation,
    readAudit,
    skipped,
    summarise,
} from "./fleet/fleetReport";
import { FleetInstance, inspectInstances, skippedForIdentity } from "./fleet/inspectInstances";

/** What a preview says when the instance IDs are not known yet. */
function unknownIdsMessage(name: string): string {
    return (
        `WindowsActivation '${name}': the instance IDs are not known until the resources that give them are created, ` +
        "so this preview cannot list the TAT invocations (one per instance that runs the script) or the keep-activated " +
        "invokers the update will register; each instance's result appears in `results` after `pulumi up`."
    );
}

/**
 * Runs the activation script (mode `activate`) or its read-only diagnosis (mode `audit`) on
 * existing Windows CVMs through one shared TAT command, and reports each instance's result and a
 * summary. The provider has no TAT resource that invokes a command on a list of instances, so each
 * instance gets its own invocation: adding an instance runs the script there only, and a changed
 * script runs once on all. An instance that cannot run it is reported `Skipped`; the others run.
 */
export class WindowsActivation extends pulumi.ComponentResource {
    /** `activate` or `audit`. */
    public readonly mode: pulumi.Output<ActivationMode>;
    /** Per instance ID: the status, root cause and fix, and the parsed result (activate) or diagnosis (audit) line. */
    public readonly results: pulumi.Output<{ [instanceId: string]: InstanceActivation }>;
    /**
     * Counts of licensed, failed, unknown and skipped instances, every failed and
     * skipped one with its root cause, and the URNs to `--replace` to run again.
     */
    public readonly summary: pulumi.Output<FleetSummary>;
    /** The rendered activation batch script (CRLF line endings). */
    public readonly activationScript: pulumi.Output<string>;
    /**
     * True when a scheduled TAT invoker runs the activation again on every running instance (activation.keepActivated).
     */
    public readonly keepActivated: pulumi.Output<boolean>;

    constructor(name: string, args: WindowsActivationArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = resolveFleetArgs(args);
        // What policies (the pack in policy/) read from the component: its resolved settings.
        const settings = { mode: p.mode, keepActivated: p.activation.keepActivatedCron !== undefined };
        super("tencentcloud-windows:index:WindowsActivation", name, settings, opts);

        const provider = this.getProvider("tencentcloud:index/instance:Instance");
        const instances = p.instanceIds.apply((ids) => inspectInstances(name, ids, provider, p.strict));
        const ran = instances.apply((list) => this.runOn(name, p, list, provider));
        const results = ran.apply((r) => r.results);
        const failOnError = p.mode === "activate" && p.activation.failOnActivationError;
        const summary = ran.apply((r) => {
            const s = summarise(r.results, r.urns);
            if (failOnError && s.failed > 0) {
                throw new Error(fleetFailureMessage(name, s));
            }
            return s;
        });

        // A preview whose instance IDs come from resources still to be created cannot list the
        // invocations (one per instance): it says so instead of showing nothing.
        const said = pulumi.output(
            knownValue(p.instanceIds).then(async (known) => {
                if (known === undefined) {
                    await pulumi.log.info(unknownIdsMessage(name), this);
                }
                return true;
            }),
        );

        this.mode = pulumi.output(p.mode);
        this.results = pulumi.all([results, summary]).apply(([r]) => r);
        this.summary = pulumi.all([summary, said]).apply(([s]) => s);
        this.activationScript = pulumi.output(p.script);
        this.keepActivated = pulumi.output(settings.keepActivated);
        this.registerOutputs({ ...settings, results: this.results, summary: this.summary });
    }

    /**
     * Registers, per instance, what {@link planTatRun} decides from what TAT keeps of the command there
     * (and the keep-activated schedule for those that run); returns every instance's result, and each
     * registered invocation's URN.
     */
    private runOn(
        name: string,
        p: ResolvedFleetArgs,
        list: FleetInstance[],
        provider: pulumi.ProviderResource | undefined,
    ): pulumi.Output<{
        results: { [instanceId: string]: InstanceActivation };
        urns: { [instanceId: string]: string };
    }> {
        const { commandId, timeoutSeconds } = scriptTatCommand(
            p.script,
            p.mode === "audit" ? "diagnose" : "activate",
            p.activation.script,
            provider,
        );
        const read = p.mode === "audit" ? readAudit : readActivation;
        // Their agents answered Online in the one round inspectInstances asked: nothing waits here.
        const runs = list.filter((i) => i.skip === undefined);
        const cron = p.activation.keepActivatedCron;
        if (cron !== undefined) {
            invokerMembers(runs.map((i) => i.instanceId)).forEach((ids, n) =>
                registerKeepActivated(`${name}-keep-activated-${n}`, n, ids, commandId, cron, this),
            );
        }
        // What TAT keeps of the command on every instance it may have run on (none while the command is
        // not created yet: it ran nowhere).
        const candidates = list.filter((i) => !skippedForIdentity(i)).map((i) => i.instanceId);
        const keptRuns = knownValue(commandId).then((command) =>
            command === undefined ? undefined : findTatRecords(command.value, candidates, provider),
        );
        return pulumi.output(keptRuns).apply((records) => {
            const plans = new Map(
                list.map((i) => [
                    i.instanceId,
                    skippedForIdentity(i)
                        ? ({ action: "none" } as const)
                        : planTatRun(records?.[i.instanceId] ?? {}, i.skip === undefined),
                ]),
            );
            const registered: Registered[] = [];
            for (const [instanceId, plan] of plans) {
                if (plan.action === "keep" || plan.action === "invoke") {
                    const kept = plan.action === "keep" ? plan.record : undefined;
                    const attachment = registerTatInvocation(
                        `${name}-${instanceId}`,
                        commandId,
                        instanceId,
                        timeoutSeconds,
                        this,
                        kept && { invocationId: kept.invocationId, instanceId },
                    );
                    registered.push({ key: instanceId, attachment, kept });
                }
            }
            const urns = pulumi.all(registered.map((r) => r.attachment.urn.apply((u) => [r.key, u] as const)));
            return pulumi.all([registeredOutputs(registered, this), urns]).apply(([outputs, u]) => {
                const results: { [instanceId: string]: InstanceActivation } = {};
                for (const i of list) {
                    const plan = plans.get(i.instanceId)!;
                    const found = plan.action === "schedule" ? recordedOutput(plan.record) : outputs[i.instanceId];
                    results[i.instanceId] =
                        i.skip !== undefined
                            ? skipped(i)
                            : { ...read(found.output, found.missing), instance: facts(i) };
                }
                return { results, urns: Object.fromEntries(u) };
            });
        });
    }
}
