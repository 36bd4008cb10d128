/**
 * WindowsActivation on day two: the same stack deployed again with instances added, removed, and
 * a changed script. The mock cloud keeps the stack's state and says what each registration does.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LICENSED_LINE, MockCloud, failedActivationLine, taskOutput, valueOf } from "./support/mockCloud";
import { Library, deploy } from "./support/deploy";

const ATTACHMENT = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment";
const INVOKER = "tencentcloud:index/tatInvoker:TatInvoker";

function fleet(ids: string[], args: Record<string, unknown> = {}) {
    return async (lib: Library) => {
        const f = new lib.WindowsActivation("fleet", { instanceIds: ids, ...args });
        return valueOf(f.summary);
    };
}

const KMS_PORT_CLOSED = failedActivationLine("kmsPort");

/** How many times TAT ran something on each instance. */
const runs = (cloud: MockCloud, ids: string[]) => ids.map((id) => cloud.invocations.get(id)?.length ?? 0);
const attachmentOf = (cloud: MockCloud, id: string) =>
    cloud.resources.find((r) => r.type === ATTACHMENT && r.name === `fleet-${id}`);

describe("WindowsActivation, deployed again", () => {
    test("an added instance runs the script there only; the others are left alone", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(4);
        await deploy(cloud, fleet(ids.slice(0, 3)));
        assert.deepEqual(runs(cloud, ids), [1, 1, 1, 0]);
        const second = await deploy(cloud, fleet(ids));
        assert.deepEqual(runs(cloud, ids), [1, 1, 1, 1]);
        assert.deepEqual(
            ids.map((id) => attachmentOf(cloud, id)?.change),
            ["same", "same", "same", "create"],
        );
        assert.equal(second.result.licensed, 4, "the old instances report their last result");
        assert.deepEqual(second.deleted, []);
    });

    test("a removed instance loses its invocation record and its keep-activated schedule, nothing else changes", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        await deploy(cloud, fleet(ids, { activation: { keepActivated: true } }));
        const before = cloud.resources.find((r) => r.type === INVOKER)!;
        assert.deepEqual([...before.inputs.instanceIds].sort(), [...ids].sort());
        const second = await deploy(cloud, fleet(ids.slice(1), { activation: { keepActivated: true } }));
        const after = cloud.resources.find((r) => r.type === INVOKER)!;
        assert.equal(after.urn, before.urn);
        assert.equal(after.change, "update", "ModifyInvoker in place");
        assert.deepEqual(
            [...after.inputs.instanceIds].sort(),
            ids.slice(1).sort(),
            "the schedule no longer runs on the removed instance",
        );
        assert.equal(second.deleted.length, 1, second.deleted.join(", "));
        assert.match(
            second.deleted[0],
            new RegExp(`TatInvocationInvokeAttachment::fleet-${ids[0]}$`),
            "only the removed instance's invocation goes",
        );
        assert.deepEqual(runs(cloud, ids), [1, 1, 1], "no instance ran anything again");
    });

    test("a changed script runs once on every instance (a new command replaces every invocation)", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        await deploy(cloud, fleet(ids));
        await deploy(cloud, fleet(ids));
        assert.deepEqual(runs(cloud, ids), [1, 1, 1], "the same script twice: nothing runs again");
        const third = await deploy(cloud, fleet(ids, { activation: { maxAttempts: 3 } }));
        assert.deepEqual(runs(cloud, ids), [2, 2, 2]);
        assert.deepEqual(
            ids.map((id) => attachmentOf(cloud, id)?.change),
            ["replace", "replace", "replace"],
        );
        assert.equal(third.deleted.filter((u) => u.includes("TatCommand")).length, 1, "the old command goes");
    });

    test("audit first, then activate (the policy README's order): the diagnosis, then one activation on each", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(2);
        await deploy(cloud, fleet(ids, { mode: "audit" }));
        await deploy(cloud, fleet(ids, { mode: "activate" }));
        const commands = ids.map((id) => cloud.invocations.get(id)!);
        assert.ok(
            commands.every((c) => c.length === 2 && c[0] !== c[1]),
            "two runs, of two commands",
        );
        const contents = [...cloud.invocationTargets.values()]
            .filter((t) => t.instanceId === ids[0])
            .map((t) => /\/diagnose/.test(t.content));
        assert.deepEqual(contents, [true, false]);
    });

    test("run again on exactly the failed instances: the same inputs re-read the failure; --replace of the URNs in summary.runAgain runs there once the cause is fixed", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(4);
        const broken = new Set([ids[1], ids[2]]);
        cloud.tatOutput = (_, t) => taskOutput(broken.has(t.instanceId) ? KMS_PORT_CLOSED : LICENSED_LINE);
        const args = { activation: { failOnActivationError: false } };
        const first = await deploy(cloud, fleet(ids, args));
        assert.deepEqual([first.result.licensed, first.result.failed], [2, 2]);
        assert.equal(first.result.runAgain.length, 2);
        assert.ok(
            first.result.runAgain.every((urn, k) => urn.endsWith(`TatInvocationInvokeAttachment::fleet-${ids[k + 1]}`)),
            first.result.runAgain.join(),
        );
        // The cause is fixed in the cloud (the security group opens TCP 1688)...
        broken.clear();
        const again = await deploy(cloud, fleet(ids, args));
        assert.equal(again.result.failed, 2, "...but the same inputs only re-read each invocation's recorded output");
        assert.deepEqual(runs(cloud, ids), [1, 1, 1, 1]);
        // ...so the user runs again where it failed, as the summary (and the failure message) says.
        for (const urn of again.result.runAgain) {
            cloud.replaceTargets.add(urn);
        }
        const fixed = await deploy(cloud, fleet(ids, args));
        assert.deepEqual([fixed.result.licensed, fixed.result.failed, fixed.result.runAgain.length], [4, 0, 0]);
        assert.deepEqual(runs(cloud, ids), [1, 2, 2, 1], "only the two failed instances ran again");
        const quiet = await deploy(cloud, fleet(ids, args));
        assert.deepEqual(runs(cloud, ids), [1, 2, 2, 1], "and the next run changes nothing");
        assert.equal(quiet.result.licensed, 4);
    });

    test("an expired TAT record: Unknown and listed in runAgain; after pulumi refresh the next up runs there again", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(3);
        await deploy(cloud, fleet(ids));
        cloud.expireInvocationRecords();
        const expired = await deploy(cloud, fleet(ids));
        assert.deepEqual([expired.result.unknown, expired.result.runAgain.length], [3, 3]);
        assert.deepEqual(runs(cloud, ids), [1, 1, 1], "nothing runs by itself");
        assert.equal(cloud.refresh().length, 3);
        const after = await deploy(cloud, fleet(ids));
        assert.deepEqual(runs(cloud, ids), [2, 2, 2], "refresh forgot the attachments: the next up invokes again");
        assert.equal(after.result.licensed, 3);
    });
});
