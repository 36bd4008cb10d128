import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";

const registered: any[] = [];
const types: string[] = [];
const tokens: string[] = [];
const resourceInputs: Record<string, any> = {};
const callInputs: Record<string, any> = {};
const instanceLists = [
    {
        instanceId: "ins-1",
        instanceName: "web1",
        instanceType: "S5.MEDIUM4",
        availabilityZone: "ap-guangzhou-3",
        imageId: "img-2022zh02",
        osName: "Windows Server 2022",
        privateIp: "10.0.0.2",
        publicIp: "",
        createTime: "2026-08-21T10:00:00Z",
        status: "STOPPED",
        dataDisks: [],
        gpuInfos: [],
    },
];
const agentSets = [
    {
        instanceId: "ins-1",
        version: "1.1.5",
        lastHeartbeatTime: "2026-08-21T10:00:00Z",
        agentStatus: "Online",
        environment: "Windows",
        supportFeatures: ["Schedule", "CommandInvocation"],
    },
];
let tc: typeof import("@pulumi/tencentcloud");

before(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                types.push(args.type);
                resourceInputs[args.type] = args.inputs;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => {
                tokens.push(args.token);
                callInputs[args.token] = args.inputs;
                if (args.token === "tencentcloud:index/getInstances:getInstances") {
                    return { id: "instances", instanceLists, instanceSetIds: args.inputs.instanceSetIds };
                }
                if (args.token === "tencentcloud:index/getTatAgent:getTatAgent") {
                    return { id: "agents", automationAgentSets: agentSets, instanceIds: args.inputs.instanceIds };
                }
                return { images: [], invocationTaskSets: [] };
            },
        },
        "sdk-test",
        "test",
        false,
    );
    const runtime = pulumi.runtime as any;
    const original = runtime.registerPackage;
    runtime.registerPackage = (req: any) => {
        registered.push(req);
        return original(req);
    };
    tc = await import("@pulumi/tencentcloud");
});

describe("hand-kept @pulumi/tencentcloud subset", () => {
    test("resources and invokes use the generated SDK's tokens", async () => {
        const inst = new tc.Instance("i", { availabilityZone: "ap-guangzhou-3", imageId: "img-1", password: "x" });
        const sg = new tc.SecurityGroup("sg", { name: "sg" });
        new tc.SecurityGroupRuleSet("rs", {
            securityGroupId: sg.id,
            ingresses: [{ action: "ACCEPT", cidrBlock: "10.0.0.0/8", protocol: "TCP", port: "22" }],
        });
        const cmd = new tc.TatCommand("c", { commandName: "c", content: "echo", commandType: "BAT" });
        new tc.TatInvocationInvokeAttachment("a", { commandId: cmd.id, instanceId: inst.id });
        await tc.getImages({ imageTypes: ["PUBLIC_IMAGE"] });
        await tc.getTatInvocationTask({ hideOutput: false });
        await new Promise((r) => setTimeout(r, 100));
        for (const t of [
            "tencentcloud:index/instance:Instance",
            "tencentcloud:index/securityGroup:SecurityGroup",
            "tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet",
            "tencentcloud:index/tatCommand:TatCommand",
            "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment",
        ]) {
            assert.ok(types.includes(t), t);
        }
        assert.deepEqual(tokens.slice(0, 2), [
            "tencentcloud:index/getImages:getImages",
            "tencentcloud:index/getTatInvocationTask:getTatInvocationTask",
        ]);
        assert.equal(await pulumi.isSecret(inst.password), true);
    });

    test("getTatAgent / getTatAgentOutput reach the engine with the generated token and return automationAgentSets", async () => {
        const token = "tencentcloud:index/getTatAgent:getTatAgent";
        assert.equal(typeof tc.getTatAgent, "function");
        const out = tc.getTatAgentOutput({
            instanceIds: [pulumi.output("ins-1")],
            filters: [{ name: "agent-status", values: ["Online"] }],
        });
        const result = await new Promise<any>((resolve) => out.apply(resolve));
        assert.ok(tokens.includes(token));
        assert.deepEqual(callInputs[token].instanceIds, ["ins-1"]);
        assert.deepEqual(callInputs[token].filters, [{ name: "agent-status", values: ["Online"] }]);
        assert.deepEqual(result.automationAgentSets, agentSets);
        assert.equal(result.automationAgentSets[0].agentStatus, "Online");
        assert.deepEqual(result.automationAgentSets[0].supportFeatures, ["Schedule", "CommandInvocation"]);
        assert.equal(result.id, "agents");

        const plain = await tc.getTatAgent({ instanceIds: ["ins-2"], resultOutputFile: "agents.json" });
        assert.deepEqual(plain.automationAgentSets, agentSets);
        assert.deepEqual(callInputs[token].instanceIds, ["ins-2"]);
        assert.equal(callInputs[token].resultOutputFile, "agents.json");
    });

    test("getInstances / getInstancesOutput reach the engine with the generated token, send instanceSetIds and return instanceLists", async () => {
        const token = "tencentcloud:index/getInstances:getInstances";
        const plain = await tc.getInstances({ instanceSetIds: ["ins-abcd1234"] });
        assert.ok(tokens.includes(token));
        assert.deepEqual(callInputs[token].instanceSetIds, ["ins-abcd1234"]);
        assert.deepEqual(plain.instanceLists, instanceLists);
        const out = tc.getInstancesOutput({ instanceSetIds: [pulumi.output("ins-efgh5678")] });
        const result = await new Promise<any>((resolve) => out.apply(resolve));
        assert.deepEqual(callInputs[token].instanceSetIds, ["ins-efgh5678"]);
        assert.equal(result.instanceLists[0].status, "STOPPED");
    });

    test("TatInvoker uses the generated token, sends scheduleSettings as one object and leaves outputs unset", async () => {
        const inv = new tc.TatInvoker("inv", {
            type: "SCHEDULE",
            commandId: "cmd-1",
            instanceIds: ["ins-1"],
            username: "System",
            parameters: "{}",
            scheduleSettings: { policy: "RECURRENCE", recurrence: "0 3 * * *" },
        });
        assert.equal(tc.TatInvoker.isInstance(inv), true);
        assert.equal((tc.TatInvoker as any).__pulumiType, "tencentcloud:index/tatInvoker:TatInvoker");
        await new Promise<void>((resolve) => inv.id.apply(() => resolve()));
        const token = "tencentcloud:index/tatInvoker:TatInvoker";
        assert.ok(types.includes(token));
        const inputs = resourceInputs[token];
        assert.deepEqual(inputs.scheduleSettings, { policy: "RECURRENCE", recurrence: "0 3 * * *" });
        assert.deepEqual(inputs.instanceIds, ["ins-1"]);
        assert.equal(inputs.type, "SCHEDULE");
        assert.equal(inputs.commandId, "cmd-1");
        for (const out of ["invokerId", "enable", "createdTime", "updatedTime"]) {
            assert.equal(out in inputs, false, out);
        }
    });

    test("TatInvoker enforces the inputs Terraform requires; name is auto-named, so optional", () => {
        const full = { type: "SCHEDULE", commandId: "cmd-1", instanceIds: ["ins-1"] };
        for (const missing of ["type", "commandId", "instanceIds"] as const) {
            const args: any = { ...full };
            delete args[missing];
            assert.throws(
                () => new tc.TatInvoker(`missing-${missing}`, args),
                new RegExp(`Missing required property '${missing}'`),
            );
        }
        // `name` is Required in Terraform, but the bridge auto-names it: no check in the SDK.
        assert.doesNotThrow(() => new tc.TatInvoker("no-name", full));
    });

    test("the package is registered as the parameterized terraform-provider, pinned to tencentcloudstack/tencentcloud 1.83.x", () => {
        assert.ok(registered.length >= 1);
        const req = registered[0];
        assert.equal(req.baseProviderName, "terraform-provider");
        assert.equal(req.packageName, "tencentcloud");
        assert.match(req.packageVersion, /^1\.83\.\d+$/);
        assert.deepEqual(JSON.parse(Buffer.from(req.base64Parameter, "base64").toString("utf8")), {
            remote: { url: "registry.opentofu.org/tencentcloudstack/tencentcloud", version: req.packageVersion },
        });
    });

    test("Pulumi.yaml pins the same provider version", async () => {
        const fs = await import("fs");
        const yaml = fs.readFileSync(`${__dirname}/../../Pulumi.yaml`, "utf8");
        assert.match(
            yaml,
            new RegExp(
                `parameters:\\s*\\n\\s*- tencentcloudstack/tencentcloud\\s*\\n\\s*- ${registered[0].packageVersion.replace(/\./g, "\\.")}`,
            ),
        );
    });
});
