import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";

const registered: any[] = [];
const types: string[] = [];
const tokens: string[] = [];
let tc: typeof import("@pulumi/tencentcloud");

before(async () => {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                types.push(args.type);
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => {
                tokens.push(args.token);
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
        new tc.SecurityGroupRuleSet("rs", { securityGroupId: sg.id, ingresses: [{ action: "ACCEPT", cidrBlock: "10.0.0.0/8", protocol: "TCP", port: "22" }] });
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
        assert.deepEqual(tokens, ["tencentcloud:index/getImages:getImages", "tencentcloud:index/getTatInvocationTask:getTatInvocationTask"]);
        assert.equal(await pulumi.isSecret(inst.password), true);
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
        assert.match(yaml, new RegExp(`parameters:\\s*\\n\\s*- tencentcloudstack/tencentcloud\\s*\\n\\s*- ${registered[0].packageVersion.replace(/\./g, "\\.")}`));
    });
});
