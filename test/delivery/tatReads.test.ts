/**
 * Which way the components read TAT, and that both ways give the same deployment: under the mock
 * engine, with the stand-in API (mockApi.ts) listening for the direct reads. An unchanged fleet of
 * 1,000 stays within 40 requests to Tencent when the default provider's key pair is in the
 * environment; an explicit provider reads through its data sources; a direct read that fails is done
 * again through the provider, with one warning.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import * as tc from "@pulumi/tencentcloud";
import { Library, SERVER_ARGS, deploy, withWarnings } from "../support/deploy";
import { MockApi } from "../support/mockApi";
import { MockCloud, valueOf } from "../support/mockCloud";

const TOKEN = (name: string) => `tencentcloud:index/${name}:${name}`;
const calls = (cloud: MockCloud, name: string) => cloud.calls.filter((c) => c.token === TOKEN(name)).length;

/** WindowsActivation `fleet` over `ids` (through `provider` when given): its results and summary. */
function fleet(ids: string[], explicitProvider = false) {
    return async (lib: Library) => {
        const provider = explicitProvider ? new tc.Provider("tc", { region: "ap-guangzhou" }) : undefined;
        const f = new lib.WindowsActivation("fleet", { instanceIds: ids }, { provider });
        return { results: await valueOf(f.results), summary: await valueOf(f.summary) };
    };
}

/** What a deployment registered: type, name, inputs and what it did, in order of URN. */
function registrations(cloud: MockCloud) {
    return cloud.resources
        .map((r) => JSON.stringify([r.urn, r.inputs, r.change]))
        .sort()
        .join("\n");
}

describe("reads of TAT, direct and through the provider", () => {
    let cloud: MockCloud;
    let api: MockApi;
    beforeEach(async () => {
        cloud = new MockCloud();
        api = new MockApi(cloud);
        await api.start();
    });
    afterEach(() => api.stop());

    test("an unchanged fleet of 1,000 (3 agents offline, 2 stopped): at most 40 requests to Tencent, every instance reported", async () => {
        const ids = cloud.addExistingInstances(1000);
        ids.slice(0, 3).forEach((id) => cloud.offlineAgents.add(id));
        ids.slice(3, 5).forEach((id) => cloud.setInstanceState(id, "STOPPED"));
        await deploy(cloud, fleet(ids));
        api.requests.length = 0;
        const { result } = await deploy(cloud, fleet(ids));
        const requests = {
            DescribeInstances: calls(cloud, "getInstances"),
            DescribeImages: calls(cloud, "getImages"),
            DescribeAutomationAgentStatus: api.count("DescribeAutomationAgentStatus"),
            DescribeInvocationTasks: api.count("DescribeInvocationTasks"),
            DescribeCommands: api.count("DescribeCommands"),
        };
        // 10 pages of 100 instances each; the tasks of the one command, 100 a page (995 kept runs).
        assert.deepEqual(requests, {
            DescribeInstances: 10,
            DescribeImages: 1,
            DescribeAutomationAgentStatus: 10,
            DescribeInvocationTasks: 10,
            DescribeCommands: 0,
        });
        const total = Object.values(requests).reduce((a, b) => a + b, 0);
        assert.ok(total <= 40, `${total} requests`);
        assert.equal(
            calls(cloud, "getTatAgent") + calls(cloud, "getTatInvocationTask"),
            0,
            "no data source read of TAT",
        );
        assert.ok(
            cloud.resources.every((r) => r.change === "same"),
            "nothing changes",
        );
        assert.equal(result.summary.licensed, 995);
        assert.equal(result.summary.skipped, 5);
        assert.equal(Object.keys(result.results).length, 1000);
    });

    test("the same cloud read directly and through the data sources gives the same registrations and results", async () => {
        const other = new MockCloud();
        const run = async (c: MockCloud, ids: string[]) => {
            await deploy(c, fleet(ids));
            c.setInstanceState(ids[0], "STOPPED");
            c.offlineAgents.add(ids[1]);
            c.expireInvocationRecords();
            return (await deploy(c, fleet(ids))).result;
        };
        const direct = await run(cloud, cloud.addExistingInstances(12));
        await api.stop();
        const viaProvider = await run(other, other.addExistingInstances(12));
        await api.start();
        assert.ok(registrations(cloud).length > 0);
        assert.equal(registrations(cloud), registrations(other));
        assert.deepEqual(direct.summary, viaProvider.summary);
        assert.deepEqual(Object.values(direct.results), Object.values(viaProvider.results));
        assert.ok(calls(other, "getTatInvocationTask") > 0 && calls(cloud, "getTatAgent") === 0);
    });

    test("an explicit provider: its data sources, never the API (the component cannot know its credentials)", async () => {
        const ids = cloud.addExistingInstances(7);
        const { result } = await deploy(cloud, fleet(ids, true));
        assert.equal(api.count(), 0);
        assert.equal(calls(cloud, "getTatAgent"), 1);
        assert.equal(result.summary.licensed, 7);
    });

    test("a direct read that fails (permission revoked): one warning, the provider's data sources answer the same", async () => {
        const ids = cloud.addExistingInstances(30);
        await deploy(cloud, fleet(ids));
        api.requests.length = 0;
        api.failWith = "UnauthorizedOperation.CamNoAuth";
        const { value, warnings } = await withWarnings(() => deploy(cloud, fleet(ids)));
        const about = warnings.filter((w) => w.includes("Reading TAT directly failed"));
        assert.equal(about.length, 1, warnings.join("\n"));
        assert.match(about[0], /UnauthorizedOperation\.CamNoAuth/);
        assert.equal(api.count(), 1, "after the first failure the deployment asks the provider only");
        assert.equal(value.result.summary.licensed, 30);
        assert.ok(cloud.resources.every((r) => r.change === "same"));
    });

    test("new servers with TAT delivery: the agent wait and the kept-run lookup go direct", async () => {
        const { result } = await deploy(cloud, async (lib) => {
            const servers = Array.from(
                { length: 20 },
                (_, i) =>
                    new lib.ActivatedWindowsServer(`srv-${i}`, { ...SERVER_ARGS, activation: { delivery: "tat" } }),
            );
            return Promise.all(servers.map((s) => valueOf(s.activationStatus)));
        });
        assert.deepEqual([...new Set(result)], ["Licensed"]);
        assert.equal(calls(cloud, "getTatAgent"), 0);
        assert.ok(api.count("DescribeAutomationAgentStatus") >= 1);
        // One lookup for the 20 servers: the new command has no task yet, so its existence is checked once.
        assert.equal(api.count("DescribeInvocationTasks"), 1);
        assert.equal(api.count("DescribeCommands"), 1);
    });
});
