/**
 * `WindowsActivation`: Windows servers that already exist (made by hand, by Terraform, by another
 * stack) activated against Tencent's KMS, or audited, through TAT, during `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivationMode, ResolvedFleetArgs, WindowsActivationArgs, resolveFleetArgs } from "./fleetArgs";
import { scriptTatCommand } from "./delivery/activationCommand";
import { invokerMembers, registerKeepActivated } from "./delivery/keepActivated";
import { readTatOutputs, registerTatInvocation } from "./delivery/tat";
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
import { FleetInstance, inspectInstances } from "./fleet/inspectInstances";

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

        this.mode = pulumi.output(p.mode);
        this.results = pulumi.all([results, summary]).apply(([r]) => r);
        this.summary = summary;
        this.activationScript = pulumi.output(p.script);
        this.keepActivated = pulumi.output(settings.keepActivated);
        this.registerOutputs({ ...settings, results: this.results, summary: this.summary });
    }

    /**
     * Registers one invocation per instance that can run it (and the keep-activated schedule); returns
     * every instance's result, and each invocation's URN.
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
        const ran = list.filter((i) => i.skip === undefined);
        // Their agents answered Online in the one round inspectInstances asked: nothing waits here.
        const attachments = ran.map((i) =>
            registerTatInvocation(`${name}-${i.instanceId}`, commandId, i.instanceId, timeoutSeconds, this),
        );
        const cron = p.activation.keepActivatedCron;
        if (cron !== undefined) {
            invokerMembers(ran.map((i) => i.instanceId)).forEach((ids, n) =>
                registerKeepActivated(`${name}-keep-activated-${n}`, n, ids, commandId, cron, this),
            );
        }
        const outputs = readTatOutputs(
            attachments.map((a) => a.invocationId),
            this,
        );
        return pulumi.all([outputs, pulumi.all(attachments.map((a) => a.urn))]).apply(([out, u]) => {
            const byId = new Map(ran.map((i, k) => [i.instanceId, k]));
            const results: { [instanceId: string]: InstanceActivation } = {};
            const urns: { [instanceId: string]: string } = {};
            for (const i of list) {
                const k = byId.get(i.instanceId);
                results[i.instanceId] = k === undefined ? skipped(i) : { ...read(out[k]), instance: facts(i) };
                if (k !== undefined) {
                    urns[i.instanceId] = u[k];
                }
            }
            return { results, urns };
        });
    }
}
