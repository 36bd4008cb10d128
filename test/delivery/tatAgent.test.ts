/**
 * The TAT agent gate on day two: a server its owner stopped. Its agent stays offline until someone
 * starts it, so waiting for it could only run into the deadline; nothing can run on it either.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MockCloud, valueOf } from "../support/mockCloud";
import { Library, deploy, withWarnings, SERVER_ARGS } from "../support/deploy";

const base = SERVER_ARGS;
/** A short deadline: the old gate would wait this long for a stopped server's agent, then fail. */
const gate = { tatAgentTimeoutSeconds: 4, tatAgentPollSeconds: 1 };

function servers(names: string[], activation: Record<string, unknown>) {
    return async (lib: Library) => {
        const list = names.map(
            (n) => new lib.ActivatedWindowsServer(n, { ...base, activation: { ...gate, ...activation } }),
        );
        return Promise.all(list.map((s) => valueOf(s.activationStatus)));
    };
}

const byName = (cloud: MockCloud, name: string) => cloud.resources.find((r) => r.name === name)!;
const callsFor = (cloud: MockCloud, token: string, id: string) =>
    cloud.calls.filter((c) => c.token === token && (c.inputs.instanceIds ?? c.inputs.instanceSetIds ?? []).includes(id))
        .length;
const AGENT = "tencentcloud:index/getTatAgent:getTatAgent";
const INSTANCES = "tencentcloud:index/getInstances:getInstances";

describe("a stopped server", () => {
    test("costs one instance-status call and no wait; nothing is invoked on it; pulumi up goes on with one warning naming server, state and what to do", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["st1", "st2"], { delivery: "tat", keepActivated: true }));
        const stopped = byName(cloud, "st1-instance").id;
        cloud.setInstanceState(stopped, "STOPPED");

        const started = Date.now();
        const { value, warnings } = await withWarnings(() =>
            deploy(cloud, servers(["st1", "st2"], { delivery: "tat", keepActivated: true })),
        );
        const seconds = (Date.now() - started) / 1000;
        assert.ok(seconds < gate.tatAgentTimeoutSeconds / 2, `took ${seconds} s`);
        assert.equal(callsFor(cloud, INSTANCES, stopped), 1, "one instance-status call");
        assert.equal(callsFor(cloud, AGENT, stopped), 0, "its agent is not asked about");
        assert.equal(cloud.invocations.get(stopped)?.length, 1, "nothing ran on it again");
        assert.equal(byName(cloud, "st1-activation").change, "same");
        assert.deepEqual(value.result, ["Licensed", "Licensed"], "its last result still stands");
        const named = warnings.filter((w) => w.includes("'st1'"));
        assert.equal(named.length, 1, warnings.join("\n"));
        assert.match(
            named[0],
            new RegExp(
                `^Server 'st1' \\(instance ${stopped}\\) is STOPPED: .*does not wait.*first \`pulumi up\` after the server is started`,
            ),
        );
        assert.deepEqual(
            warnings.filter((w) => w.includes("'st2'")),
            [],
            "a running server is not named",
        );
    });

    test("stopping and shut-down servers are released the same way", async () => {
        for (const state of ["STOPPING", "SHUTDOWN"]) {
            const cloud = new MockCloud();
            await deploy(cloud, servers(["sd1"], { delivery: "tat" }));
            cloud.setInstanceState(byName(cloud, "sd1-instance").id, state);
            const { warnings } = await withWarnings(() => deploy(cloud, servers(["sd1"], { delivery: "tat" })));
            assert.match(warnings.join("\n"), new RegExp(`is ${state}:`));
        }
    });

    test("a changed script is not invoked while it is stopped: nothing is registered on it (NotRunning), nothing is deleted in TAT; it runs at the first pulumi up after it is started", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["chg1"], { delivery: "tat" }));
        const id = byName(cloud, "chg1-instance").id;
        cloud.setInstanceState(id, "STOPPED");
        const { value } = await withWarnings(() =>
            deploy(cloud, servers(["chg1"], { delivery: "tat", kmsHost: "kms2.example.com" })),
        );
        assert.deepEqual(value.result, ["NotRunning"], "the new script has not run there");
        assert.equal(
            cloud.resources.find((r) => r.name === "chg1-activation"),
            undefined,
            "no invocation of the new command is registered on a stopped server",
        );
        assert.ok(
            value.deleted.some((u) => u.endsWith("chg1-activation")),
            "the old record leaves the stack",
        );
        assert.deepEqual(
            cloud.deletes.filter((d) => d.startsWith("inv-")),
            [],
            "forgotten only (retainOnDelete): no attachment's Delete is called in TAT",
        );
        assert.equal(cloud.invocations.get(id)?.length, 1);

        cloud.setInstanceState(id, "RUNNING");
        const again = await deploy(cloud, servers(["chg1"], { delivery: "tat", kmsHost: "kms2.example.com" }));
        assert.equal(byName(cloud, "chg1-activation").change, "create");
        assert.equal(cloud.invocations.get(id)?.length, 2, "the changed script ran once the server ran again");
        assert.deepEqual(again.result, ["Licensed"]);
    });

    test("keep-activated: a stopped server gets no invoker (CreateInvoker refuses it), the running one does; it gets its own once it runs", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, servers(["kp1", "kp2"], {}));
        const stopped = byName(cloud, "kp1-instance").id;
        const running = byName(cloud, "kp2-instance").id;
        cloud.setInstanceState(stopped, "STOPPED");
        await withWarnings(() => deploy(cloud, servers(["kp1", "kp2"], { keepActivated: true })));
        const invokers = () => cloud.resources.filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker");
        assert.deepEqual(
            invokers().map((r) => [r.name, r.change, r.inputs.instanceIds]),
            [["kp2-keep-activated", "create", [running]]],
        );

        cloud.setInstanceState(stopped, "RUNNING");
        await deploy(cloud, servers(["kp1", "kp2"], { keepActivated: true }));
        assert.deepEqual(
            invokers()
                .map((r) => [r.name, r.change, r.inputs.instanceIds])
                .sort(),
            [
                ["kp1-keep-activated", "create", [stopped]],
                ["kp2-keep-activated", "same", [running]],
            ],
            "the running server's invoker is left as it is",
        );
    });

    test("a new server that is still starting is waited for as before", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = 2;
        const { result } = await deploy(cloud, servers(["new1"], { delivery: "tat" }));
        const id = byName(cloud, "new1-instance").id;
        assert.deepEqual(result, ["Licensed"]);
        assert.equal(callsFor(cloud, AGENT, id), 3, "Offline, Offline, Online");
        assert.equal(callsFor(cloud, INSTANCES, id), 1);
    });
});
