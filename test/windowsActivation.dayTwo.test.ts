/**
 * WindowsActivation on day two: the same stack deployed again with instances added, removed, and
 * a changed script. The mock cloud keeps the stack's state and says what each registration does.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MockCloud, valueOf } from "../stacks/plan/mockCloud";
import { Library, deploy } from "./support/deploy";

const ATTACHMENT = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment";
const INVOKER = "tencentcloud:index/tatInvoker:TatInvoker";

function fleet(ids: string[], args: Record<string, unknown> = {}) {
    return async (lib: Library) => {
        const f = new lib.WindowsActivation("fleet", { instanceIds: ids, ...args });
        return valueOf(f.summary);
    };
}

/** How many times TAT ran something on each instance. */
const runs = (cloud: MockCloud, ids: string[]) => ids.map((id) => cloud.invocations.get(id)?.length ?? 0);
const attachmentOf = (cloud: MockCloud, id: string) => cloud.resources.find((r) => r.type === ATTACHMENT && r.name === `fleet-${id}`);

describe("WindowsActivation, deployed again", () => {
    test("an added instance runs the script there only; the others are left alone", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(4);
        await deploy(cloud, fleet(ids.slice(0, 3)));
        assert.deepEqual(runs(cloud, ids), [1, 1, 1, 0]);
        const second = await deploy(cloud, fleet(ids));
        assert.deepEqual(runs(cloud, ids), [1, 1, 1, 1]);
        assert.deepEqual(ids.map((id) => attachmentOf(cloud, id)?.change), ["same", "same", "same", "create"]);
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
        assert.deepEqual([...after.inputs.instanceIds].sort(), ids.slice(1).sort(), "the schedule no longer runs on the removed instance");
        assert.equal(second.deleted.length, 1, second.deleted.join(", "));
        assert.match(second.deleted[0], new RegExp(`TatInvocationInvokeAttachment::fleet-${ids[0]}$`), "only the removed instance's invocation goes");
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
        assert.deepEqual(ids.map((id) => attachmentOf(cloud, id)?.change), ["replace", "replace", "replace"]);
        assert.equal(third.deleted.filter((u) => u.includes("TatCommand")).length, 1, "the old command goes");
    });

    test("audit first, then activate (the policy README's order): the diagnosis, then one activation on each", async () => {
        const cloud = new MockCloud();
        const ids = cloud.addExistingInstances(2);
        await deploy(cloud, fleet(ids, { mode: "audit" }));
        await deploy(cloud, fleet(ids, { mode: "activate" }));
        const commands = ids.map((id) => cloud.invocations.get(id)!);
        assert.ok(commands.every((c) => c.length === 2 && c[0] !== c[1]), "two runs, of two commands");
        const contents = [...cloud.invocationTargets.values()].filter((t) => t.instanceId === ids[0]).map((t) => /\/diagnose/.test(t.content));
        assert.deepEqual(contents, [true, false]);
    });
});
