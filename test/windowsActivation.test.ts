/**
 * WindowsActivation under the mock cloud: existing CVMs (made outside the stack) activated or
 * audited through one shared TAT command, for 1, 250 and 1,000 instances, with the calls and
 * invocations counted; failures named, refusals before anything runs.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
    HEALTHY_DIAGNOSIS_LINE,
    LICENSED_LINE,
    MockCloud,
    failedActivationLine,
    taskOutput,
    valueOf,
} from "./support/mockCloud";
import { SERVER_ARGS, deploy } from "./support/deploy";
import { FLEET_FAILURES, FailingFleetCase, MISSING_INSTANCE, fleetOf } from "./support/failingFleetProgram";
import { useMockCloud } from "./support/mockProgram";
import * as fs from "node:fs";
import { FleetStatus } from "../components/fleet/fleetReport";
import { SkipReason } from "../components/fleet/inspectInstances";

const { mod } = useMockCloud();

/** Runs a failing fleet program in its own process (as `pulumi up` would run it): its exit code and output. */
function runFailing(which: FailingFleetCase) {
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "support", "failingFleetProgram.ts"), which],
        { encoding: "utf8", timeout: 120000 },
    );
    const line = (key: string) =>
        (run.stdout.split("\n").find((l) => l.startsWith(`${key}: `)) ?? "").slice(key.length + 2);
    return {
        status: run.status,
        stderr: run.stderr,
        registered: line("registered").split(",").filter(Boolean),
        invoked: line("invoked").split(",").filter(Boolean),
    };
}

const TYPES = {
    command: "tencentcloud:index/tatCommand:TatCommand",
    attachment: "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment",
    invoker: "tencentcloud:index/tatInvoker:TatInvoker",
    getInstances: "tencentcloud:index/getInstances:getInstances",
    getImages: "tencentcloud:index/getImages:getImages",
    getTatAgent: "tencentcloud:index/getTatAgent:getTatAgent",
    getTask: "tencentcloud:index/getTatInvocationTask:getTatInvocationTask",
};

/** An audit's line for a server that is not licensed, with `rootCause`. */
export function unlicensedDiagnosisLine(rootCause: string): string {
    return JSON.stringify({
        ...JSON.parse(HEALTHY_DIAGNOSIS_LINE),
        licenseStatus: 5,
        licensedByConfiguredHost: false,
        rootCause,
    });
}

type Lib = typeof import("../components");

/** Declares WindowsActivation `fleet` over `ids` and waits for its outputs. */
function fleet(ids: string[], args: Record<string, unknown> = {}) {
    return async (lib: Lib) => {
        const f = new lib.WindowsActivation("fleet", { instanceIds: ids, ...args });
        return {
            summary: await valueOf(f.summary),
            results: await valueOf(f.results),
            script: await valueOf(f.activationScript),
        };
    };
}

const count = (cloud: MockCloud, type: string) => cloud.resources.filter((r) => r.type === type).length;
const calls = (cloud: MockCloud, token: string) => cloud.calls.filter((c) => c.token === token);

describe("WindowsActivation at 1, 250 and 1,000 existing instances", () => {
    for (const mode of ["activate", "audit"] as const) {
        for (const n of [1, 250, 1000]) {
            test(`mode ${mode}, ${n} instances: one shared command, one invocation per instance, batched reads`, async () => {
                const cloud = new MockCloud();
                const ids = cloud.addExistingInstances(n);
                const { result } = await deploy(cloud, fleet(ids, { mode }));
                const batches = Math.ceil(n / 100);
                assert.equal(count(cloud, TYPES.command), 1, "one TatCommand for the whole fleet");
                assert.equal(
                    count(cloud, TYPES.attachment),
                    n,
                    "the provider has no invocation resource taking a list: one per instance",
                );
                assert.deepEqual([...cloud.invocations.keys()].sort(), [...ids].sort(), "every instance ran it once");
                assert.ok([...cloud.invocations.values()].every((v) => v.length === 1));
                assert.equal(calls(cloud, TYPES.getInstances).length, batches, "instances read 100 at a time");
                assert.ok(calls(cloud, TYPES.getInstances).every((c) => c.inputs.instanceSetIds.length <= 100));
                assert.equal(calls(cloud, TYPES.getImages).length, 1, "one image lookup per distinct image");
                assert.equal(calls(cloud, TYPES.getTatAgent).length, batches, "agents asked about 100 at a time");
                const tasks = calls(cloud, TYPES.getTask);
                assert.equal(
                    tasks.filter((c) => c.inputs.filters[0].name === "command-id").length,
                    Math.ceil(n / 5),
                    "kept runs looked up 5 instances a call (DescribeInvocationTasks: 5 values per filter)",
                );
                assert.equal(
                    tasks.filter((c) => c.inputs.filters[0].name === "invocation-id").length,
                    Math.ceil(n / 5),
                    "the new invocations' outputs read 5 a call",
                );
                assert.equal(tasks.length, 2 * Math.ceil(n / 5));
                assert.equal(count(cloud, TYPES.invoker), 0, "no schedule unless keepActivated");
                const content: string = cloud.resources.find((r) => r.type === TYPES.command)!.inputs.content;
                assert.equal(
                    /cmd\.exe" \/c \$p \/diagnose/.test(content),
                    mode === "audit",
                    "audit runs /diagnose and nothing else",
                );
                assert.deepEqual(result.summary, {
                    licensed: n,
                    failed: 0,
                    unknown: 0,
                    skipped: 0,
                    failures: [],
                    skips: [],
                    runAgain: [],
                });
                assert.deepEqual(Object.keys(result.results), ids);
                const first = result.results[ids[0]];
                assert.equal(first.status, "Licensed");
                if (mode === "activate") {
                    assert.equal(first.result?.status, "Licensed");
                    assert.equal(first.diagnosis, undefined);
                } else {
                    assert.equal(first.diagnosis?.licensedByConfiguredHost, true);
                    assert.equal(first.result, undefined);
                }
            });
        }
    }
});

test("1,000 instances deployed again unchanged: the calls per API, and nothing registered changes", async () => {
    const cloud = new MockCloud();
    const ids = cloud.addExistingInstances(1000);
    await deploy(cloud, fleet(ids));
    const { result } = await deploy(cloud, fleet(ids));
    const perApi = Object.fromEntries(
        Object.entries(TYPES)
            .filter(([k]) => k.startsWith("get"))
            .map(([k, token]) => [k, calls(cloud, token).length]),
    );
    assert.deepEqual(perApi, { getInstances: 10, getImages: 1, getTatAgent: 10, getTask: 200 });
    assert.ok(cloud.resources.every((r) => r.change === "same"));
    assert.equal(cloud.invocations.get(ids[0])?.length, 1);
    assert.equal(result.summary.licensed, 1000);
});

describe("a fleet with failures", () => {
    const broken = new Map([
        [3, "kmsPort"],
        [117, "clockSkew"],
        [249, "serviceDisabled"],
    ]);

    function failingCloud(mode: "activate" | "audit") {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(250);
        const cause = new Map([...broken].map(([i, c]) => [ids[i], c]));
        cloud.tatOutput = (_, target) => {
            const c = cause.get(target.instanceId);
            if (mode === "audit") {
                return taskOutput(c ? unlicensedDiagnosisLine(c) : HEALTHY_DIAGNOSIS_LINE);
            }
            return taskOutput(c ? failedActivationLine(c) : LICENSED_LINE);
        };
        return { cloud, ids, cause };
    }

    test("pulumi up fails naming every failed instance, with its root cause and fix, and no healthy one", () => {
        const ids = fleetOf(new MockCloud(), "failedFleet");
        const run = runFailing("failedFleet");
        assert.notEqual(run.status, 0);
        assert.match(
            run.stderr,
            /Windows activation failed on 3 of 250 instances of WindowsActivation 'failing-failedFleet' \(247 licensed, 0 unknown, 0 skipped\)/,
        );
        const again = /pulumi up( --replace '[^']+')+/.exec(run.stderr)?.[0] ?? "";
        const replaced = [...again.matchAll(/--replace '([^']+)'/g)].map((m) => m[1]);
        assert.deepEqual(
            replaced,
            [...FLEET_FAILURES.keys()].map(
                (i) =>
                    `urn:pulumi:test::tencentcloud-windows::tencentcloud-windows:index:WindowsActivation$tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment::failing-failedFleet-${ids[i]}`,
            ),
            "the message gives the command that runs again on exactly the failed instances",
        );
        assert.doesNotMatch(run.stderr, /the activation resource/);
        for (const [i, cause] of FLEET_FAILURES) {
            assert.ok(run.stderr.includes(`server '${ids[i]}' failed: KmsUnreachable`), ids[i]);
            assert.ok(run.stderr.includes(`Root cause: ${cause}:`), cause);
        }
        assert.ok(run.stderr.includes("Fix: Allow outbound TCP to the KMS port (1688)"));
        assert.ok(run.stderr.includes("Fix: Allow outbound UDP 123"));
        const named = new Set([...run.stderr.matchAll(/server '(ins-[a-z0-9]+)' failed/g)].map((m) => m[1]));
        assert.deepEqual(
            [...named],
            [...FLEET_FAILURES.keys()].map((i) => ids[i]),
            "exactly the failed ones, in order",
        );
        assert.equal(run.invoked.length, 250, "every instance ran the script: one failure does not stop the others");
    });

    test("failOnActivationError false: the deployment succeeds and the summary lists the three", async () => {
        const { cloud, ids, cause } = failingCloud("activate");
        const { result } = await deploy(cloud, fleet(ids, { activation: { failOnActivationError: false } }));
        assert.equal(result.summary.licensed, 247);
        assert.equal(result.summary.failed, 3);
        assert.deepEqual(
            result.summary.failures.map((f) => [f.instanceId, f.rootCause]),
            [...cause],
        );
        assert.equal(result.results[ids[3]].status, "Failed");
        assert.equal(result.results[ids[3]].rootCause, "kmsPort");
        assert.match(result.results[ids[3]].fix, /TCP to the KMS port/);
        assert.equal(result.results[ids[3]].result?.exitCode, 10);
    });

    test("audit reports the same failures with their root causes, and never fails the deployment", async () => {
        const { cloud, ids, cause } = failingCloud("audit");
        const { result } = await deploy(cloud, fleet(ids, { mode: "audit" }));
        assert.deepEqual(
            {
                ...result.summary,
                failures: result.summary.failures.map((f) => [f.instanceId, f.rootCause]),
                runAgain: result.summary.runAgain.length,
            },
            { licensed: 247, failed: 3, unknown: 0, skipped: 0, failures: [...cause], skips: [], runAgain: 3 },
        );
        assert.match(
            result.summary.failures[0].message,
            /^Windows on instance 'ins-[a-z0-9]+' is not licensed \(LicenseStatus 5, Windows Server 2022 Datacenter\)\. Root cause: kmsPort: .* Fix: Allow outbound TCP/,
        );
        assert.equal(result.results[ids[117]].diagnosis?.rootCause, "clockSkew");
    });

    test("an instance whose TAT record expired is Unknown, not Failed", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(2);
        cloud.tatOutput = (_, t) => (t.instanceId === ids[1] ? undefined : taskOutput(LICENSED_LINE));
        const { result } = await deploy(cloud, fleet(ids));
        assert.deepEqual([result.summary.licensed, result.summary.failed, result.summary.unknown], [1, 0, 1]);
        assert.equal(result.results[ids[1]].error, "no invocation record was found");
    });
});

describe("instances the component will not touch", () => {
    test("not Windows, not a public image, not found: each Skipped with what it is and what to do; the rest run", async () => {
        const cloud = new MockCloud();
        const [good1, good2, linux, custom, retired, gone] = fleetOf(cloud, "refused");
        const { result } = await deploy(
            cloud,
            fleet([good1, good2, linux, custom, retired, gone], { activation: { failOnActivationError: true } }),
        );
        const r = result.results;
        assert.deepEqual(
            [good1, good2, retired].map((id) => r[id].status),
            ["Licensed", "Licensed", "Licensed"],
            "a retired public image with a Windows OS name runs",
        );
        assert.deepEqual([...cloud.invocations.keys()].sort(), [good1, good2, retired].sort());
        assert.deepEqual(
            [linux, custom, gone].map((id) => [r[id].status, r[id].rootCause]),
            [
                ["Skipped", "notWindows"],
                ["Skipped", "notPublicImage"],
                ["Skipped", "notFound"],
            ],
        );
        assert.match(r[linux].error ?? "", /\(TencentOS Server 3\.1, image img-linux001\): not Windows/);
        assert.match(r[custom].error ?? "", /not from a Tencent public image \(image type PRIVATE_IMAGE\)/);
        assert.match(r[gone].error ?? "", /not found in the provider's region/);
        assert.equal(r[linux].instance?.osName, "TencentOS Server 3.1", "what it is");
        assert.equal(r[retired].instance?.imageName, "", "the retired image has no name any more");
        assert.ok([linux, custom, gone].every((id) => r[id].fix.length > 0));
        assert.deepEqual(
            result.summary.skips.map((x) => [x.instanceId, x.rootCause]),
            [
                [linux, "notWindows"],
                [custom, "notPublicImage"],
                [gone, "notFound"],
            ],
        );
        assert.equal(result.summary.skipped, 3);
    });

    test("strict: true: not Windows, not a public image, not found refused in one error naming each, before anything runs", () => {
        const [good1, good2, linux, custom, retired] = fleetOf(new MockCloud(), "refused");
        const run = runFailing("refused");
        assert.notEqual(run.status, 0);
        assert.match(
            run.stderr,
            /WindowsActivation 'failing-refused' \(strict\) refuses 3 of 6 instances \(nothing was run on any instance\)/,
        );
        assert.match(
            run.stderr,
            new RegExp(`- ${linux} \\(TencentOS Server 3\\.1, image img-linux001\\): not Windows`),
        );
        assert.match(
            run.stderr,
            new RegExp(
                `- ${custom} \\(.*, image img-custom01\\): not from a Tencent public image \\(image type PRIVATE_IMAGE\\)`,
            ),
        );
        assert.match(run.stderr, new RegExp(`- ${MISSING_INSTANCE}: not found in the provider's region`));
        assert.doesNotMatch(run.stderr, new RegExp(`${good1}|${good2}|${retired}`));
        assert.deepEqual(run.invoked, []);
        assert.deepEqual(
            run.registered,
            ["tencentcloud-windows:index:WindowsActivation"],
            "no TAT resource was registered",
        );
    });

    test("a malformed ID that arrives as an output is refused by name, before anything runs", () => {
        const run = runFailing("badId");
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /Invalid argument 'instanceIds\[1\]': must be a CVM instance ID/);
        assert.deepEqual(run.invoked, []);
        assert.deepEqual(run.registered, ["tencentcloud-windows:index:WindowsActivation"]);
    });

    test("a stopped instance is left alone and reported Unknown; the running ones are activated", async () => {
        const cloud = new MockCloud();
        const running = cloud.addExistingInstances(2);
        const [stopped] = cloud.addExistingInstances(1, "img-2022zh02", "STOPPED");
        const { result } = await deploy(cloud, fleet([...running, stopped], { activation: { keepActivated: true } }));
        assert.deepEqual(
            [result.summary.licensed, result.summary.failed, result.summary.unknown, result.summary.skipped],
            [2, 0, 0, 1],
        );
        assert.equal(result.results[stopped].status, "Skipped");
        assert.equal(result.results[stopped].rootCause, "notRunning");
        assert.match(result.results[stopped].error ?? "", /STOPPED, not RUNNING/);
        assert.match(result.results[stopped].fix, /Start the instance/);
        assert.equal(cloud.invocations.has(stopped), false);
        assert.equal(
            calls(cloud, TYPES.getTatAgent).some((c) => c.inputs.instanceIds.includes(stopped)),
            false,
            "no agent wait for it",
        );
        const invoker = cloud.resources.find((r) => r.type === TYPES.invoker)!;
        assert.deepEqual(
            [...invoker.inputs.instanceIds].sort(),
            [...running].sort(),
            "no schedule on it (CreateInvoker refuses an offline agent)",
        );
    });

    test("a starting instance is not skipped when its agent answers Online, and its state is read once", async () => {
        const cloud = new MockCloud();
        const [starting] = cloud.addExistingInstances(1, "img-2022zh02", "STARTING");
        const { result } = await deploy(cloud, fleet([starting]));
        assert.equal(result.results[starting].status, "Licensed");
        assert.equal(cloud.invocations.get(starting)?.length, 1);
        assert.equal(calls(cloud, TYPES.getInstances).length, 1, "the agent gate does not ask DescribeInstances again");
    });

    test("a preview reads the instances but invokes nothing", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        await deploy(
            cloud,
            async (lib) => {
                new lib.WindowsActivation("fleet", { instanceIds: ids });
            },
            { preview: true },
        );
        assert.equal(calls(cloud, TYPES.getInstances).length, 1);
        assert.equal(cloud.invocations.size, 0);
    });

    test("a preview whose instance IDs come from servers still to be created says why it lists no invocations; the update registers them", async () => {
        const cloud = new MockCloud();
        const program = async (lib: typeof import("../components")) => {
            const servers = ["a", "b"].map((n) => new lib.ActivatedWindowsServer(n, { ...SERVER_ARGS }));
            new lib.WindowsActivation("later", { instanceIds: servers.map((s) => s.instanceId) });
        };
        const logged: string[] = [];
        const original = console.log;
        console.log = (...args: unknown[]) => logged.push(args.map(String).join(" "));
        try {
            await deploy(cloud, program, { preview: true });
        } finally {
            console.log = original;
        }
        const said = logged.filter((l) => l.includes("WindowsActivation 'later'"));
        assert.equal(said.length, 1, logged.join("\n"));
        assert.match(said[0], /instance IDs are not known until .* cannot list the TAT invocations/);
        assert.equal(count(cloud, TYPES.attachment), 0);

        await deploy(cloud, program);
        assert.equal(count(cloud, TYPES.attachment), 2, "the update invokes on both new servers");
    });
});

describe("agents and states: each instance decides for itself, nothing waits", () => {
    const NOT_RUNNING_NOW = [
        "ENTER_RESCUE_MODE",
        "RESCUE_MODE",
        "EXIT_RESCUE_MODE",
        "ENTER_SERVICE_LIVE_MIGRATE",
        "SERVICE_LIVE_MIGRATE",
        "EXIT_SERVICE_LIVE_MIGRATE",
    ];

    test(
        "an agent offline for good is Skipped after one status round, on day one and on day two; the others run",
        { timeout: 60000 },
        async () => {
            const cloud = new MockCloud();
            const ids = cloud.addExistingInstances(5);
            cloud.offlineAgents.add(ids[1]);
            const started = Date.now();
            const first = await deploy(cloud, fleet(ids));
            assert.equal(first.result.results[ids[1]].status, "Skipped");
            assert.equal(first.result.results[ids[1]].rootCause, "agentOffline");
            assert.match(first.result.results[ids[1]].error ?? "", /TAT agent is Offline: nothing was invoked on it/);
            assert.match(
                first.result.results[ids[1]].fix,
                /the next `pulumi up` runs the script there once the agent is Online/,
            );
            assert.equal(first.result.summary.licensed, 4);
            assert.equal(calls(cloud, TYPES.getTatAgent).length, 1, "one round");
            assert.equal(cloud.invocations.has(ids[1]), false);
            // Day two: a changed setting runs on every instance; another agent went offline meanwhile.
            cloud.offlineAgents.add(ids[3]);
            const second = await deploy(cloud, fleet(ids, { activation: { maxAttempts: 3 } }));
            assert.deepEqual(
                ids.map((id) => second.result.results[id].status),
                ["Licensed", "Skipped", "Licensed", "Skipped", "Licensed"],
            );
            assert.deepEqual(
                ids.map((id) => cloud.invocations.get(id)?.length ?? 0),
                [2, 0, 2, 1, 2],
            );
            assert.equal(calls(cloud, TYPES.getTatAgent).length, 1);
            assert.ok(Date.now() - started < 30000, "no agent wait");
            // The agent is back: the next run invokes there.
            cloud.offlineAgents.clear();
            const third = await deploy(cloud, fleet(ids, { activation: { maxAttempts: 3 } }));
            assert.equal(third.result.summary.licensed, 5);
            assert.deepEqual(
                ids.map((id) => cloud.invocations.get(id)?.length ?? 0),
                [2, 1, 2, 2, 2],
            );
        },
    );

    test(
        "rescue mode and live migration: Skipped as not running, no agent asked, nothing invoked; the others run",
        { timeout: 60000 },
        async () => {
            const cloud = new MockCloud();
            const [good] = cloud.addExistingInstances(1);
            const odd = NOT_RUNNING_NOW.map((state) => cloud.addExistingInstances(1, "img-2022zh02", state)[0]);
            const { result } = await deploy(cloud, fleet([good, ...odd], { activation: { keepActivated: true } }));
            assert.equal(result.results[good].status, "Licensed");
            for (const [k, id] of odd.entries()) {
                assert.equal(result.results[id].status, "Skipped", NOT_RUNNING_NOW[k]);
                assert.equal(result.results[id].rootCause, "notRunning");
                assert.match(result.results[id].error ?? "", new RegExp(`is ${NOT_RUNNING_NOW[k]}, not RUNNING`));
                assert.match(
                    result.results[id].fix,
                    NOT_RUNNING_NOW[k].includes("RESCUE") ? /rescue mode/ : /live-migrating/,
                );
            }
            assert.deepEqual([...cloud.invocations.keys()], [good]);
            assert.deepEqual(
                calls(cloud, TYPES.getTatAgent).flatMap((c) => c.inputs.instanceIds),
                [good],
            );
            assert.deepEqual(cloud.resources.find((r) => r.type === TYPES.invoker)!.inputs.instanceIds, [good]);
        },
    );

    test("a status call that fails skips its own batch only, saying why", { timeout: 60000 }, async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(150);
        const call = cloud.call.bind(cloud);
        cloud.call = (args) => {
            if (args.token === TYPES.getTatAgent && args.inputs.instanceIds.includes(ids[120])) {
                throw new Error("RequestLimitExceeded");
            }
            return call(args);
        };
        const { result } = await deploy(cloud, fleet(ids));
        assert.equal(result.summary.licensed, 100);
        assert.equal(result.summary.skipped, 50);
        assert.match(result.results[ids[120]].error ?? "", /TAT agent is unknown \(the status call failed/);
    });
});

describe("bad arguments", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["a malformed ID", { instanceIds: ["ins-1"] }, "instanceIds[0]"],
        ["a repeated ID", { instanceIds: ["ins-abcd1234", "ins-abcd1234"] }, "instanceIds[1]"],
        ["an unknown mode", { instanceIds: [], mode: "fix" }, "mode"],
        [
            "keepActivated in an audit",
            { instanceIds: [], mode: "audit", activation: { keepActivated: true } },
            "activation.keepActivated",
        ],
        [
            "failOnActivationError in an audit",
            { instanceIds: [], mode: "audit", activation: { failOnActivationError: false } },
            "activation.failOnActivationError",
        ],
        ["a delivery setting", { instanceIds: [], activation: { delivery: "ssh" } }, "activation.delivery"],
        ["a bad KMS port", { instanceIds: [], activation: { kmsPort: 0 } }, "activation.kmsPort"],
        ["no instanceIds", {}, "instanceIds"],
        ["strict not a boolean", { instanceIds: [], strict: "yes" }, "strict"],
        [
            "an agent wait (existing instances are asked once)",
            { instanceIds: [], activation: { tatAgentTimeoutSeconds: 60 } },
            "activation.tatAgentTimeoutSeconds",
        ],
        [
            "an agent poll interval",
            { instanceIds: [], activation: { tatAgentPollSeconds: 5 } },
            "activation.tatAgentPollSeconds",
        ],
    ];
    for (const [what, args, field] of cases) {
        test(`${what} is refused naming ${field}, in the constructor`, () => {
            assert.throws(
                () => new mod.WindowsActivation(`bad-${field}`, args as never),
                (e: unknown) => e instanceof mod.ArgumentError && e.field === field,
            );
        });
    }
});

test("docs/windows-activation.md's status table has every status and every skip reason, and no other", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "windows-activation.md"), "utf8");
    const table = doc.split("## Per-instance statuses")[1].split("\n## ")[0];
    const rows = table.split("\n").flatMap((l) => {
        const m = /^\| `(\w+)` \| `?([^`|]+)`? \|/.exec(l);
        return m ? [[m[1], m[2]]] : [];
    });
    assert.deepEqual([...new Set(rows.map(([s]) => s))], Object.values(FleetStatus));
    assert.deepEqual(
        rows.filter(([s]) => s === "Skipped").map(([, r]) => r),
        Object.values(SkipReason),
    );
});
