/**
 * One measurement of the benchmark, run in its own process by test/bench/run.ts (the component
 * caches invokes and TAT commands per process, and a fresh heap gives a clean peak). Prints one
 * JSON object on stdout.
 *
 *   node --import tsx test/bench/child.ts eval component 500
 *   node --import tsx test/bench/child.ts eval bare 500 <user-data file>
 *   node --import tsx test/bench/child.ts eval emptyComponent 500 <user-data file>
 *   node --import tsx test/bench/child.ts work component|bare|emptyComponent 100 [<user-data file>]
 *   node --import tsx test/bench/child.ts calls oneVersion|threeVersions|tat 500
 *   node --import tsx test/bench/child.ts agents 500 <polls Offline before Online>
 *   node --import tsx test/bench/child.ts fleet activate|audit|odd|odd-provider|servers 1000
 *   node --import tsx test/bench/child.ts sizes
 *   node --import tsx test/bench/child.ts userData
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { ActivatedWindowsServer, ActivatedWindowsServerArgs, WindowsActivation } from "../../components";
import { pack } from "../../components/delivery/packed";
import { MockCloud, valueOf } from "../support/mockCloud";
import { MockApi } from "../support/mockApi";
import { WINDOWS_VERSIONS, WindowsVersion } from "../../components/images/imageNames";
import { Library, deploy } from "../support/deploy";
import { Side } from "./childProcess";
import { installWorkCounter } from "./workCounter";

const INSTANCE = "tencentcloud:index/instance:Instance";
const PASSWORD = "Str0ng(Passw0rd)";

const BASE: Omit<ActivatedWindowsServerArgs, "windowsVersion"> = {
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-bench001",
    subnetId: "subnet-bench001",
    password: PASSWORD,
};

async function setUp(cloud = new MockCloud()): Promise<MockCloud> {
    await cloud.start("tencentcloud-windows", "bench");
    return cloud;
}

/**
 * A cloud whose TAT API stand-in listens, with the default provider's key pair in the environment, so
 * the components read TAT directly (as with `TENCENTCLOUD_SECRET_ID`/`_KEY`/`_REGION` set for real).
 */
async function withApi(): Promise<{ cloud: MockCloud; api: MockApi }> {
    const cloud = new MockCloud();
    const api = new MockApi(cloud);
    await api.start();
    return { cloud, api };
}

/** Samples heapUsed every few milliseconds while `work` runs; returns its duration and the peak. */
async function measure(
    work: () => Promise<void>,
): Promise<{ ms: number; peakHeapBytes: number; startHeapBytes: number }> {
    const startHeapBytes = process.memoryUsage().heapUsed;
    let peak = startHeapBytes;
    const sample = () => {
        const used = process.memoryUsage().heapUsed;
        if (used > peak) {
            peak = used;
        }
    };
    const timer = setInterval(sample, 2);
    const t0 = process.hrtime.bigint();
    await work();
    // Every registration and registerOutputs call has reached the mock engine.
    await pulumi.runtime.disconnect();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    clearInterval(timer);
    sample();
    return { ms, peakHeapBytes: peak, startHeapBytes };
}

/** A bare CVM as a user would declare it, with the component's user data (under `parent` when given). */
function bareInstance(i: number, userData: string, parent?: pulumi.Resource): tencentcloud.Instance {
    return new tencentcloud.Instance(
        `srv-${i}-instance`,
        {
            availabilityZone: BASE.availabilityZone,
            imageId: "img-2022zh02",
            instanceType: BASE.instanceType,
            instanceName: `srv-${i}`,
            password: pulumi.secret(PASSWORD),
            vpcId: BASE.vpcId,
            subnetId: BASE.subnetId,
            orderlySecurityGroups: [],
            allocatePublicIp: false,
            disableAutomationService: false,
            userDataRaw: userData,
        },
        { parent, ignoreChanges: ["imageId", "userDataRaw"] },
    );
}

/** The floor of any component: the bare instance inside a component that does nothing else. */
class EmptyComponent extends pulumi.ComponentResource {
    public readonly instanceId: pulumi.Output<string>;
    constructor(i: number, userData: string) {
        super("bench:index:EmptyComponent", `srv-${i}`, {}, {});
        this.instanceId = bareInstance(i, userData, this).id;
        this.registerOutputs({});
    }
}

/** The bare sides' user data, as recorded from the component (none for the component side). */
function readUserData(file: string | undefined): string {
    return file === undefined ? "" : fs.readFileSync(file, "utf8");
}

/** Declares n servers of one side and waits for what a program would read of each. */
async function declare(side: Side, n: number, userData: string): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (let i = 0; i < n; i++) {
        if (side === "component") {
            const s = new ActivatedWindowsServer(`srv-${i}`, { ...BASE, windowsVersion: "2022" });
            waits.push(valueOf(s.instanceId), valueOf(s.activationStatus));
        } else {
            waits.push(
                valueOf(side === "bare" ? bareInstance(i, userData).id : new EmptyComponent(i, userData).instanceId),
            );
        }
    }
    await Promise.all(waits);
}

/** One side's program evaluation: wall time, peak heap and what reached the mock engine. */
async function evaluate(side: Side, n: number, userDataFile: string | undefined): Promise<object> {
    const cloud = await setUp();
    const m = await measure(() => declare(side, n, readUserData(userDataFile)));
    return { ...m, resources: cloud.resources.length, calls: cloud.calls.length };
}

/** One side's work per server, counted in the SDK (a slower run: its time is not a figure). */
async function work(side: Side, n: number, userDataFile: string | undefined): Promise<object> {
    const cloud = await setUp();
    const counts = installWorkCounter();
    await measure(() => declare(side, n, readUserData(userDataFile)));
    const c = counts();
    return {
        registrations: cloud.resources.length / n,
        registeredOutputs: cloud.registeredOutputs.size / n,
        invokes: cloud.calls.length / n,
        stackTraces: c.stackTraces / n,
        applies: c.applies / n,
    };
}

async function countCalls(scenario: string, n: number): Promise<object> {
    const cloud = await setUp();
    const versions: WindowsVersion[] = scenario === "threeVersions" ? ["2016", "2019", "2022"] : ["2022"];
    const servers: ActivatedWindowsServer[] = [];
    const m = await measure(async () => {
        for (let i = 0; i < n; i++) {
            servers.push(
                new ActivatedWindowsServer(`srv-${i}`, {
                    ...BASE,
                    windowsVersion: versions[i % versions.length],
                    activation: scenario === "tat" ? { delivery: "tat" } : undefined,
                }),
            );
        }
        await Promise.all(servers.flatMap((s) => [valueOf(s.instanceId), valueOf(s.activationStatus)]));
    });
    const count = (type: string) => cloud.resources.filter((r) => r.type === type).length;
    const tatCommands = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand");
    return {
        ms: m.ms,
        getImages: cloud.calls.filter((c) => c.token === "tencentcloud:index/getImages:getImages").length,
        getTatInvocationTask: cloud.calls.filter(
            (c) => c.token === "tencentcloud:index/getTatInvocationTask:getTatInvocationTask",
        ).length,
        tatCommands: tatCommands.length,
        tatCommandTimeouts: [...new Set(tatCommands.map((r) => r.inputs.timeout))],
        tatAttachments: count("tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment"),
        instances: count(INSTANCE),
        statuses: [...new Set(await Promise.all(servers.map((s) => valueOf(s.activationStatus))))],
    };
}

/** 500 TAT servers whose agents answer Offline `offlinePolls` times: the agent-status calls and the wall time. */
async function agents(n: number, offlinePolls: number): Promise<object> {
    const cloud = await setUp();
    cloud.agentOfflinePolls = offlinePolls;
    const servers: ActivatedWindowsServer[] = [];
    const m = await measure(async () => {
        for (let i = 0; i < n; i++) {
            servers.push(
                new ActivatedWindowsServer(`srv-${i}`, {
                    ...BASE,
                    windowsVersion: "2022",
                    activation: { delivery: "tat", tatAgentPollSeconds: 1 },
                }),
            );
        }
        await Promise.all(servers.map((s) => valueOf(s.activationStatus)));
    });
    const calls = cloud.calls
        .filter((c) => c.token === "tencentcloud:index/getTatAgent:getTatAgent")
        .map((c) => c.inputs.instanceIds.length);
    const instanceStatusCalls = cloud.calls.filter(
        (c) => c.token === "tencentcloud:index/getInstances:getInstances",
    ).length;
    return {
        ms: m.ms,
        agentStatusCalls: calls.length,
        instanceStatusCalls,
        largestCall: Math.max(...calls),
        instancesAsked: calls.reduce((a, b) => a + b, 0),
        invocations: [...cloud.invocations.values()].flat().length,
    };
}

/** A fleet benchmark: which fleet, and whether TAT is read directly (all but `odd-provider`). */
export type FleetKind = "activate" | "audit" | "odd" | "odd-provider" | "servers";

/**
 * 1,000 existing instances through one WindowsActivation (`activate` or `audit`), or the same fleet as
 * new ActivatedWindowsServers with TAT delivery (`servers`): wall time, invocations and every cloud
 * read. All read TAT directly (the stand-in API) except `odd-provider`, the odd fleet through the
 * provider's data sources.
 */
async function fleet(kind: FleetKind, n: number): Promise<object> {
    if (kind === "odd-provider") {
        return oddFleetDays(new MockCloud(), undefined, n);
    }
    const { cloud, api } = await withApi();
    if (kind === "odd") {
        return oddFleetDays(cloud, api, n);
    }
    await setUp(cloud);
    const ids = kind === "servers" ? [] : cloud.addExistingInstances(n);
    let statuses: string[] = [];
    const m = await measure(async () => {
        if (kind === "servers") {
            const servers = Array.from(
                { length: n },
                (_, i) =>
                    new ActivatedWindowsServer(`srv-${i}`, {
                        ...BASE,
                        windowsVersion: "2022",
                        activation: { delivery: "tat" },
                    }),
            );
            statuses = await Promise.all(servers.map((s) => valueOf(s.activationStatus)));
        } else {
            const f = new WindowsActivation("fleet", { instanceIds: ids, mode: kind });
            statuses = Object.values(await valueOf(f.results)).map((r) => r.status);
        }
    });
    await api.stop();
    return { ms: m.ms, peakHeapBytes: m.peakHeapBytes, ...fleetCounts(cloud, statuses, api) };
}

/** What one deployment of a fleet asked the cloud and registered, and its instances' statuses. */
function fleetCounts(cloud: MockCloud, statuses: string[], api: MockApi | undefined): object {
    const calls = (token: string) => cloud.calls.filter((c) => c.token === `tencentcloud:index/${token}:${token}`);
    // What Tencent sees: the provider pages DescribeAutomationAgentStatus at 20 instances a request
    // (service_tencentcloud_tat.go, `limit = 20`); a task read of at most 5 instances or invocation IDs
    // is one page; the direct reads are counted as the stand-in API answered them (throttled ones too).
    const agentRequests = calls("getTatAgent").reduce((sum, c) => sum + Math.ceil(c.inputs.instanceIds.length / 20), 0);
    const requests =
        calls("getInstances").length +
        calls("getImages").length +
        agentRequests +
        calls("getTatInvocationTask").length +
        (api?.count() ?? 0);
    return {
        requests,
        apiRequests: api?.count() ?? 0,
        changed: cloud.resources.filter((r) => r.change !== "same").length,
        invocations: [...cloud.invocations.values()].flat().length,
        tatCommands: cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand").length,
        agentStatusCalls: calls("getTatAgent").length,
        getInstances: calls("getInstances").length,
        getImages: calls("getImages").length,
        getTatInvocationTask: calls("getTatInvocationTask").length,
        resources: cloud.resources.length,
        licensed: statuses.filter((s) => s === "Licensed").length,
        skipped: statuses.filter((s) => s === "Skipped").length,
    };
}

/**
 * The odd fleet's days ({@link oddFleet}): audited, then activated, then activated again with nothing
 * changed; the figures are the unchanged run's, and the first activation's statuses. With `api`, TAT
 * is read directly.
 */
async function oddFleetDays(cloud: MockCloud, api: MockApi | undefined, n: number): Promise<object> {
    const ids = oddFleet(cloud, n);
    const run = (mode: "audit" | "activate") => async (lib: Library) =>
        Object.values(await valueOf(new lib.WindowsActivation("fleet", { instanceIds: ids, mode }).results)).map(
            (r) => r.status,
        );
    await deploy(cloud, run("audit"));
    const first = (await deploy(cloud, run("activate"))).result;
    api?.requests.splice(0);
    let again: string[] = [];
    const m = await measure(async () => {
        again = (await deploy(cloud, run("activate"))).result;
    });
    await api?.stop();
    const unchanged = fleetCounts(cloud, again, api);
    return {
        ms: m.ms,
        peakHeapBytes: m.peakHeapBytes,
        ...unchanged,
        firstLicensed: first.filter((s) => s === "Licensed").length,
    };
}

/**
 * `n` existing instances of which 3% are odd, as long-lived fleets have them: 1% with an agent offline
 * for good, 0.5% stopped, 0.2% in rescue mode, 0.5% running Linux, 0.3% from a custom image, 0.3% from a
 * retired public image (Windows, no longer listed), 0.2% gone (IDs the region no longer has).
 */
function oddFleet(cloud: MockCloud, n: number): string[] {
    const part = (share: number) => Math.round(n * share);
    const shares = [0.005, 0.002, 0.005, 0.003, 0.003, 0.002];
    const healthy = cloud.addExistingInstances(n - shares.reduce((sum, x) => sum + part(x), 0));
    healthy.slice(0, part(0.01)).forEach((id) => cloud.offlineAgents.add(id));
    return [
        ...healthy,
        ...cloud.addExistingInstances(part(0.005), "img-2022zh02", "STOPPED"),
        ...cloud.addExistingInstances(part(0.002), "img-2022zh02", "RESCUE_MODE"),
        ...cloud.addExistingInstances(part(0.005), "img-linux001"),
        ...cloud.addExistingInstances(part(0.003), "img-custom01"),
        ...cloud.addExistingInstances(part(0.003), "img-retired9"),
        ...Array.from({ length: part(0.002) }, (_, i) => `ins-gone${String(i).padStart(4, "0")}`),
    ];
}

/** A distinct 253-character DNS name (the longest the validation accepts). */
function longHost(tag: string): string {
    const label = (n: number) => (tag + "x".repeat(n)).slice(0, n);
    return [label(63), label(63), label(63), label(61)].join(".");
}

/**
 * The largest settings the validation accepts: 5 KMS hosts and 4 NTP servers of 253 characters,
 * the client key step and OpenSSH; 20 attempts take a delay up to 560 s (TAT's command timeout).
 */
const MAX_ACTIVATION = {
    kmsHost: longHost("k"),
    fallbackKmsHosts: ["a", "b", "c", "d"].map(longHost),
    ntpServers: ["n", "o", "p", "q"].map(longHost),
    installKmsClientKey: true,
    maxAttempts: 20,
    retryDelaySeconds: 560,
    kmsPort: 65535,
};

/**
 * Recorded Instance user data and the script, per version: default
 * activation, installKmsClientKey, and OpenSSH where supported.
 */
async function sizes(): Promise<object> {
    const cloud = await setUp();
    const variants = [
        { key: "default", activation: undefined },
        { key: "installKmsClientKey", activation: { installKmsClientKey: true } },
        { key: "enableOpenSsh", activation: { enableOpenSsh: true } },
        { key: "maximal", activation: MAX_ACTIVATION },
        { key: "maximalOpenSsh", activation: { ...MAX_ACTIVATION, enableOpenSsh: true } },
    ] as const;
    const rows: object[] = [];
    for (const version of WINDOWS_VERSIONS) {
        const row: Record<string, unknown> = { version };
        for (const v of variants) {
            const name = `size-${version}-${v.key}`;
            let server: ActivatedWindowsServer;
            try {
                server = new ActivatedWindowsServer(name, {
                    ...BASE,
                    windowsVersion: version,
                    activation: v.activation,
                });
            } catch (e) {
                row[`${v.key}UserDataBytes`] = null;
                row[`${v.key}Refused`] = e instanceof Error ? e.message : String(e);
                continue;
            }
            const script = await valueOf(server.activationScript);
            await valueOf(server.instanceId);
            const recorded = cloud.resources.find((r) => r.type === INSTANCE && r.name === `${name}-instance`);
            const userData: unknown = recorded?.inputs.userDataRaw;
            row[`${v.key}ScriptBytes`] = Buffer.byteLength(script);
            row[`${v.key}PackedBytes`] = (pack(Buffer.from(script)).length / 5) * 4;
            row[`${v.key}UserDataBytes`] = typeof userData === "string" ? Buffer.byteLength(userData) : null;
        }
        rows.push(row);
    }
    await pulumi.runtime.disconnect();
    return { rows };
}

async function userDataOfOne(): Promise<object> {
    const cloud = await setUp();
    const server = new ActivatedWindowsServer("srv-0", { ...BASE, windowsVersion: "2022" });
    await valueOf(server.instanceId);
    await pulumi.runtime.disconnect();
    const recorded = cloud.resources.find((r) => r.type === INSTANCE);
    return { userData: recorded?.inputs.userDataRaw };
}

async function main(): Promise<void> {
    const [mode, a, b, c] = process.argv.slice(2);
    let result: object;
    switch (mode) {
        case "eval":
            result = await evaluate(a as Side, Number(b), c);
            break;
        case "work":
            result = await work(a as Side, Number(b), c);
            break;
        case "calls":
            result = await countCalls(a, Number(b));
            break;
        case "agents":
            result = await agents(Number(a), Number(b));
            break;
        case "fleet":
            result = await fleet(a as FleetKind, Number(b));
            break;
        case "sizes":
            result = await sizes();
            break;
        case "userData":
            result = await userDataOfOne();
            break;
        default:
            throw new Error(`unknown mode ${mode}`);
    }
    process.stdout.write(JSON.stringify(result) + "\n");
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e instanceof Error ? e.stack : e);
        process.exit(1);
    },
);
