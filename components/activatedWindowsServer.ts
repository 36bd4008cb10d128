/**
 * `ActivatedWindowsServer`: a Windows Server CVM from a Tencent public image that comes up with
 * its clock synced and Windows activated against Tencent's KMS, with no one logging in.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { Delivery } from "./activationArgs";
import {
    ActivationReport,
    ActivationStatus,
    activationFailureMessage,
    readActivationOutput,
} from "./activation/report";
import { ActivationResult } from "./activation/result";
import { scriptTatCommand } from "./delivery/activationCommand";
import { renderCarrier, scriptHash } from "./delivery/carrier";
import { registerKeepActivated } from "./delivery/keepActivated";
import { deliverWithSsh, sshAccessGroup } from "./delivery/ssh";
import { runTatOnServer } from "./delivery/tatRun";
import { AgentReadiness, notRunningMessage, whenAgentOnline } from "./delivery/tatAgent";
import { knownValue } from "./known";
import { checkPublicWindowsImage, findWindowsImage, runningImageName } from "./images/imageLookup";
import { ImageInfo } from "./images/imageNames";
import {
    ActivatedWindowsServerArgs,
    ResolvedServerArgs,
    instanceIgnoredChanges,
    instanceReplacedOnChanges,
    resolveServerArgs,
} from "./serverArgs";

/**
 * Backing store of `ActivatedWindowsServer.instance`, off the class so Pulumi's schema analyzer does not publish it.
 */
const INSTANCES = new WeakMap<ActivatedWindowsServer, tencentcloud.Instance>();

/**
 * A Windows Server CVM from a Tencent public image, activated against Tencent's KMS by one batch
 * script delivered through user data (first boot), TAT or SSH (during `pulumi up`).
 */
export class ActivatedWindowsServer extends pulumi.ComponentResource {
    /** Instance ID (`ins-...`). */
    public readonly instanceId: pulumi.Output<string>;
    /** Private IP in the VPC. */
    public readonly privateIp: pulumi.Output<string>;
    /** Public IP, when `publicIpBandwidthMbps` is set. */
    public readonly publicIp: pulumi.Output<string | undefined>;
    /** The image the server was created from. */
    public readonly imageId: pulumi.Output<string>;
    /** The image's name. */
    public readonly imageName: pulumi.Output<string>;
    /** The OS name Tencent reports for the instance. */
    public readonly osName: pulumi.Output<string>;
    /** The rendered activation batch script (CRLF line endings), identical in every delivery. */
    public readonly activationScript: pulumi.Output<string>;
    /** The Administrator password (secret). */
    public readonly password: pulumi.Output<string>;
    /**
     * `Licensed`, `Failed`, `PendingFirstBoot` (user data without verifyWithTat), `Unknown` (TAT record
     * expired, or the run did not end) or `NotRunning` (not running, and nothing ran there with this script).
     */
    public readonly activationStatus: pulumi.Output<ActivationStatus>;
    /** The script's parsed result line, when the delivery reports one. */
    public readonly activationResult: pulumi.Output<ActivationResult | undefined>;
    /** How the activation script reaches the server. */
    public readonly delivery: pulumi.Output<Delivery>;
    /** True when a TAT check reports the first-boot result of user data delivery. */
    public readonly verifyWithTat: pulumi.Output<boolean>;
    /** True when a scheduled TAT invoker runs the activation again (activation.keepActivated). */
    public readonly keepActivated: pulumi.Output<boolean>;

    /** The CVM (TypeScript and JavaScript only: an accessor, so it is not part of the multi-language schema). */
    public get instance(): tencentcloud.Instance {
        return INSTANCES.get(this)!;
    }

    constructor(name: string, args: ActivatedWindowsServerArgs, opts?: pulumi.ComponentResourceOptions) {
        const p = resolveServerArgs(args);
        // Its resolved delivery settings: sent as inputs and registered
        // as outputs (the policy pack in policy/ reads the outputs).
        const summary = {
            delivery: p.activation.delivery,
            verifyWithTat: p.activation.verifyWithTat,
            keepActivated: p.activation.keepActivatedCron !== undefined,
        };
        super("tencentcloud-windows:index:ActivatedWindowsServer", name, summary, opts);

        const provider = this.getProvider("tencentcloud:index/instance:Instance");
        const image: Promise<ImageInfo> =
            args.imageId !== undefined
                ? checkPublicWindowsImage(args.imageId, provider)
                : findWindowsImage({ version: p.windowsVersion!, edition: p.edition, language: p.language }, provider);
        const password = pulumi.secret(p.password);
        const hostname = p.hostname;

        let securityGroupIds: pulumi.Input<pulumi.Input<string>[]> = args.securityGroupIds ?? [];
        const sshRules: pulumi.Resource[] = [];
        if (p.activation.delivery === "ssh") {
            const access = sshAccessGroup(name, p.activation.sshAllowedCidrs, this);
            sshRules.push(access.rules);
            securityGroupIds = pulumi.all([securityGroupIds, access.group.id]).apply(([ids, id]) => [...ids, id]);
        }

        const instance = new tencentcloud.Instance(
            `${name}-instance`,
            {
                ...p.instanceSettings,
                availabilityZone: args.availabilityZone,
                imageId: pulumi.output(image.then((i) => i.imageId)),
                instanceType: args.instanceType,
                instanceName: args.instanceName ?? name,
                hostname,
                password,
                vpcId: args.vpcId,
                subnetId: args.subnetId,
                orderlySecurityGroups: securityGroupIds,
                allocatePublicIp: p.bandwidth !== undefined,
                internetMaxBandwidthOut: p.bandwidth,
                internetChargeType: p.bandwidth !== undefined ? "TRAFFIC_POSTPAID_BY_HOUR" : undefined,
                systemDiskType: args.systemDiskType,
                systemDiskSize: p.systemDiskSize,
                tags: args.tags,
                projectId: args.projectId,
                instanceChargeType: args.instanceChargeType,
                disableAutomationService: false,
                userDataRaw: p.userData,
                userDataReplaceOnChange:
                    p.activation.replaceOnScriptChange && p.userData !== undefined ? true : undefined,
            },
            {
                parent: this,
                ignoreChanges: instanceIgnoredChanges(p.activation.replaceOnScriptChange, p.replaceOnImageChange),
                replaceOnChanges: instanceReplacedOnChanges(p.replaceOnImageChange),
                // A fixed private IP is held by the old server until it is terminated (RunInstances
                // answers VpcIpIsUsed), so its replacement can only be created after the old one is deleted.
                deleteBeforeReplace: p.instanceSettings.privateIp !== undefined,
            },
        );
        INSTANCES.set(this, instance);

        // One agent gate per server, for everything that runs through TAT; a server that is not running is named once.
        const usesTat =
            p.activation.delivery === "tat" ||
            p.activation.verifyWithTat ||
            p.activation.keepActivatedCron !== undefined;
        const ready = usesTat
            ? whenAgentOnline(name, instance.id, p.activation.tatAgent, provider).apply((r) => {
                  if (!r.running) {
                      void pulumi.log.warn(notRunningMessage(name, r.instanceId, r.instanceState), this);
                  }
                  return r;
              })
            : undefined;
        const report = this.deliver(name, p, password, sshRules, ready, provider);
        this.keepActivated = this.keepActivatedOn(name, p, ready, provider);
        // The component's own findings: plain values where they are known at once (a first-boot
        // server), so nothing has to be waited for; else read from the delivery's report.
        let findings: {
            activationStatus: pulumi.Input<ActivationStatus>;
            activationResult: pulumi.Input<ActivationResult | undefined>;
        };
        if (pulumi.Output.isInstance(report)) {
            const failOnError = p.activation.failOnActivationError;
            const checked = report.apply((r) => {
                if (failOnError && r.status === "Failed") {
                    throw new Error(activationFailureMessage(name, r));
                }
                return r;
            });
            this.activationStatus = checked.apply((r) => r.status);
            this.activationResult = checked.apply((r) => r.result);
            findings = { activationStatus: this.activationStatus, activationResult: this.activationResult };
        } else {
            this.activationStatus = pulumi.output(report.status);
            this.activationResult = pulumi.output(report.result);
            findings = { activationStatus: report.status, activationResult: report.result };
        }

        this.instanceId = this.instance.id;
        this.privateIp = this.instance.privateIp;
        this.publicIp = this.instance.publicIp as pulumi.Output<string | undefined>;
        // What the server runs: its own image ID (kept when a newer image appears), and that image's name.
        this.imageId = this.instance.imageId;
        this.imageName = this.instance.imageId.apply((id) =>
            image.then((chosen) => runningImageName(id, chosen, provider)),
        );
        this.osName = this.instance.osName;
        this.activationScript = pulumi.output(p.script);
        this.password = password;
        this.delivery = pulumi.output(summary.delivery);
        this.verifyWithTat = pulumi.output(summary.verifyWithTat);
        // Registered: the delivery settings (the policy pack reads them) and the findings; the
        // instance's own attributes are in its state.
        this.registerOutputs({ ...summary, keepActivated: this.keepActivated, ...findings });
    }

    /**
     * Registers the server's own keep-activated invoker, as its invocation is registered: at once for
     * a server whose ID is not known yet (a preview of a new one); else once the gate has answered, and
     * only while the server runs (CreateInvoker refuses an instance whose agent is offline: a stopped
     * server's invoker goes, and comes back at the first update after it runs). Returns
     * `keepActivated`, known once that is decided (the deployment waits for the registered outputs).
     */
    private keepActivatedOn(
        name: string,
        p: ResolvedServerArgs,
        ready: pulumi.Output<AgentReadiness> | undefined,
        provider: pulumi.ProviderResource | undefined,
    ): pulumi.Output<boolean> {
        const cron = p.activation.keepActivatedCron;
        if (cron === undefined) {
            return pulumi.output(false);
        }
        const { commandId } = scriptTatCommand(p.script, "activate", p.activation.script, provider);
        const keep = (ids: pulumi.Input<string[]>) =>
            registerKeepActivated(`${name}-keep-activated`, 0, ids, commandId, cron, this);
        return pulumi.output(knownValue(this.instance.id)).apply((known) => {
            if (known === undefined) {
                keep(this.instance.id.apply((id) => [id]));
                return pulumi.output(true);
            }
            return ready!.apply((r) => {
                if (r.running) {
                    keep([r.instanceId]);
                }
                return true;
            });
        });
    }

    /**
     * Creates the delivery's resources and returns its report: a
     * plain one when the delivery reports nothing during `pulumi up`.
     */
    private deliver(
        name: string,
        p: ResolvedServerArgs,
        password: pulumi.Input<string>,
        sshRules: pulumi.Resource[],
        ready: pulumi.Output<AgentReadiness> | undefined,
        provider: pulumi.ProviderResource | undefined,
    ): pulumi.Output<ActivationReport> | ActivationReport {
        const { activation, script } = p;
        if (activation.delivery === "tat" || activation.verifyWithTat) {
            const check = activation.verifyWithTat;
            const command = scriptTatCommand(script, check ? "check" : "activate", activation.script, provider);
            const role = check ? "activation-check" : "activation";
            const run = runTatOnServer(`${name}-${role}`, command, this.instance.id, ready!, this, provider);
            return run.apply((r): ActivationReport =>
                r.plan === "none" ? { status: "NotRunning" } : readActivationOutput(r.output, "base64", r.missing),
            );
        }
        if (activation.delivery === "ssh") {
            const host = activation.sshHost === "public" ? this.instance.publicIp : this.instance.privateIp;
            const { stdout } = deliverWithSsh(
                `${name}-activation`,
                {
                    host,
                    password,
                    carrier: renderCarrier(script, "report"),
                    scriptHash: scriptHash(script),
                    instance: this.instance,
                    dependsOn: sshRules,
                },
                this,
            );
            return stdout.apply((o) => readActivationOutput(o, "text"));
        }
        return { status: "PendingFirstBoot" };
    }
}
