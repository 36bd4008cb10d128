/**
 * Direct TAT reads: which settings allow them (only the default provider's plain key pair), the
 * endpoint rule, and the client against the stand-in API (mockApi.ts), which checks the signature and
 * the limits as Tencent does: paging at 100, the cheaper of the two ways to list a command's tasks, a
 * list that changes while it is paged, throttling, and a command these credentials cannot see.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { TAT_ENDPOINT_VARIABLE, TatApi, tatApiSettings, tatEndpoint } from "../../components/delivery/tatApi";
import { API_KEYS, API_REGION, MockApi } from "../support/mockApi";
import { MockCloud, MockTask } from "../support/mockCloud";

const KEYS = {
    TENCENTCLOUD_SECRET_ID: "AKIDenv",
    TENCENTCLOUD_SECRET_KEY: "env-key",
    TENCENTCLOUD_REGION: "ap-shanghai",
};
const noConfig = () => undefined;

describe("tatApiSettings: the default provider's sources, in its order", () => {
    test("the environment's key pair and region, and Tencent's endpoint", () => {
        assert.deepEqual(tatApiSettings(noConfig, KEYS), {
            secretId: "AKIDenv",
            secretKey: "env-key",
            securityToken: undefined,
            region: "ap-shanghai",
            endpoint: "https://tat.tencentcloudapi.com",
        });
    });

    test("the tencentcloud: config comes before the environment (the provider's inputs before its defaults)", () => {
        const config = (k: string) => ({ secretId: "AKIDcfg", region: "ap-beijing", securityToken: "tok" })[k];
        const s = tatApiSettings(config, KEYS);
        assert.ok(!("unavailable" in s));
        assert.deepEqual(
            [s.secretId, s.secretKey, s.region, s.securityToken],
            ["AKIDcfg", "env-key", "ap-beijing", "tok"],
        );
    });

    test("no key pair or no region: unavailable, saying what is missing", () => {
        for (const missing of Object.keys(KEYS)) {
            const env: NodeJS.ProcessEnv = { ...KEYS, [missing]: "" };
            const s = tatApiSettings(noConfig, env);
            assert.ok("unavailable" in s, missing);
            assert.match(s.unavailable, /TENCENTCLOUD_SECRET_ID/);
        }
    });

    test("any setting that makes the provider sign as another identity or elsewhere: unavailable, naming it", () => {
        const others: [string, NodeJS.ProcessEnv, (k: string) => string | undefined][] = [
            ["TENCENTCLOUD_ASSUME_ROLE_ARN", { TENCENTCLOUD_ASSUME_ROLE_ARN: "qcs::cam::uin/1:roleName/x" }, noConfig],
            ["TENCENTCLOUD_CAM_ROLE_NAME", { TENCENTCLOUD_CAM_ROLE_NAME: "cvm-role" }, noConfig],
            ["TENCENTCLOUD_PROFILE", { TENCENTCLOUD_PROFILE: "prod" }, noConfig],
            ["tencentcloud:domain", {}, (k) => (k === "domain" ? "internal.example" : undefined)],
            ["tencentcloud:assumeRole", {}, (k) => (k === "assumeRole" ? '{"roleArn":"x"}' : undefined)],
            ["HTTP", { TENCENTCLOUD_PROTOCOL: "HTTP" }, noConfig],
        ];
        for (const [name, env, config] of others) {
            const s = tatApiSettings(config, { ...KEYS, ...env });
            assert.ok("unavailable" in s, name);
            assert.ok(s.unavailable.includes(name), `${name}: ${s.unavailable}`);
        }
    });

    test(`${TAT_ENDPOINT_VARIABLE}: https anywhere, http only to this machine; anything else is an error naming the variable`, () => {
        assert.equal(tatEndpoint("https://tat.internal.example:8443"), "https://tat.internal.example:8443");
        assert.equal(tatEndpoint("http://127.0.0.1:4000/"), "http://127.0.0.1:4000");
        assert.equal(tatEndpoint("http://[::1]:4000"), "http://[::1]:4000");
        for (const bad of [
            "http://tat.example.com",
            "ftp://127.0.0.1",
            "https://a b",
            "https://x/path",
            "127.0.0.1:80",
        ]) {
            assert.throws(() => tatEndpoint(bad), new RegExp(TAT_ENDPOINT_VARIABLE), bad);
        }
    });
});

/** `n` tasks of `commandId`, one per instance `ins-<i>`, newest first as the stand-in lists them. */
function tasks(n: number, commandId = "cmd-1"): MockTask[] {
    return Array.from({ length: n }, (_, i) => ({
        invocationId: `inv-${String(n - i).padStart(8, "0")}`,
        instanceId: `ins-${n - i}`,
        commandId,
        invocationSource: "USER",
        createdTime: `2026-01-01 00:00:00`,
        taskStatus: "SUCCESS",
        output: Buffer.from(`out-${n - i}`).toString("base64"),
    }));
}

describe("TatApi against the stand-in API", () => {
    const cloud = new MockCloud();
    const api = new MockApi(cloud);
    let kept: MockTask[] = [];
    let commands = new Set<string>();
    const client = (secretKey = API_KEYS.secretKey, sleep?: (ms: number) => Promise<unknown>) =>
        new TatApi(
            {
                secretId: API_KEYS.secretId,
                secretKey,
                region: API_REGION,
                endpoint: process.env[TAT_ENDPOINT_VARIABLE]!,
            },
            sleep,
        );
    before(async () => {
        await api.start();
        // What TAT keeps, as the tests set it (the stand-in applies the filters itself).
        cloud.invocationTasks = (filters) =>
            kept.filter((t) =>
                filters.every((f) => f.values.includes(f.name === "command-id" ? t.commandId : t.instanceId)),
            );
        cloud.hasCommand = (id) => commands.has(id);
    });
    after(() => api.stop());
    beforeEach(() => {
        api.reset();
        kept = [];
        commands = new Set(["cmd-1"]);
    });

    test("a command's tasks on 1,000 instances: 10 requests of 100, only the instances asked for, outputs included", async () => {
        kept = [...tasks(1000), ...tasks(30, "cmd-other")];
        const wanted = Array.from({ length: 990 }, (_, i) => `ins-${i + 1}`);
        const found = await client().commandTasks("cmd-1", wanted);
        assert.equal(found.length, 990);
        assert.equal(api.count("DescribeInvocationTasks"), 10);
        assert.ok(api.requests.every((r) => r.params.Limit === 100 && r.params.HideOutput === false));
        const one = found.find((t) => t.instanceId === "ins-7")!;
        assert.deepEqual(one, {
            invocationId: "inv-00000007",
            instanceId: "ins-7",
            commandId: "cmd-1",
            taskStatus: "SUCCESS",
            invocationSource: "USER",
            createdTime: "2026-01-01 00:00:00",
            output: Buffer.from("out-7").toString("base64"),
        });
    });

    test("few instances of a command with many tasks: 5 instances a request instead of every page", async () => {
        kept = tasks(1000);
        const found = await client().commandTasks("cmd-1", ["ins-3", "ins-4"]);
        assert.deepEqual(found.map((t) => t.instanceId).sort(), ["ins-3", "ins-4"]);
        // The first page tells the total (10 pages); one filtered request beats the other 9.
        assert.equal(api.count("DescribeInvocationTasks"), 2);
        assert.deepEqual(api.requests[1].params.Filters, [
            { Name: "command-id", Values: ["cmd-1"] },
            { Name: "instance-id", Values: ["ins-3", "ins-4"] },
        ]);
    });

    test("a list that changes while it is paged is read again, so no task is skipped", async () => {
        kept = tasks(250);
        let pages = 0;
        api.beforeTaskPage = () => {
            if (++pages === 2) {
                kept = [
                    ...tasks(1, "cmd-1").map((t) => ({ ...t, invocationId: "inv-new", instanceId: "ins-new" })),
                    ...kept,
                ];
            }
        };
        const found = await client().commandTasks("cmd-1", [...kept.map((t) => t.instanceId), "ins-new"]);
        assert.equal(found.length, 251);
        assert.ok(found.some((t) => t.invocationId === "inv-new"));
        assert.equal(api.count("DescribeInvocationTasks"), 2 + 3, "two pages, then the three of the new total");
    });

    test("no task of a command these credentials cannot see is an error, not 'nothing ran'", async () => {
        commands = new Set();
        await assert.rejects(client().commandTasks("cmd-9", ["ins-1"]), /cmd-9 is not visible in ap-guangzhou/);
        commands = new Set(["cmd-9"]);
        assert.deepEqual(await client().commandTasks("cmd-9", ["ins-1"]), []);
        assert.equal(api.count("DescribeCommands"), 2);
    });

    test("a wrong signature is refused, and the error names Tencent's code", async () => {
        await assert.rejects(client("another-key").commandTasks("cmd-1", ["ins-1"]), /AuthFailure\.SignatureFailure/);
        assert.equal(api.requests[0].error, "AuthFailure.SignatureFailure");
    });

    test("throttled (RequestLimitExceeded): waits and tries again, then gives up after 6 tries", async () => {
        kept = tasks(3);
        const waits: number[] = [];
        api.failWith = "RequestLimitExceeded";
        const found = await client(API_KEYS.secretKey, async (ms) => {
            waits.push(ms);
            if (waits.length === 2) {
                api.failWith = undefined;
            }
        }).commandTasks("cmd-1", ["ins-1"]);
        assert.equal(found.length, 1);
        assert.deepEqual(waits, [1000, 2000]);
        api.failWith = "RequestLimitExceeded";
        await assert.rejects(
            client(API_KEYS.secretKey, async () => undefined).commandTasks("cmd-1", ["ins-1"]),
            /RequestLimitExceeded/,
        );
    });

    test("a connection dropped unanswered is tried again (reads only); an answered error is not", async () => {
        kept = tasks(3);
        const waits: number[] = [];
        api.dropNext = 2;
        const found = await client(API_KEYS.secretKey, async (ms) => waits.push(ms)).commandTasks("cmd-1", ["ins-2"]);
        assert.equal(found.length, 1);
        assert.deepEqual(waits, [1000, 2000]);
        api.failWith = "UnauthorizedOperation.CamNoAuth";
        await assert.rejects(
            client(API_KEYS.secretKey, async (ms) => waits.push(ms)).commandTasks("cmd-1", ["ins-2"]),
            /UnauthorizedOperation\.CamNoAuth/,
        );
        assert.equal(waits.length, 2, "no wait for an answered error");
    });

    test("more than 20 requests a second of one action are throttled by the stand-in, and still all answered", async () => {
        const ids = Array.from({ length: 2500 }, (_, i) => `ins-${i}`);
        ids.forEach((id) =>
            cloud.cloudInstances.set(id, { instanceId: id, status: "RUNNING", imageId: "img", osName: "Windows" }),
        );
        const status = await client().agentStatuses(ids);
        assert.equal(status.size, 2500);
        assert.ok(
            api.requests.some((r) => r.error === "RequestLimitExceeded"),
            "25 requests at once exceed 20 a second",
        );
        assert.equal(api.requests.filter((r) => r.error === undefined).length, 25);
        ids.forEach((id) => cloud.cloudInstances.delete(id));
    });
});
