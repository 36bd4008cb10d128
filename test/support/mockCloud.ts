/**
 * A stand-in for Tencent Cloud under Pulumi's mock engine: it records every resource and invoke
 * a program makes and answers as the real cloud does (public image names of both sites, instance
 * IPs, TAT agents and invocations, SSH results). It lives through time: it keeps the stack's state
 * from one deployment to the next, applies `ignoreChanges` as the engine does, and says what each
 * registration would do to what already runs (create, update, restart, reset, replace). Its
 * behaviour and the source of each is listed in BEHAVIOUR.md beside this file. The offline plan
 * and the tests run programs against it.
 */
import * as pulumi from "@pulumi/pulumi";
import { TAT_ENDPOINT_VARIABLE } from "../../components/delivery/tatApi";
import { ChangeKind, changeKind, instanceUpdateRefusal } from "./providerModel";

/** The resource options a registration carried, as the engine receives them. */
export interface RecordedOptions {
    /** URN of the parent ("" for none). */
    parent: string;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    /** Custom timeouts, e.g. `{ create: "33m" }` (empty strings when unset). */
    customTimeouts: { create: string; update: string; delete: string };
    deleteBeforeReplace: boolean;
    protect: boolean;
    /** Deleting (or replacing) the resource only forgets it: the provider's Delete is never called. */
    retainOnDelete: boolean;
    /** URNs the resource depends on. */
    dependencies: string[];
    /** The provider reference the resource is managed through (`<urn>::<id>`; "" for the default provider). */
    provider: string;
}

/** A resource registration the program made. */
export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /**
     * The inputs as the provider receives them (ignored changes
     * put back to the stack's values, except in a replacement).
     */
    inputs: Record<string, any>;
    id: string;
    options: RecordedOptions;
    /**
     * What the registration does to what the stack already has; `import`: the engine imports it
     * (the `import` option names an ID the stack does not hold under this URN: the provider only reads it).
     */
    change: ChangeKind | "create" | "same" | "import";
    /** The `import` option's ID, when set. */
    importId?: string;
    /** The inputs that differ from the stack's state (after ignoreChanges). */
    changed: string[];
}

/** A resource of the stack's state, kept between deployments. */
interface StateEntry {
    type: string;
    id: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    /** The resource option as the state records it: the engine reads the old state's value when it deletes. */
    retainOnDelete: boolean;
    /** The `import` ID the state records (the engine's ImportID: the goal's `import` option). */
    importId?: string;
}

/** An invoke the program made. */
export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
    /** The provider reference the invoke went through (`<urn>::<id>`; "" for the default provider). */
    provider: string;
}

/**
 * The JSON line a successful activation prints on a fresh 2022 image: the Windows bench checks that
 * the real script, run under Wine, prints exactly this line.
 */
export const LICENSED_LINE =
    '{"activation":"tencentcloud-windows/2","status":"Licensed","exitCode":0,"licenseStatus":1,"kmsHost":"kms.tencentyun.com","kmsPort":1688,' +
    '"attempts":1,"lastErrorCode":0,"errorClass":"none","alreadyLicensed":false,"clockOffsetSeconds":0,"timeSource":"ntp","osBuild":20348,"osVersion":"2022","edition":"Datacenter","rootCause":"none","checks":{}}';

/** A failed activation's result line, as the script prints it after its diagnosis named `rootCause`. */
export function failedActivationLine(rootCause: string): string {
    return JSON.stringify({
        ...JSON.parse(LICENSED_LINE),
        status: "KmsUnreachable",
        exitCode: 10,
        licenseStatus: 5,
        attempts: 5,
        lastErrorCode: -1073418124,
        errorClass: "kmsUnreachable",
        rootCause,
    });
}

/** A TAT task's output (base64) for a run that printed its log and then `line`. */
export function taskOutput(line: string): string {
    return Buffer.from(`activation log...\r\n${line}\r\n`).toString("base64");
}

/**
 * The line `activate.cmd /diagnose` prints on a licensed 2022 with the default settings (the Windows
 * bench checks that the real script, run under Wine, prints exactly this line).
 */
export const HEALTHY_DIAGNOSIS_LINE =
    '{"diagnosis":"tencentcloud-windows/2","rootCause":"none","licenseStatus":1,"licensedByConfiguredHost":true,"osBuild":20348,"osVersion":"2022","edition":"Datacenter",' +
    '"checks":{"kmsHosts":[{"host":"kms.tencentyun.com","resolves":true,"port":"open"},{"host":"kms1.tencentyun.com","resolves":true,"port":"open"}],"clockOffsetSeconds":0,' +
    '"services":{"sppsvc":{"start":"auto","state":"stopped"},"w32time":{"start":"auto","state":"running"}},"sppsvcExecutable":"ok","channel":"kmsClient","graceMinutes":0,"vbscript":true,"scriptHost":true}}';

/** A CVM as DescribeInstances (the `getInstances` data source) reports it. */
export interface CloudInstance {
    instanceId: string;
    /** InstanceState: RUNNING, STOPPED, ... */
    status: string;
    imageId: string;
    osName: string;
}

/** What an invocation ran where: the instance, the command and the command's content. */
export interface InvocationTarget {
    instanceId: string;
    commandId: string;
    /** The TatCommand's content (the carrier), "" when the command is not in the stack. */
    content: string;
    /** `USER` (InvokeCommand: an attachment's Create) or `INVOKER` (a keep-activated schedule run). */
    source: "USER" | "INVOKER";
    /** When TAT made it (CreatedTime), in the order invocations were made. */
    createdTime: string;
    workingDirectory?: string;
    timeout?: number;
}

function image(
    imageId: string,
    imageName: string,
    createdTime: string,
    imageType = "PUBLIC_IMAGE",
    platform = "Windows",
) {
    return { imageId, imageName, osName: imageName, platform, imageType, architecture: "x86_64", createdTime };
}

/** Public Windows images as the two sites name them, plus a custom and a Linux image. */
export const SAMPLE_IMAGES = [
    image("img-2025zh01", "Windows Server 2025 数据中心版 64位中文版", "2025-03-01 10:00:00"),
    image("img-2025en01", "Windows Server 2025 DataCenter 64bit EN", "2025-03-01 10:00:00"),
    image("img-2022zh02", "Windows Server 2022 数据中心版 64位中文版", "2025-06-01 10:00:00"),
    image("img-2022zh01", "Windows Server 2022 数据中心版 64位中文版", "2024-01-01 10:00:00"),
    image("img-2022en01", "Windows Server 2022 DataCenter 64bit English", "2025-06-01 10:00:00"),
    image("img-2022st01", "Windows Server 2022 标准版 64位中文版", "2025-06-01 10:00:00"),
    image("img-2019zh01", "Windows Server 2019 数据中心版 64位中文版", "2025-05-01 10:00:00"),
    image("img-2019en01", "Windows Server 2019 DataCenter 64bit EN", "2025-05-01 10:00:00"),
    image("img-2016zh01", "Windows Server 2016 数据中心版 64位中文版", "2025-04-01 10:00:00"),
    image("img-2016en01", "Windows Server 2016 DataCenter 64bit English", "2025-04-01 10:00:00"),
    image("img-2012zh01", "Windows Server 2012 数据中心版 64位中文版", "2024-04-01 10:00:00"),
    image("img-12r2zh01", "Windows Server 2012 R2 数据中心版 64位中文版", "2025-02-01 10:00:00"),
    image("img-12r2st01", "Windows Server 2012 R2 标准版 64位中文版", "2025-02-01 10:00:00"),
    image("img-12r2en01", "Windows Server 2012 R2 DataCenter 64bit EN", "2025-02-01 10:00:00"),
    image("img-08r2zh01", "Windows Server 2008 R2 企业版 SP1 64位", "2023-01-01 10:00:00"),
    image(
        "img-custom01",
        "Windows Server 2022 数据中心版 64位中文版 (my golden image)",
        "2025-07-01 10:00:00",
        "PRIVATE_IMAGE",
    ),
    image("img-linux001", "TencentOS Server 3.1", "2025-07-01 10:00:00", "PUBLIC_IMAGE", "TencentOS"),
];

/** Tencent's CreateCommand error for a command name already used in the region (vendored tat `client.go`). */
export const COMMAND_NAME_DUPLICATED = "InvalidParameterValue.CommandNameDuplicated";

/**
 * One Tencent Cloud account (and region), shared by the stacks deployed into it: TAT command names
 * are unique there, whichever stack or project created them. Invoker names are not (CreateInvoker
 * lists no duplicate-name error).
 */
export class MockAccount {
    /** TAT command name -> the stack and URN that own it. */
    public readonly commandNames = new Map<string, string>();

    /** Takes `name` for `owner`, or fails as CreateCommand/ModifyCommand does when another owner has it. */
    claimCommandName(name: string, owner: string): void {
        const holder = this.commandNames.get(name);
        if (holder !== undefined && holder !== owner) {
            throw new Error(
                `[TencentCloudSDKError] Code=${COMMAND_NAME_DUPLICATED}, Message=The command name ${name} already exists.`,
            );
        }
        this.commandNames.set(name, owner);
    }

    /**
     * After an update of `stack`: its command names are those of
     * `state` (names of deleted or renamed commands are free again).
     */
    syncStack(stack: string, state: Map<string, { type: string; inputs: Record<string, any> }>): void {
        for (const [name, owner] of this.commandNames) {
            if (owner.startsWith(`${stack}|`)) {
                this.commandNames.delete(name);
            }
        }
        for (const [urn, entry] of state) {
            if (entry.type === TAT_COMMAND) {
                this.commandNames.set(String(entry.inputs.commandName), `${stack}|${urn}`);
            }
        }
    }
}

const TAT_COMMAND = "tencentcloud:index/tatCommand:TatCommand";
const ATTACHMENT = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment";

/**
 * Tencent's InvokeCommand error while an instance's agent is not
 * online (the provider retries it for 5 minutes, then fails).
 */
const AGENT_NOT_ONLINE = "ResourceUnavailable.AgentStatusNotOnline";

const NO_OPTIONS: RecordedOptions = {
    parent: "",
    ignoreChanges: [],
    replaceOnChanges: [],
    customTimeouts: { create: "", update: "", delete: "" },
    deleteBeforeReplace: false,
    protect: false,
    retainOnDelete: false,
    dependencies: [],
    provider: "",
};

/**
 * Instance states in which TAT runs nothing (DescribeInstances `InstanceState`): stopped or going,
 * and the rescue-mode and live-migration states (cvm `models.go`).
 */
const NOT_RUNNING = new Set([
    "STOPPED",
    "STOPPING",
    "SHUTDOWN",
    "TERMINATING",
    "LAUNCH_FAILED",
    "ENTER_RESCUE_MODE",
    "RESCUE_MODE",
    "EXIT_RESCUE_MODE",
    "ENTER_SERVICE_LIVE_MIGRATE",
    "SERVICE_LIVE_MIGRATE",
    "EXIT_SERVICE_LIVE_MIGRATE",
]);

/** One task as DescribeInvocationTasks lists it (base64 output). */
export interface MockTask {
    invocationId: string;
    instanceId: string;
    commandId: string;
    invocationSource: string;
    createdTime: string;
    taskStatus: string;
    output: string;
}

/** A Pulumi mock engine that plays Tencent Cloud. */
export class MockCloud implements pulumi.runtime.Mocks {
    /** The registrations of the current deployment. */
    public resources: RecordedResource[] = [];
    /** The invokes of the current deployment. */
    public calls: RecordedCall[] = [];
    /** The outputs components registered (`registerOutputs`) in the current deployment, by URN. */
    public registeredOutputs = new Map<string, Record<string, any>>();
    /** Deployments started so far. */
    public deployments = 0;
    /** What getImages searches; tests change it between deployments (Tencent publishes new images). */
    public images = [...SAMPLE_IMAGES];
    /**
     * The base64 task output TAT returns for an invocation (undefined: no record). Default: the
     * licensed line for an activation, the healthy diagnosis line for a `/diagnose` run.
     */
    public tatOutput: (invocationId: string, target: InvocationTarget) => string | undefined = (_, target) =>
        taskOutput(target.content.includes("/diagnose") ? HEALTHY_DIAGNOSIS_LINE : LICENSED_LINE);
    /** Every CVM in the region, by ID: the stack's own and those made elsewhere ({@link addExistingInstances}). */
    public readonly cloudInstances = new Map<string, CloudInstance>();
    /** Invocations made so far, by invocation ID. */
    public readonly invocationTargets = new Map<string, InvocationTarget>();
    /** The stdout an SSH command returns. */
    public sshStdout = `activation log...\r\n${LICENSED_LINE}\r\n`;
    /** How many agent-status answers say `Offline` before a new instance's TAT agent is `Online` (Infinity: never). */
    public agentOfflinePolls = 0;
    /**
     * CVMs made outside the stack ({@link addExistingInstances}):
     * running for a while, their agents are past `agentOfflinePolls`.
     */
    private readonly existing = new Set<string>();
    /**
     * Instances whose TAT agent is offline for good (not installed,
     * disabled, no route to TAT): it never answers `Online`.
     */
    public readonly offlineAgents = new Set<string>();
    /** Agent-status answers given so far, per instance. */
    public readonly agentPolls = new Map<string, number>();
    /** Task statuses other than SUCCESS, by invocation ID. */
    private readonly taskStatuses = new Map<string, string>();
    /** Invocations TAT ran, per instance, in order. */
    public readonly invocations = new Map<string, string[]>();
    /** URNs the next update replaces as `pulumi up --replace <urn>` does (cleared when it ends). */
    public readonly replaceTargets = new Set<string>();
    /** Provider Delete calls made so far, by resource ID. */
    public readonly deletes: string[] = [];
    /** The output each invocation recorded when it ran (TAT keeps what the command printed then). */
    private readonly recordedOutputs = new Map<string, string | undefined>();
    /** Invocations whose record TAT no longer keeps. */
    private readonly expiredInvocations = new Set<string>();
    /** Stack entries this update replaced: deleted when it ends. */
    private replaced: StateEntry[] = [];
    /** The stack's state: what the last update left, by URN. */
    private state = new Map<string, StateEntry>();
    private next = new Map<string, StateEntry>();
    private preview = false;
    private counter = 0;
    private clock = 0;
    /** The options of the registration being handled (set by the monitor hook of {@link start}). */
    private pending: (RecordedOptions & { urn: string }) | undefined;
    /** This stack in its account: a number of its own (two copies of one stack are two stacks), project and stack. */
    private stack = "";
    private static stacks = 0;
    private readonly stackNumber = ++MockCloud.stacks;

    /** A stack of `account` (by default an account of its own). */
    constructor(public readonly account = new MockAccount()) {}

    /**
     * Makes this cloud the mock engine of a new deployment (`preview` or update) of the same stack,
     * and hooks the mock monitor so that every registration's resource options are recorded.
     */
    async start(project: string, stack: string, preview = false): Promise<void> {
        if (process.env[TAT_ENDPOINT_VARIABLE] === undefined) {
            // No stand-in API (mockApi.ts) is listening: keys in the environment must not send the
            // component's direct reads to Tencent from a test.
            delete process.env.TENCENTCLOUD_SECRET_ID;
            delete process.env.TENCENTCLOUD_SECRET_KEY;
        }
        this.begin(project, stack, preview);
        await pulumi.runtime.setMocks(this, project, stack, preview);
        const monitor = pulumi.runtime.getMonitor() as any;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: unknown) => {
            this.expectRegistration(req, monitor.newUrn(req.getParent(), req.getType(), req.getName()));
            return register(req, callback);
        };
        const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req: any, callback: unknown) => {
            this.recordOutputs(req);
            return registerOutputs(req, callback);
        };
    }

    /**
     * Starts a new deployment (`preview` or update) of the stack,
     * for a monitor that calls {@link newResource} and {@link call}.
     */
    begin(project: string, stack: string, preview = false): void {
        this.resources = [];
        this.calls = [];
        this.registeredOutputs = new Map();
        this.next = new Map();
        this.replaced = [];
        this.preview = preview;
        this.stack = `${this.stackNumber}:${project}/${stack}`;
        this.deployments++;
    }

    /** Records the outputs of a `RegisterResourceOutputsRequest`. */
    recordOutputs(req: any): void {
        this.registeredOutputs.set(req.getUrn(), pulumi.runtime.deserializeProperties(req.getOutputs()));
    }

    /** Records the resource options of the `RegisterResourceRequest` that the next {@link newResource} handles. */
    expectRegistration(req: any, urn: string): void {
        const timeouts = req.getCustomtimeouts();
        this.pending = {
            urn,
            parent: req.getParent(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            customTimeouts: {
                create: timeouts?.getCreate() ?? "",
                update: timeouts?.getUpdate() ?? "",
                delete: timeouts?.getDelete() ?? "",
            },
            deleteBeforeReplace: req.getDeletebeforereplace(),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete() ?? false,
            dependencies: req.getDependenciesList(),
            provider: req.getProvider(),
        };
    }

    /**
     * Adds `count` CVMs made outside the stack (by hand, by Terraform, by another stack) from `imageId`,
     * in `status`; returns their IDs.
     */
    addExistingInstances(count: number, imageId = "img-2022zh02", status = "RUNNING"): string[] {
        const osName = this.images.find((i) => i.imageId === imageId)?.osName ?? "Windows Server";
        return Array.from({ length: count }, () => {
            const instanceId = `ins-e${String(++this.counter).padStart(7, "0")}`;
            this.cloudInstances.set(instanceId, { instanceId, status, imageId, osName });
            this.existing.add(instanceId);
            return instanceId;
        });
    }

    /**
     * Ends an update: what it registered becomes the stack's state (a preview changes nothing), and
     * what it no longer registers or replaced is deleted through the provider (unless the state says
     * retainOnDelete). Returns the URNs it deletes; throws, as `pulumi up` fails, when a Delete fails.
     */
    finish(): string[] {
        this.replaceTargets.clear();
        if (this.preview) {
            return [];
        }
        const deleted = [...this.state.keys()].filter((urn) => !this.next.has(urn));
        const gone = [...deleted.map((urn) => this.state.get(urn)!), ...this.replaced];
        this.state = this.next;
        this.account.syncStack(this.stack, this.state);
        const failures = gone.filter((entry) => !entry.retainOnDelete).flatMap((entry) => this.destroy(entry));
        if (failures.length > 0) {
            throw new Error(failures.join("\n"));
        }
        return deleted;
    }

    /** The provider's Delete of `entry`: the errors it answers. */
    private destroy(entry: StateEntry): string[] {
        this.deletes.push(entry.id);
        // tencentcloud_tat_invocation_invoke_attachment's Delete calls CancelInvocation first
        // (service_tencentcloud_tat.go DeleteTatInvocationById), which answers
        // ResourceNotFound.InvocationNotFound once TAT no longer keeps the record (not retried).
        if (entry.type === ATTACHMENT && this.expiredInvocations.has(entry.outputs.invocationId)) {
            return [
                `deleting ${entry.id}: [TencentCloudSDKError] Code=ResourceNotFound.InvocationNotFound, Message=The invocation ${entry.outputs.invocationId} does not exist.`,
            ];
        }
        return [];
    }

    /** Sets an instance's state, as its owner stopping or starting it in the console would. */
    setInstanceState(instanceId: string, state: string): void {
        const instance = this.cloudInstances.get(instanceId);
        if (instance === undefined) {
            throw new Error(`setInstanceState: no instance ${instanceId} in this cloud`);
        }
        instance.status = state;
    }

    /**
     * `pulumi refresh`: every invoke attachment whose invocation TAT no longer keeps leaves the stack's
     * state (the provider's Read sets an empty ID); returns their URNs.
     */
    refresh(): string[] {
        const gone = [...this.state]
            .filter(([, e]) => e.type === ATTACHMENT && this.expiredInvocations.has(e.outputs.invocationId))
            .map(([urn]) => urn);
        gone.forEach((urn) => this.state.delete(urn));
        this.account.syncStack(this.stack, this.state);
        return gone;
    }

    /** TAT forgets every invocation made so far, schedule runs included (it keeps records for a limited time). */
    expireInvocationRecords(): void {
        for (const entry of [...this.state.values(), ...this.next.values()]) {
            if (entry.outputs.invocationId !== undefined) {
                this.expiredInvocations.add(entry.outputs.invocationId);
            }
        }
        for (const invocationId of this.invocationTargets.keys()) {
            this.expiredInvocations.add(invocationId);
        }
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const { urn, ...options } = this.pending ?? { urn: `urn:${args.type}::${args.name}`, ...NO_OPTIONS };
        this.pending = undefined;
        // The engine refuses a second registration of a URN in one deployment (pkg/diag/errors.go, error 2001).
        if (this.next.has(urn)) {
            throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        }
        const before = this.state.get(urn);
        const importId = args.id ? args.id : undefined;
        // The engine imports when the goal names an ID the stack does not hold under this URN
        // (step_generator.go: isImport compares the old ImportID, or else the old ID): the provider's
        // Read, no Create; an old resource of another ID is replaced (forgotten when retainOnDelete).
        if (importId !== undefined && (before === undefined || (before.importId ?? before.id) !== importId)) {
            const entry = { ...this.read(args.type, importId), retainOnDelete: options.retainOnDelete, importId };
            if (before !== undefined && !this.preview) {
                this.replaced.push(before);
            }
            return this.registered(args, urn, entry, options, "import", [], importId);
        }
        // The engine diffs with the stack's old value for an ignored input of an existing resource
        // (step_generator.go processIgnoreChanges; "*" puts back every input)...
        let inputs: Record<string, any> = { ...args.inputs };
        for (const field of before ? options.ignoreChanges : []) {
            if (field === "*") {
                inputs = { ...before!.inputs };
            } else if (field in before!.inputs) {
                inputs[field] = before!.inputs[field];
            } else {
                delete inputs[field];
            }
        }
        const changed = before
            ? [...new Set([...Object.keys(inputs), ...Object.keys(before.inputs)])].filter(
                  (k) => JSON.stringify(inputs[k]) !== JSON.stringify(before.inputs[k]),
              )
            : [];
        const targeted = before !== undefined && this.replaceTargets.has(urn);
        const change =
            before === undefined
                ? "create"
                : targeted
                  ? "replace"
                  : changed.length === 0
                    ? "same"
                    : changeKind(args.type, changed, inputs, before.inputs, options.replaceOnChanges);
        if (args.type === TAT_COMMAND && !this.preview && (change === "create" || changed.includes("commandName"))) {
            this.account.claimCommandName(String(inputs.commandName), `${this.stack}|${urn}`);
        }
        let entry: StateEntry;
        if (before !== undefined && change !== "replace") {
            const refusal =
                this.preview || args.type !== "tencentcloud:index/instance:Instance"
                    ? undefined
                    : instanceUpdateRefusal(changed, inputs, this.instanceState(before.id));
            if (refusal !== undefined) {
                throw new Error(`updating ${before.id}: ${refusal}`);
            }
            entry = {
                ...before,
                inputs,
                outputs: { ...before.outputs, ...inputs },
                retainOnDelete: options.retainOnDelete,
                importId,
            };
        } else {
            // ...but a replacement is created from the program's own values: ignoreChanges does not
            // reach it (step_generator.go: Check with goal.Properties for `--replace`, and again for
            // a diff that replaces, "we need to recompute the default values").
            inputs = before !== undefined ? { ...args.inputs } : inputs;
            entry = { ...this.create(args.type, inputs), retainOnDelete: options.retainOnDelete, importId };
            if (before !== undefined && !this.preview) {
                this.replaced.push(before);
            }
        }
        return this.registered(args, urn, entry, options, change, changed, importId);
    }

    /** Records a registration as what this update leaves in the state, and answers it. */
    private registered(
        args: pulumi.runtime.MockResourceArgs,
        urn: string,
        entry: StateEntry,
        options: RecordedOptions,
        change: RecordedResource["change"],
        changed: string[],
        importId: string | undefined,
    ): { id: string | undefined; state: Record<string, any> } {
        this.next.set(urn, entry);
        const inputs = entry.inputs;
        this.resources.push({
            type: args.type,
            name: args.name,
            urn,
            inputs,
            id: entry.id,
            options,
            change,
            changed,
            importId,
        });
        if (this.preview && (change === "create" || change === "replace")) {
            // A preview of a create (or a replacement) has no ID yet, and what only the cloud computes
            // is unknown (the engine's preview of a Create: its inputs, computed outputs unknown).
            const state = Object.fromEntries(
                Object.entries(entry.outputs).map(([k, v]) => [k, k in inputs ? v : pulumi.runtime.unknownValue]),
            );
            return { id: "", state };
        }
        return { id: entry.id, state: entry.outputs };
    }

    /**
     * The provider's Read of an existing resource by ID (an import): only invoke attachments, from
     * DescribeInvocations (`resource_tc_tat_invocation_invoke_attachment.go` Read: the instance, working
     * directory, timeout, username and command of the invocation); a record TAT no longer keeps does
     * not exist (the engine's ImportStep: "resource '<id>' does not exist").
     */
    private read(type: string, id: string): Omit<StateEntry, "retainOnDelete"> {
        const [invocationId, instanceId] = id.split("#");
        const target = this.invocationTargets.get(invocationId);
        if (type !== ATTACHMENT || target === undefined || this.expiredInvocations.has(invocationId)) {
            throw new Error(`resource '${id}' does not exist`);
        }
        const inputs = {
            instanceId,
            commandId: target.commandId,
            workingDirectory: target.workingDirectory,
            timeout: target.timeout,
            username: "System",
        };
        return { type, id, inputs, outputs: { ...inputs, invocationId } };
    }

    /** What the cloud makes of a new resource: its ID and outputs. */
    private create(type: string, inputs: Record<string, any>): Omit<StateEntry, "retainOnDelete"> {
        const n = String(++this.counter).padStart(8, "0");
        const outputs: Record<string, any> = { ...inputs };
        let id = `${type.split(":").pop()!.toLowerCase()}-${n}`;
        switch (type) {
            case "tencentcloud:index/instance:Instance":
                id = `ins-${n}`;
                outputs.privateIp = `10.0.${Math.floor(this.counter / 250) % 250}.${(this.counter % 250) + 2}`;
                outputs.publicIp = inputs.allocatePublicIp ? `203.0.113.${(this.counter % 250) + 2}` : undefined;
                outputs.osName = this.images.find((i) => i.imageId === inputs.imageId)?.osName ?? "Windows Server";
                outputs.instanceStatus = "RUNNING";
                if (!this.preview) {
                    this.cloudInstances.set(id, {
                        instanceId: id,
                        status: "RUNNING",
                        imageId: inputs.imageId,
                        osName: outputs.osName,
                    });
                }
                break;
            case "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment": {
                const instanceId = String(inputs.instanceId);
                if (!this.preview && NOT_RUNNING.has(this.instanceState(instanceId))) {
                    throw new Error(
                        `[TencentCloudSDKError] Code=ResourceUnavailable.InstanceStateNotRunning, Message=The instance ${instanceId} is not running.`,
                    );
                }
                if (!this.preview && !this.agentOnline(instanceId)) {
                    throw new Error(
                        `[TencentCloudSDKError] Code=${AGENT_NOT_ONLINE}, Message=The agent of instance ${instanceId} is not online.`,
                    );
                }
                outputs.invocationId = `inv-${n}`;
                id = `${outputs.invocationId}#${instanceId}`;
                if (!this.preview) {
                    this.invocations.set(instanceId, [
                        ...(this.invocations.get(instanceId) ?? []),
                        String(inputs.commandId),
                    ]);
                    const command = [...this.next.values(), ...this.state.values()].find(
                        (e) => e.id === inputs.commandId,
                    );
                    this.invoke(outputs.invocationId, {
                        instanceId,
                        commandId: String(inputs.commandId),
                        content: String(command?.inputs.content ?? ""),
                        source: "USER",
                        createdTime: this.now(),
                        workingDirectory: inputs.workingDirectory,
                        timeout: inputs.timeout,
                    });
                }
                break;
            }
            case "tencentcloud:index/tatInvoker:TatInvoker":
                // CreateInvoker refuses instances whose agent is not online, as InvokeCommand does
                // (a stopped instance's agent is offline). ModifyInvoker (an update) lists only
                // AgentNotInstalled: it takes any instance with an agent, running or not.
                for (const instanceId of this.preview ? [] : (inputs.instanceIds as string[])) {
                    if (!this.agentOnline(instanceId)) {
                        throw new Error(
                            `[TencentCloudSDKError] Code=${AGENT_NOT_ONLINE}, Message=The agent of instance ${instanceId} is not online.`,
                        );
                    }
                }
                if ((inputs.instanceIds as string[]).length > 100) {
                    throw new Error(
                        "[TencentCloudSDKError] Code=InvalidParameterValue, Message=at most 100 instances per invoker",
                    );
                }
                outputs.invokerId = `ivk-${n}`;
                outputs.enable = true;
                break;
            case "command:remote:Command":
                outputs.stdout = this.sshStdout;
                outputs.stderr = "";
                break;
        }
        return { type, id, inputs, outputs };
    }

    /**
     * True once the agent-status API has answered `Online` for the instance (never while it is not
     * running, never for an agent offline for good); a CVM made outside the stack is past its boot.
     */
    private agentOnline(instanceId: string): boolean {
        const booted = this.existing.has(instanceId) || (this.agentPolls.get(instanceId) ?? 0) > this.agentOfflinePolls;
        return !NOT_RUNNING.has(this.instanceState(instanceId)) && !this.offlineAgents.has(instanceId) && booted;
    }

    /** TAT runs `target` as the invocation `invocationId`: its output is recorded as it ran. */
    private invoke(invocationId: string, target: InvocationTarget): void {
        this.invocationTargets.set(invocationId, target);
        this.recordedOutputs.set(invocationId, this.tatOutput(invocationId, target));
    }

    /** A CreatedTime later than every earlier one (TAT's format: `2026-12-07 10:00:00`, here seconds from a fixed start). */
    private now(): string {
        const t = new Date(Date.UTC(2026, 0, 1) + ++this.clock * 1000);
        return t.toISOString().replace("T", " ").slice(0, 19);
    }

    /**
     * What an attachment's failed Create leaves: an invocation of `commandId` on `instanceId` that never
     * ended SUCCESS (the server rebooted mid-run, the agent restarted, TAT could not deliver it), its task
     * ended TASK_TIMEOUT without output. The provider polled for SUCCESS until its create timeout and
     * failed (`resource_tc_tat_invocation_invoke_attachment.go` L171-193); the bridge saves no state for a
     * failed Create, so the stack does not hold it, but TAT does. Returns the invocation ID.
     */
    leaveUnfinishedRun(instanceId: string, commandId: string): string {
        const invocationId = `inv-${String(++this.counter).padStart(8, "0")}`;
        const command = [...this.state.values()].find((e) => e.id === commandId);
        this.invoke(invocationId, {
            instanceId,
            commandId,
            content: String(command?.inputs.content ?? ""),
            source: "USER",
            createdTime: this.now(),
        });
        this.recordedOutputs.set(invocationId, "");
        this.taskStatuses.set(invocationId, "TASK_TIMEOUT");
        this.invocations.set(instanceId, [...(this.invocations.get(instanceId) ?? []), commandId]);
        return invocationId;
    }

    /**
     * The keep-activated schedules fire once: every invoker of the stack runs its command on each of
     * its instances whose agent is online (TAT: an invocation per run, InvocationSource `INVOKER`).
     * Returns the invocation IDs made.
     */
    runSchedules(): string[] {
        const made: string[] = [];
        for (const entry of this.state.values()) {
            if (entry.type !== "tencentcloud:index/tatInvoker:TatInvoker" || entry.outputs.enable === false) {
                continue;
            }
            const command = [...this.state.values()].find((e) => e.id === entry.inputs.commandId);
            for (const instanceId of (entry.inputs.instanceIds as string[]).filter((id) => this.agentOnline(id))) {
                const invocationId = `inv-s${String(++this.counter).padStart(7, "0")}`;
                this.invoke(invocationId, {
                    instanceId,
                    commandId: String(entry.inputs.commandId),
                    content: String(command?.inputs.content ?? ""),
                    source: "INVOKER",
                    createdTime: this.now(),
                });
                this.invocations.set(instanceId, [...(this.invocations.get(instanceId) ?? []), entry.inputs.commandId]);
                made.push(invocationId);
            }
        }
        return made;
    }

    /** An instance's state (RUNNING unless set otherwise). */
    private instanceState(instanceId: string): string {
        return this.cloudInstances.get(instanceId)?.status ?? "RUNNING";
    }

    /** An instance's TAT agent status as DescribeAutomationAgentStatus answers it (each answer counts as a poll). */
    agentStatus(instanceId: string): "Online" | "Offline" {
        this.agentPolls.set(instanceId, (this.agentPolls.get(instanceId) ?? 0) + 1);
        return this.agentOnline(instanceId) ? "Online" : "Offline";
    }

    /** True when the stack holds a TAT command of this ID, made before or in this deployment (DescribeCommands finds it). */
    hasCommand(commandId: string): boolean {
        return [...this.state.values(), ...this.next.values()].some(
            (e) => e.type === TAT_COMMAND && e.id === commandId,
        );
    }

    /**
     * DescribeInvocationTasks with `filters`: up to 10 filters of up to 5 values (invocation-id,
     * instance-id, command-id); a task matches every filter. Newest first (then by invocation ID).
     */
    invocationTasks(filters: { name: string; values: string[] }[]): MockTask[] {
        if (filters.length > 10 || filters.some((f) => f.values.length > 5)) {
            throw new Error(
                "[TencentCloudSDKError] Code=InvalidParameterValue, Message=at most 10 filters of 5 values",
            );
        }
        const wanted = (name: string) => filters.find((f) => f.name === name)?.values;
        const byInvocation = wanted("invocation-id");
        // An invocation asked for by ID that the mock did not run (a preview's) asks tatOutput.
        const unrun = (byInvocation ?? []).filter((id) => !this.invocationTargets.has(id));
        const matches = (id: string, t: InvocationTarget) =>
            (byInvocation === undefined || byInvocation.includes(id)) &&
            (wanted("instance-id")?.includes(t.instanceId) ?? true) &&
            (wanted("command-id")?.includes(t.commandId) ?? true);
        const tasks = [
            ...[...this.invocationTargets].filter(([id, t]) => matches(id, t) && !this.expiredInvocations.has(id)),
            ...unrun.map(
                (id) => [id, { instanceId: "", commandId: "", content: "", source: "USER", createdTime: "" }] as const,
            ),
        ].flatMap(([invocationId, target]) => {
            // An invocation's output is what it printed when it ran.
            const output = this.recordedOutputs.has(invocationId)
                ? this.recordedOutputs.get(invocationId)
                : this.tatOutput(invocationId, target);
            return output === undefined
                ? []
                : [
                      {
                          invocationId,
                          instanceId: target.instanceId,
                          commandId: target.commandId,
                          invocationSource: target.source,
                          createdTime: target.createdTime,
                          taskStatus: this.taskStatuses.get(invocationId) ?? "SUCCESS",
                          output,
                      },
                  ];
        });
        const order = (t: MockTask) => `${t.createdTime}|${t.invocationId}`;
        return tasks.sort((a, b) => order(b).localeCompare(order(a)));
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.calls.push({ token: args.token, inputs: args.inputs, provider: args.provider ?? "" });
        switch (args.token) {
            case "tencentcloud:index/getImages:getImages": {
                const regex = args.inputs.imageNameRegex ? new RegExp(args.inputs.imageNameRegex) : undefined;
                const types: string[] | undefined = args.inputs.imageTypes;
                const images = this.images
                    .filter((i) => (args.inputs.imageId ? i.imageId === args.inputs.imageId : true))
                    .filter((i) => (regex ? regex.test(i.imageName) : true))
                    .filter((i) => (types ? types.includes(i.imageType) : true))
                    .sort((a, b) => b.createdTime.localeCompare(a.createdTime));
                return { id: "images", images };
            }
            case "tencentcloud:index/getTatAgent:getTatAgent": {
                const ids: string[] = args.inputs.instanceIds ?? [];
                if (ids.length > 100) {
                    throw new Error(
                        "[TencentCloudSDKError] Code=InvalidParameterValue.LimitExceeded, Message=at most 100 instances per call",
                    );
                }
                const automationAgentSets = ids.map((instanceId) => ({
                    instanceId,
                    agentStatus: this.agentStatus(instanceId),
                    environment: "Windows",
                    version: "1.1.9",
                    lastHeartbeatTime: "",
                    supportFeatures: [],
                }));
                return { id: "agents", automationAgentSets, instanceIds: ids };
            }
            case "tencentcloud:index/getInstances:getInstances": {
                const ids: string[] = args.inputs.instanceSetIds ?? [];
                if (ids.length > 100) {
                    throw new Error("instance_set_ids: attribute supports 100 item maximum");
                }
                const instanceLists = ids.flatMap((id) => {
                    const i = this.cloudInstances.get(id);
                    return i === undefined
                        ? []
                        : [
                              {
                                  ...i,
                                  instanceName: i.instanceId,
                                  privateIp: "10.0.0.2",
                                  dataDisks: [],
                                  gpuInfos: [],
                                  securityGroups: [],
                                  tags: {},
                              },
                          ];
                });
                return { id: "instances", instanceLists, instanceSetIds: ids };
            }
            case "tencentcloud:index/getTatInvocationTask:getTatInvocationTask": {
                const invocationTaskSets = this.invocationTasks(args.inputs.filters ?? []).map((t) => ({
                    ...t,
                    taskResults: [{ exitCode: 0, output: t.output }],
                }));
                return { id: "tasks", invocationTaskSets };
            }
            default:
                return {};
        }
    }
}

/** The value of an output, or its error (Output's promise is internal to the SDK but stable). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return (pulumi.output(output) as any).promise();
}

/** True when a mock-engine input value is a secret. */
export function isSecretValue(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
    );
}
