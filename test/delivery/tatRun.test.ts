/**
 * What the components register on an instance for a TAT command, decided from what preview and update
 * both read (the instance's state and what TAT keeps of the command there), never from whether the
 * stack's state holds an attachment: the histories of issue 25 point 4 and issue 26 point 5, in the
 * mock cloud, and the pure decision.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planTatRun, recordedOutput } from "../../components/delivery/tatRun";
import { TatRecord } from "../../components/delivery/tatRecords";
import {
    LICENSED_LINE,
    MockCloud,
    RecordedResource,
    failedActivationLine,
    taskOutput,
    valueOf,
} from "../support/mockCloud";
import { Library, SERVER_ARGS, deploy, withWarnings } from "../support/deploy";

const ATTACHMENT = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment";
const INVOKER = "tencentcloud:index/tatInvoker:TatInvoker";
const gate = { tatAgentTimeoutSeconds: 4, tatAgentPollSeconds: 1 };

function server(name: string, activation: Record<string, unknown>) {
    return async (lib: Library) => {
        const s = new lib.ActivatedWindowsServer(name, { ...SERVER_ARGS, activation: { ...gate, ...activation } });
        return valueOf(s.activationStatus);
    };
}

function fleet(ids: string[], args: Record<string, unknown> = {}) {
    return async (lib: Library) => {
        const f = new lib.WindowsActivation("fleet", { instanceIds: ids, ...args });
        return valueOf(f.results);
    };
}

/** What a deployment registered that TAT runs or keeps: attachments and invokers, by name, with any import ID. */
const tatRegistrations = (cloud: MockCloud) =>
    cloud.resources
        .filter((r: RecordedResource) => r.type === ATTACHMENT || r.type === INVOKER)
        .map((r) => `${r.name}${r.importId ? ` import ${r.importId}` : ""}`)
        .sort();
const runs = (cloud: MockCloud, id: string) => cloud.invocations.get(id)?.length ?? 0;
const instanceOf = (cloud: MockCloud, name: string) => cloud.resources.find((r) => r.name === `${name}-instance`)!.id;

/** A preview, then an update, of the same cloud state: both registrations, as tatRegistrations lists them. */
async function previewThenUpdate<T>(cloud: MockCloud, program: (lib: Library) => Promise<T>) {
    const preview = await withWarnings(() => deploy(cloud, program, { preview: true }));
    const previewed = tatRegistrations(cloud);
    const update = await withWarnings(() => deploy(cloud, program));
    return { previewed, updated: tatRegistrations(cloud), preview: preview.value, update: update.value };
}

describe("a server that is not running and has no attachment yet", () => {
    for (const activation of [{ delivery: "tat" }, { verifyWithTat: true }]) {
        test(`${JSON.stringify(activation)} turned on while it is stopped: pulumi up goes on, registers nothing that runs on it, says NotRunning; preview registers the same; it runs once started`, async () => {
            const cloud = new MockCloud();
            await deploy(cloud, server("late", {}));
            const id = instanceOf(cloud, "late");
            cloud.setInstanceState(id, "STOPPED");

            const { previewed, updated, update } = await previewThenUpdate(cloud, server("late", activation));
            assert.deepEqual(updated, [], "nothing is registered on the stopped server");
            assert.deepEqual(previewed, updated, "the preview registers what the update does");
            assert.equal(update.result, "NotRunning");
            assert.equal(runs(cloud, id), 0);

            cloud.setInstanceState(id, "RUNNING");
            const started = await deploy(cloud, server("late", activation));
            assert.equal(runs(cloud, id), 1, "it runs at the first pulumi up after the server is started");
            assert.equal(started.result, "Licensed");
        });
    }
});

describe("preview and update register the same for the same cloud", () => {
    test("a stopped server that ran the script: its kept invocation, in both; no invoker while stopped", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, server("st", { delivery: "tat", keepActivated: true }));
        cloud.setInstanceState(instanceOf(cloud, "st"), "STOPPED");
        const { previewed, updated, preview, update } = await previewThenUpdate(
            cloud,
            server("st", { delivery: "tat", keepActivated: true }),
        );
        assert.deepEqual(previewed, updated);
        assert.ok(updated.length === 1 && updated[0].startsWith("st-activation import inv-"), updated.join());
        assert.equal(cloud.resources.find((r) => r.name === "st-activation")!.change, "same", "the stack's own record");
        assert.deepEqual([preview.result, update.result], ["Licensed", "Licensed"], "its last result");
    });

    test("a fleet with a stopped instance, an agent offline for good and a running one: the same registrations", async () => {
        const cloud = new MockCloud();
        const [stopped, offline, running] = cloud.addExistingInstances(3);
        await deploy(cloud, fleet([stopped, offline, running], { activation: { keepActivated: true } }));
        cloud.setInstanceState(stopped, "STOPPED");
        cloud.offlineAgents.add(offline);
        const { previewed, updated, update } = await previewThenUpdate(
            cloud,
            fleet([stopped, offline, running], { activation: { keepActivated: true } }),
        );
        assert.deepEqual(previewed, updated);
        assert.deepEqual(
            updated.map((r) => r.split(" ")[0]),
            [`fleet-${offline}`, `fleet-${running}`, `fleet-${stopped}`, "fleet-keep-activated-0"].sort(),
            "every instance that ran keeps its record; only the running one is in the schedule",
        );
        assert.deepEqual(
            [update.result[stopped].status, update.result[offline].status, update.result[running].status],
            ["Skipped", "Skipped", "Licensed"],
        );
    });
});

describe("records the stack forgot", () => {
    test("a fleet instance that was stopped (or left the list) and comes back: its kept run is taken up again, the script does not run again", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        await deploy(cloud, fleet(ids));
        // Removed from the list: the stack forgets its attachment (retainOnDelete; TAT keeps the record).
        await deploy(cloud, fleet([ids[0], ids[1]]));
        assert.equal(
            cloud.resources.find((r) => r.name === `fleet-${ids[2]}`),
            undefined,
        );
        const back = await deploy(cloud, fleet(ids));
        const again = cloud.resources.find((r) => r.name === `fleet-${ids[2]}`)!;
        assert.equal(again.change, "import", "imported from TAT's record: read, not invoked");
        assert.deepEqual(
            ids.map((id) => runs(cloud, id)),
            [1, 1, 1],
        );
        assert.equal(back.result[ids[2]].status, "Licensed");
        await deploy(cloud, fleet(ids));
        assert.equal(cloud.resources.find((r) => r.name === `fleet-${ids[2]}`)!.change, "same", "then held as it is");
    });

    test("pulumi refresh after TAT dropped the records, with keepActivated (a server): nothing runs again; the schedule's last run reports", async () => {
        const cloud = new MockCloud();
        const program = server("kr", { delivery: "tat", keepActivated: true });
        await deploy(cloud, program);
        const id = instanceOf(cloud, "kr");
        cloud.expireInvocationRecords();
        assert.equal(cloud.runSchedules().length, 1, "the schedule ran once since");
        assert.equal(cloud.refresh().length, 1, "refresh forgot the expired attachment");

        const { previewed, updated, update } = await previewThenUpdate(cloud, program);
        assert.deepEqual(previewed, updated);
        assert.deepEqual(updated, ["kr-keep-activated"], "no invocation registered: the schedule keeps it activated");
        assert.equal(runs(cloud, id), 2, "the first run and the schedule's: nothing ran because of the refresh");
        assert.equal(update.result, "Licensed");
    });

    test("pulumi refresh after TAT dropped the records, with keepActivated (a fleet): nothing runs again", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        const program = fleet(ids, { activation: { keepActivated: true } });
        await deploy(cloud, program);
        cloud.expireInvocationRecords();
        cloud.runSchedules();
        assert.equal(cloud.refresh().length, 3);
        const { previewed, updated, update } = await previewThenUpdate(cloud, program);
        assert.deepEqual(previewed, updated);
        assert.deepEqual(updated, ["fleet-keep-activated-0"]);
        assert.deepEqual(
            ids.map((id) => runs(cloud, id)),
            [2, 2, 2],
        );
        assert.deepEqual(
            ids.map((id) => update.result[id].status),
            ["Licensed", "Licensed", "Licensed"],
        );
    });

    test("pulumi refresh after TAT dropped the records, and the schedule's last run failed: the next up runs the script there (a fresh result, and an attachment to run again)", async () => {
        const cloud = new MockCloud();
        const program = server("kf", { delivery: "tat", keepActivated: true });
        await deploy(cloud, program);
        const id = instanceOf(cloud, "kf");
        cloud.expireInvocationRecords();
        const licensedOutput = cloud.tatOutput;
        cloud.tatOutput = () => taskOutput(failedActivationLine("kmsPort"));
        cloud.runSchedules();
        cloud.refresh();
        cloud.tatOutput = licensedOutput;
        const { previewed, updated, update } = await previewThenUpdate(cloud, program);
        assert.deepEqual(previewed, updated);
        assert.deepEqual(updated, ["kf-activation", "kf-keep-activated"]);
        assert.equal(runs(cloud, id), 3, "first run, the failed schedule run, and this deployment's");
        assert.equal(update.result, "Licensed");
    });

    test("pulumi refresh after TAT dropped the records, without keepActivated: nothing says the script ran, so the next up runs it again (the documented case)", async () => {
        const cloud = new MockCloud();
        const program = server("nr", { delivery: "tat" });
        await deploy(cloud, program);
        const id = instanceOf(cloud, "nr");
        cloud.expireInvocationRecords();
        const before = await deploy(cloud, program);
        assert.equal(before.result, "Unknown", "without refresh the stack keeps its attachment: nothing runs");
        assert.equal(runs(cloud, id), 1);
        cloud.refresh();
        await deploy(cloud, program);
        assert.equal(runs(cloud, id), 2);
    });
});

describe("an invocation that never ended SUCCESS (issue 26 point 3)", () => {
    test("its attachment failed pulumi up and is not in the state; the next up takes up TAT's record with its task status instead of invoking again; --replace runs again", async () => {
        const cloud = new MockCloud();
        const [ok, stuck] = cloud.addExistingInstances(2);
        const args = { activation: { failOnActivationError: false } };
        await deploy(cloud, fleet([ok], args));
        const command = cloud.resources.find((r) => r.type === "tencentcloud:index/tatCommand:TatCommand")!.id;
        cloud.leaveUnfinishedRun(stuck, command);

        const next = await deploy(cloud, fleet([ok, stuck], args));
        const taken = cloud.resources.find((r) => r.name === `fleet-${stuck}`)!;
        assert.equal(taken.change, "import");
        assert.equal(runs(cloud, stuck), 1, "not invoked again by itself");
        assert.equal(next.result[stuck].status, "Unknown");
        assert.match(next.result[stuck].error!, /\(TAT invocation inv-\d+\) ended TASK_TIMEOUT without output/);

        cloud.replaceTargets.add(taken.urn);
        const rerun = await deploy(cloud, fleet([ok, stuck], args));
        assert.equal(runs(cloud, stuck), 2);
        assert.equal(rerun.result[stuck].status, "Licensed", "the new invocation's output, not the kept record's");
    });
});

describe("planTatRun", () => {
    const licensed = taskOutput(LICENSED_LINE);
    const record = (source: string, invocationId = "inv-1", output = licensed): TatRecord => ({
        invocationId,
        taskStatus: "SUCCESS",
        output,
        source,
    });
    test("a deployment's run is kept, running or not; else a schedule run reports; else run only where it runs", () => {
        for (const running of [true, false]) {
            assert.deepEqual(
                planTatRun({ deployment: record("USER"), schedule: record("INVOKER", "inv-2") }, running),
                {
                    action: "keep",
                    record: record("USER"),
                },
            );
            assert.deepEqual(planTatRun({ schedule: record("INVOKER", "inv-2") }, running), {
                action: "schedule",
                record: record("INVOKER", "inv-2"),
            });
        }
        assert.deepEqual(planTatRun({}, true), { action: "invoke" });
        assert.deepEqual(planTatRun({}, false), { action: "none" });
    });

    test("a schedule run that did not find Windows licensed stands for nothing: run where it runs", () => {
        const failed = taskOutput(failedActivationLine("kmsPort"));
        for (const output of [failed, "", "not base64 of a result line"]) {
            const schedule = record("INVOKER", "inv-2", output);
            assert.deepEqual(planTatRun({ schedule }, true), { action: "invoke" }, output);
            assert.deepEqual(planTatRun({ schedule }, false), { action: "none" }, output);
        }
    });

    test("a kept task without output says whether it is still going or ended, and which run it was", () => {
        assert.deepEqual(recordedOutput(record("USER")), { output: licensed });
        const going = recordedOutput({ ...record("USER"), output: "", taskStatus: "RUNNING" });
        assert.match(
            going.missing!,
            /^The last run \(TAT invocation inv-1\) is still RUNNING: a later `pulumi up` reads its result$/,
        );
        const ended = recordedOutput({ ...record("INVOKER"), output: "", taskStatus: "TIMEOUT" });
        assert.match(
            ended.missing!,
            /^The keep-activated schedule's last run \(TAT invocation inv-1\) ended TIMEOUT without output/,
        );
    });
});
