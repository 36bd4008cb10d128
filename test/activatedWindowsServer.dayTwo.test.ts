/**
 * Day two: the same stack deployed again later, as its owner and a pipeline would. The mock cloud
 * keeps the stack's state between deployments, applies ignoreChanges as the engine does and says
 * what each registration would do to what already runs (test/support/providerModel.ts).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "node:test";
import { MockCloud, SAMPLE_IMAGES, valueOf } from "./support/mockCloud";
import { carriedScript } from "./support/carrier";
import { Library, deploy, SERVER_ARGS } from "./support/deploy";

const base = SERVER_ARGS;
const NEWER_2022 = {
    ...SAMPLE_IMAGES.find((i) => i.imageId === "img-2022zh02")!,
    imageId: "img-2022zh03",
    createdTime: "2026-11-01 10:00:00",
};

/** Declares servers `names` with `activation`, and waits for their outputs. */
function servers(names: string[], activation: Record<string, unknown> = {}) {
    return async (lib: Library) => {
        const list = names.map((n) => new lib.ActivatedWindowsServer(n, { ...base, activation }));
        return Promise.all(
            list.map(async (s) => ({
                imageId: await valueOf(s.imageId),
                imageName: await valueOf(s.imageName),
                status: await valueOf(s.activationStatus),
            })),
        );
    };
}

const instanceOf = (cloud: MockCloud, name: string) => cloud.resources.find((r) => r.name === `${name}-instance`)!;

describe("a newer public image", () => {
    test("keeps existing servers on their image (no reset, no replacement); new servers get the newer one", async () => {
        const cloud = new MockCloud();
        const first = await deploy(cloud, servers(["web1"]));
        assert.equal(first.result[0].imageId, "img-2022zh02");
        assert.equal(instanceOf(cloud, "web1").change, "create");

        cloud.images = [...cloud.images, NEWER_2022];
        const second = await deploy(cloud, servers(["web1", "web2"]));
        const web1 = instanceOf(cloud, "web1");
        assert.ok(web1.options.ignoreChanges.includes("imageId"), "the registration asks the engine to keep the image");
        assert.equal(web1.change, "same", `the running server is left alone, not ${web1.change} (${web1.changed})`);
        assert.deepEqual(second.result[0], {
            imageId: "img-2022zh02",
            imageName: "Windows Server 2022 数据中心版 64位中文版",
            status: "PendingFirstBoot",
        });
        assert.equal(second.result[1].imageId, "img-2022zh03", "a new server gets the newest image");
        assert.equal(instanceOf(cloud, "web2").change, "create");
        assert.deepEqual(second.deleted, []);
    });

    test("without ignoreChanges the same program would reinstall the server (the mock cloud sees it)", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, async (lib) => {
            const s = new lib.ActivatedWindowsServer("bare", base);
            return valueOf(s.instanceId);
        });
        cloud.images = [...cloud.images, NEWER_2022];
        // The same instance registered directly, as a program without the component would.
        await deploy(cloud, async () => {
            const tc = await import("@pulumi/tencentcloud");
            const before = await valueOf(
                new tc.Instance("bare-probe", { availabilityZone: "ap-guangzhou-3", imageId: "img-2022zh02" }).id,
            );
            return before;
        });
        await deploy(cloud, async () => {
            const tc = await import("@pulumi/tencentcloud");
            return valueOf(
                new tc.Instance("bare-probe", { availabilityZone: "ap-guangzhou-3", imageId: "img-2022zh03" }).id,
            );
        });
        const probe = cloud.resources.find((r) => r.name === "bare-probe")!;
        assert.equal(probe.change, "reset", "a changed imageId reinstalls the system disk (ResetInstance)");
    });
});

describe("the list of what replaces or restarts a server (docs/day-two.md)", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["availabilityZone", { availabilityZone: "ap-guangzhou-4" }, "replace"],
        ["publicIpBandwidthMbps added", { publicIpBandwidthMbps: 10 }, "replace"],
        [
            "password with instanceSettings.forceStop",
            { password: "Other(Passw0rd)9", instanceSettings: { forceStop: true } },
            "restart",
        ],
        ["hostname", { hostname: "web-02" }, "restart"],
        ["instanceType", { instanceType: "S5.LARGE8" }, "restart"],
        [
            "systemDiskSize with instanceSettings.systemDiskResizeOnline",
            { systemDiskSize: 100, instanceSettings: { systemDiskResizeOnline: true } },
            "restart",
        ],
        ["subnetId", { subnetId: "subnet-2" }, "restart"],
        [
            "data disk size",
            { instanceSettings: { dataDisks: [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 200 }] } },
            "update",
        ],
        [
            "data disk added",
            {
                instanceSettings: {
                    dataDisks: [
                        { dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 },
                        { dataDiskType: "CLOUD_SSD", dataDiskSize: 50 },
                    ],
                },
            },
            "replace",
        ],
        [
            "data disk type",
            { instanceSettings: { dataDisks: [{ dataDiskType: "CLOUD_SSD", dataDiskSize: 100 }] } },
            "replace",
        ],
        [
            "ipv6AddressCount",
            {
                instanceSettings: {
                    dataDisks: [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 }],
                    ipv6AddressCount: 1,
                },
            },
            "replace",
        ],
        ["tags", { tags: { team: "b" } }, "update"],
        ["instanceName", { instanceName: "renamed" }, "update"],
        ["securityGroupIds", { securityGroupIds: ["sg-9"] }, "update"],
        ["an activation setting", { activation: { maxAttempts: 9, kmsPort: 1700 } }, "same"],
    ];
    for (const [what, change, expected] of cases) {
        test(`a changed ${what}: ${expected}`, async () => {
            const cloud = new MockCloud();
            const disk =
                String(what).startsWith("data disk") || what === "ipv6AddressCount"
                    ? { instanceSettings: { dataDisks: [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 }] } }
                    : {};
            const one = (extra: Record<string, unknown>) => async (lib: Library) =>
                valueOf(
                    new lib.ActivatedWindowsServer("r1", { ...base, hostname: "web-01", ...extra } as never).instanceId,
                );
            await deploy(cloud, one(disk));
            await deploy(cloud, one(change));
            assert.equal(instanceOf(cloud, "r1").change, expected, instanceOf(cloud, "r1").changed.join(","));
        });
    }

    const dayTwo = (first: Record<string, unknown>, second: Record<string, unknown>, state = "RUNNING") =>
        spawnSync(
            process.execPath,
            [
                "--import",
                "tsx",
                path.join(__dirname, "support", "dayTwoProgram.ts"),
                JSON.stringify(first),
                JSON.stringify(second),
                state,
            ],
            { encoding: "utf8", timeout: 60000 },
        );

    test("a changed password on a running server fails pulumi up: ResetInstancesPassword without ForceStop refuses a running instance", () => {
        const run = dayTwo({}, { password: "Other(Passw0rd)9" });
        assert.notEqual(run.status, 0);
        assert.match(
            run.stdout + run.stderr,
            /UnsupportedOperation\.InstanceStateRunning, Message=changing password needs the instance stopped \(or forceStop set to true\)/,
        );
    });

    test("a changed password on a stopped server is applied and pulumi up goes on", () => {
        const run = dayTwo({}, { password: "Other(Passw0rd)9" }, "STOPPED");
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /^second deployment: restart$/m);
    });

    test("a changed system disk on a running server fails pulumi up unless resized online or force-stopped", () => {
        const run = dayTwo({}, { systemDiskSize: 100 });
        assert.notEqual(run.status, 0);
        assert.match(
            run.stdout + run.stderr,
            /UnsupportedOperation\.InstanceStateRunning, Message=changing systemDiskSize needs the instance stopped \(or forceStop or systemDiskResizeOnline set to true\)/,
        );
    });
});

describe("pulumi up --replace, a changed zone, and replaceOnImageChange", () => {
    /** One server; returns what it runs and the script it was rendered with. */
    const web = (extra: Record<string, unknown>) => async (lib: Library) => {
        const s = new lib.ActivatedWindowsServer("img1", { ...base, ...extra } as never);
        return { imageId: await valueOf(s.imageId), script: await valueOf(s.activationScript) };
    };
    const bootScript = (cloud: MockCloud) => carriedScript(instanceOf(cloud, "img1").inputs.userDataRaw);

    test("without it: a newer image and a changed script change nothing; --replace and a changed zone give a new server with the newest image and the current user data", async () => {
        const cloud = new MockCloud();
        const first = await deploy(cloud, web({ activation: { maxAttempts: 5 } }));
        cloud.images = [...cloud.images, NEWER_2022];
        const later = await deploy(cloud, web({ activation: { maxAttempts: 7 } }));
        assert.equal(instanceOf(cloud, "img1").change, "same");
        assert.equal(later.result.imageId, "img-2022zh02");
        assert.equal(bootScript(cloud), first.result.script, "the running server keeps its first-boot script");
        assert.notEqual(later.result.script, first.result.script);

        cloud.replaceTargets.add(instanceOf(cloud, "img1").urn);
        const replaced = await deploy(cloud, web({ activation: { maxAttempts: 7 } }));
        assert.equal(instanceOf(cloud, "img1").change, "replace");
        assert.equal(replaced.result.imageId, "img-2022zh03", "the new server gets the newest image");
        assert.equal(bootScript(cloud), replaced.result.script, "and the current user data");

        cloud.images = [
            ...cloud.images,
            { ...NEWER_2022, imageId: "img-2022zh04", createdTime: "2026-12-01 10:00:00" },
        ];
        const moved = await deploy(cloud, web({ availabilityZone: "ap-guangzhou-4", activation: { maxAttempts: 9 } }));
        assert.equal(instanceOf(cloud, "img1").change, "replace");
        assert.equal(moved.result.imageId, "img-2022zh04");
        assert.equal(bootScript(cloud), moved.result.script);
    });

    test("with replaceOnImageChange: a newer image (or another imageId) replaces the server, with the new image and the current user data", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, web({ replaceOnImageChange: true }));
        const created = instanceOf(cloud, "img1");
        assert.ok(!created.options.ignoreChanges.includes("imageId"));
        assert.deepEqual(created.options.replaceOnChanges, ["imageId"]);
        await deploy(cloud, web({ replaceOnImageChange: true }));
        assert.equal(instanceOf(cloud, "img1").change, "same", "no newer image, nothing happens");

        cloud.images = [...cloud.images, NEWER_2022];
        const newer = await deploy(cloud, web({ replaceOnImageChange: true, activation: { maxAttempts: 7 } }));
        const replaced = instanceOf(cloud, "img1");
        assert.equal(replaced.change, "replace", `${replaced.change}: ${replaced.changed}`);
        assert.notEqual(replaced.id, created.id);
        assert.equal(newer.result.imageId, "img-2022zh03");
        assert.equal(bootScript(cloud), newer.result.script);

        const explicit = await deploy(
            cloud,
            web({
                replaceOnImageChange: true,
                windowsVersion: undefined,
                imageId: "img-2022en01",
                activation: { maxAttempts: 7 },
            }),
        );
        assert.equal(instanceOf(cloud, "img1").change, "replace");
        assert.equal(explicit.result.imageId, "img-2022en01");
    });
});

describe("a replacement of a server with a fixed private IP", () => {
    test("asks the engine to delete the old server first (it holds the IP); without one, the replacement comes first", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, async (lib) => {
            const fixed = new lib.ActivatedWindowsServer("fixed", {
                ...base,
                instanceSettings: { privateIp: "10.0.1.10" },
            });
            const free = new lib.ActivatedWindowsServer("free", base);
            return Promise.all([valueOf(fixed.instanceId), valueOf(free.instanceId)]);
        });
        assert.equal(instanceOf(cloud, "fixed").options.deleteBeforeReplace, true);
        assert.equal(
            instanceOf(cloud, "free").options.deleteBeforeReplace,
            false,
            "no downtime where nothing forces it",
        );
    });
});

describe("a changed activation script", () => {
    test("leaves existing servers untouched: the user data change is ignored after creation", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["app1"], { maxAttempts: 5 }));
        const created = instanceOf(cloud, "app1");
        await deploy(cloud, servers(["app1"], { maxAttempts: 7, ntpServers: ["10.0.0.1"] }));
        const again = instanceOf(cloud, "app1");
        assert.notEqual(JSON.stringify(again.inputs.userDataRaw), undefined);
        assert.ok(again.options.ignoreChanges.includes("userDataRaw"));
        assert.equal(again.inputs.userDataReplaceOnChange, undefined);
        assert.equal(again.change, "same", `${again.change}: ${again.changed}`);
        assert.equal(again.id, created.id);
    });

    test("with replaceOnScriptChange the server is replaced, as asked", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["imm1"], { replaceOnScriptChange: true }));
        const created = instanceOf(cloud, "imm1");
        assert.equal(created.inputs.userDataReplaceOnChange, true);
        await deploy(cloud, servers(["imm1"], { replaceOnScriptChange: true, maxAttempts: 3 }));
        const again = instanceOf(cloud, "imm1");
        assert.deepEqual(again.options.ignoreChanges, ["imageId", "disableSecurityService", "disableMonitorService"]);
        assert.equal(again.change, "replace");
        assert.notEqual(again.id, created.id);
    });

    test("an unchanged program changes nothing at all", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["same1"], { delivery: "tat" }));
        await deploy(cloud, servers(["same1"], { delivery: "tat" }));
        assert.deepEqual(
            cloud.resources.filter((r) => r.change !== "same").map((r) => `${r.name}: ${r.change} ${r.changed}`),
            [],
        );
        assert.equal([...cloud.invocations.values()].flat().length, 1, "the script ran once");
    });

    test("TAT delivery re-runs a changed script on the running server (a new command, the invocation replaced); the instance stays", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["tat1"], { delivery: "tat" }));
        const instance = instanceOf(cloud, "tat1");
        await deploy(cloud, servers(["tat1"], { delivery: "tat", kmsHost: "kms2.example.com" }));
        assert.equal(instanceOf(cloud, "tat1").change, "same");
        assert.equal(cloud.resources.find((r) => r.name === "tat1-activation")!.change, "replace");
        assert.deepEqual(cloud.invocations.get(instance.id)?.length, 2);
    });
});

describe("the TAT agent", () => {
    test("Offline twice, then Online: exactly one invocation, after Online; Licensed", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = 2;
        const { result } = await deploy(cloud, servers(["agent1"], { delivery: "tat", tatAgentPollSeconds: 1 }));
        const id = instanceOf(cloud, "agent1").id;
        assert.equal(result[0].status, "Licensed");
        assert.equal(cloud.agentPolls.get(id), 3, "asked three times: Offline, Offline, Online");
        assert.deepEqual(cloud.invocations.get(id)?.length, 1);
    });

    test("never Online: pulumi up fails at the deadline naming the server, the instance, the last state and what to check; nothing is invoked", () => {
        const run = spawnSync(
            process.execPath,
            ["--import", "tsx", path.join(__dirname, "support", "failingProgram.ts"), "agentNeverOnline"],
            { encoding: "utf8", timeout: 60000 },
        );
        assert.notEqual(run.status, 0);
        const text = run.stdout + run.stderr;
        assert.match(
            text,
            /The TAT agent of server 'failing-agentNeverOnline' \(instance ins-\d+\) did not come online within 2 s \(last state: Offline\)\./,
        );
        assert.match(text, /published after 2020-12-15/);
        assert.match(text, /disableAutomationService/);
        assert.match(text, /VPC/);
        const registered = run.stdout
            .match(/^registered: (.*)$/m)![1]
            .split(",")
            .map((n) => n.replace(/[0-9a-f]{12}$/, "<hash>"))
            .sort();
        assert.deepEqual(
            registered,
            ["failing-agentNeverOnline", "failing-agentNeverOnline-instance", "tencentcloud-windows-<hash>"],
            "no invocation was registered",
        );
    });

    test("in preview nothing waits and nothing is invoked", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = Number.POSITIVE_INFINITY;
        await deploy(cloud, servers(["prev1"], { delivery: "tat" }), { preview: true });
        assert.equal(cloud.calls.filter((c) => c.token === "tencentcloud:index/getTatAgent:getTatAgent").length, 0);
        assert.equal(cloud.invocations.size, 0);
    });

    test("200 servers whose agents are Offline at the first poll: all Licensed, batched status calls of at most 100 instances", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = 1;
        const names = Array.from({ length: 200 }, (_, i) => `fleet${i}`);
        const { result } = await deploy(cloud, servers(names, { delivery: "tat", tatAgentPollSeconds: 1 }));
        assert.deepEqual(new Set(result.map((r) => r.status)), new Set(["Licensed"]));
        const statusCalls = cloud.calls.filter((c) => c.token === "tencentcloud:index/getTatAgent:getTatAgent");
        const sizes = statusCalls.map((c) => c.inputs.instanceIds.length);
        assert.ok(
            sizes.every((n) => n <= 100),
            `call sizes ${sizes}`,
        );
        assert.equal(
            sizes.reduce((a, b) => a + b, 0),
            400,
            "every instance asked twice: Offline, then Online",
        );
        assert.ok(statusCalls.length <= 8, `${statusCalls.length} status calls for 200 servers`);
        assert.equal([...cloud.invocations.values()].flat().length, 200);
    });
});

describe("one process, several deployments", () => {
    test("two deployments one after the other each make their own image invoke and register their own TatCommand", async () => {
        const cloud = new MockCloud();
        const commandsAndInvokes = () => ({
            commands: cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand").length,
            imageInvokes: cloud.calls.filter((c) => c.token === "tencentcloud:index/getImages:getImages").length,
        });
        await deploy(cloud, servers(["seq1"], { delivery: "tat" }));
        assert.deepEqual(commandsAndInvokes(), { commands: 1, imageInvokes: 1 });
        await deploy(cloud, servers(["seq1"], { delivery: "tat" }));
        assert.deepEqual(commandsAndInvokes(), { commands: 1, imageInvokes: 1 });
    });

    test("two deployments at the same time, against two catalogs, do not mix", async () => {
        const a = new MockCloud();
        const b = new MockCloud();
        b.images = [...b.images, NEWER_2022];
        const [ra, rb] = await Promise.all([
            deploy(a, servers(["ca1", "ca2"], { delivery: "tat" }), { stack: "a" }),
            deploy(b, servers(["cb1", "cb2"], { delivery: "tat" }), { stack: "b" }),
        ]);
        assert.deepEqual(
            ra.result.map((r) => r.imageId),
            ["img-2022zh02", "img-2022zh02"],
        );
        assert.deepEqual(
            rb.result.map((r) => r.imageId),
            ["img-2022zh03", "img-2022zh03"],
        );
        for (const cloud of [a, b]) {
            assert.equal(
                cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand").length,
                1,
            );
            assert.equal(cloud.calls.filter((c) => c.token === "tencentcloud:index/getImages:getImages").length, 1);
        }
        assert.deepEqual(
            a.resources.map((r) => r.name).filter((n) => n.startsWith("cb")),
            [],
        );
    });

    test("shared resource names do not depend on the order in which providers are first used", async () => {
        const names = async (order: string[]) => {
            const cloud = new MockCloud();
            await deploy(cloud, async (lib) => {
                const tc = await import("@pulumi/tencentcloud");
                const providers = Object.fromEntries(order.map((n) => [n, new tc.Provider(n, {})]));
                const list = order.map(
                    (n) =>
                        new lib.ActivatedWindowsServer(
                            `srv-${n}`,
                            { ...base, activation: { delivery: "tat" } },
                            { providers: { tencentcloud: providers[n] } },
                        ),
                );
                return Promise.all(list.map((s) => valueOf(s.activationStatus)));
            });
            return cloud.resources
                .filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand")
                .map((r) => r.name)
                .sort();
        };
        const ab = await names(["guangzhou", "shanghai"]);
        const ba = await names(["shanghai", "guangzhou"]);
        assert.deepEqual(ab, ba);
        assert.ok(
            ab.every((n) => /-(guangzhou|shanghai)$/.test(n)),
            ab.join(","),
        );
    });
});

describe("keepActivated", () => {
    test("250 servers: an invoker each (type SCHEDULE, policy RECURRENCE, the shared command, the cron) on that server alone", async () => {
        const cloud = new MockCloud();
        const names = Array.from({ length: 250 }, (_, i) => `keep${String(i).padStart(3, "0")}`);
        const { result } = await deploy(
            cloud,
            servers(names, { keepActivated: true, keepActivatedCron: "30 4 * * 1-5", tatAgentPollSeconds: 1 }),
        );
        assert.equal(result.length, 250);
        const invokers = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker");
        assert.equal(invokers.length, 250);
        const commands = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand");
        assert.equal(commands.length, 1, "one command, shared by every invoker");
        for (const invoker of invokers) {
            assert.equal(invoker.inputs.type, "SCHEDULE");
            assert.deepEqual(invoker.inputs.scheduleSettings, { policy: "RECURRENCE", recurrence: "30 4 * * 1-5" });
            assert.equal(invoker.inputs.commandId, commands[0].id);
            assert.equal(invoker.inputs.username, "System");
            const server = invoker.name.replace(/-keep-activated$/, "");
            assert.deepEqual(invoker.inputs.instanceIds, [instanceOf(cloud, server).id], invoker.name);
        }
        assert.equal(new Set(invokers.map((i) => i.inputs.name)).size, 250, "a name each in the cloud");
        assert.ok(
            carriedScript(commands[0].inputs.content).startsWith("@echo off"),
            "the invokers run the activation script itself",
        );
    });

    test("invokers wait for the agents; the default schedule is Sundays 03:00 UTC+8; none without the option", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = 1;
        await deploy(cloud, servers(["k1", "k2"], { keepActivated: true, tatAgentPollSeconds: 1 }));
        const invokers = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker");
        assert.equal(invokers.length, 2);
        assert.ok(invokers.every((i) => i.inputs.scheduleSettings.recurrence === "0 3 * * 0"));
        const other = new MockCloud();
        await deploy(other, servers(["n1"], { delivery: "tat" }));
        assert.equal(other.resources.filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker").length, 0);
    });

    test("a second deployment leaves the invokers as they are", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["s1", "s2"], { keepActivated: true, tatAgentPollSeconds: 1 }));
        await deploy(cloud, servers(["s1", "s2"], { keepActivated: true, tatAgentPollSeconds: 1 }));
        const invokers = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker");
        assert.deepEqual(
            invokers.map((i) => i.change),
            ["same", "same"],
        );
    });
});
