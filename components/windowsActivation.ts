/**
 * `WindowsActivation`: Windows servers that already exist (made by hand, by Terraform, by another
 * stack) activated against Tencent's KMS, or audited, through TAT, during `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivationMode, ResolvedFleetArgs, WindowsActivationArgs, resolveFleetArgs } from "./fleetArgs";
import { scriptTatCommand } from "./delivery/activationCommand";
import { keepActivated } from "./delivery/keepActivated";
import { invokeTatCommand } from "./delivery/tat";
import { NOT_RUNNING_STATES, whenAgentOnline } from "./delivery/tatAgent";
import { FleetSummary, InstanceActivation, fleetFailureMessage, notRunning, readActivation, readAudit, summarise } from "./fleet/fleetReport";
import { FleetInstance, inspectInstances } from "./fleet/inspectInstances";

/**
 * Runs the activation script (mode `activate`) or its read-only diagnosis (mode `audit`) on
 * existing Windows CVMs through one shared TAT command, and reports each instance's result and a
 * summary. The provider has no TAT resource that invokes a command on a list of instances, so each
 * instance gets its own invocation: adding an instance runs the script there only, and a changed
 * script runs once on all.
 */
export class WindowsActivation extends pulumi.ComponentResource {
    /** `activate` or `audit`. */
    public readonly mode: pulumi.Output<ActivationMode>;
    /** Per instance ID: the status, root cause and fix, and the parsed result (activate) or diagnosis (audit) line. */
    public readonly results: pulumi.Output<{ [instanceId: string]: InstanceActivation }>;
    /** Counts of licensed, failed and unknown instances, and every failed instance with its root cause. */
    public readonly summary: pulumi.Output<FleetSummary>;
    /** The rendered activation batch script (CRLF line endings). */
    public readonly activationScript: pulumi.Output<string>;
    /** True when a scheduled TAT invoker runs the activation again on every running instance (activation.keepActivated). */
    public readonly keepActivated: pulumi.Output<boolean>;

    constructor(name: string, args: WindowsActivationArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = resolveFleetArgs(args);
        // What policies (the pack in policy/) read from the component: its resolved settings.
        const settings = { mode: p.mode, keepActivated: p.activation.keepActivatedCron !== undefined };
        super("tencentcloud-windows:index:WindowsActivation", name, settings, opts);

        const provider = this.getProvider("tencentcloud:index/instance:Instance");
        const instances = p.instanceIds.apply((ids) => inspectInstances(name, ids, provider));
        const results = instances.apply((list) => this.runOn(name, p, list, provider));
        const failOnError = p.mode === "activate" && p.activation.failOnActivationError;
        const summary = results.apply((r) => {
            const s = summarise(r);
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

    /** Registers one invocation per running instance (and the keep-activated schedule); returns every instance's result. */
    private runOn(
        name: string,
        p: ResolvedFleetArgs,
        list: FleetInstance[],
        provider: pulumi.ProviderResource | undefined,
    ): pulumi.Output<{ [instanceId: string]: InstanceActivation }> {
        const running = list.filter((i) => !NOT_RUNNING_STATES.includes(i.state));
        const { command, timeoutSeconds } = scriptTatCommand(p.script, p.mode === "audit" ? "diagnose" : "activate", p.activation.script, provider);
        const read = p.mode === "audit" ? readAudit : readActivation;
        const outcomes: { [instanceId: string]: pulumi.Output<InstanceActivation> } = {};
        for (const i of list) {
            outcomes[i.instanceId] = pulumi.output(notRunning(i.state));
        }
        for (const i of running) {
            const member = `${name}-${i.instanceId}`;
            // The state was read above: the agent gate does not ask DescribeInstances again.
            const ready = whenAgentOnline(member, pulumi.output(i.instanceId), p.activation.tatAgent, provider, i.state);
            const { output } = invokeTatCommand(member, command, ready.apply((r) => r.instanceId), timeoutSeconds, this);
            outcomes[i.instanceId] = output.apply(read);
            if (p.activation.keepActivatedCron !== undefined) {
                keepActivated(member, ready, command, p.activation.keepActivatedCron, provider);
            }
        }
        return pulumi.all(outcomes);
    }
}
