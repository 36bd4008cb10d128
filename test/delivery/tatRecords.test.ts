/**
 * Finding a command's runs in TAT by identity: per instance the latest deployment run (`USER`) and,
 * apart, the latest schedule run (`INVOKER`); other commands and sources never count.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { latestRecords } from "../../components/delivery/tatRecords";
import { TatTask } from "../../components/delivery/tatReads";

function task(
    instanceId: string,
    invocationId: string,
    source: string,
    createdTime: string,
    commandId = "cmd-1",
): TatTask {
    return {
        instanceId,
        invocationId,
        invocationSource: source,
        createdTime,
        commandId,
        taskStatus: "SUCCESS",
        output: `out-${invocationId}`,
    };
}

describe("latestRecords", () => {
    test("the latest of each source per instance, whatever the order TAT lists them in", () => {
        const tasks = [
            task("ins-a", "inv-1", "USER", "2026-01-01 00:00:01"),
            task("ins-a", "inv-3", "USER", "2026-01-03 00:00:00"),
            task("ins-a", "inv-2", "INVOKER", "2026-01-02 00:00:00"),
            task("ins-a", "inv-4", "INVOKER", "2026-01-04 00:00:00"),
            task("ins-b", "inv-5", "INVOKER", "2026-01-01 00:00:00"),
        ];
        for (const order of [tasks, [...tasks].reverse()]) {
            const r = latestRecords(order, "cmd-1");
            assert.equal(r["ins-a"].deployment?.invocationId, "inv-3");
            assert.equal(r["ins-a"].deployment?.output, "out-inv-3");
            assert.equal(r["ins-a"].schedule?.invocationId, "inv-4");
            assert.equal(r["ins-b"].deployment, undefined, "a schedule run is not a deployment's run");
            assert.equal(r["ins-b"].schedule?.invocationId, "inv-5");
        }
    });

    test("same creation time: the invocation ID decides, so the choice never depends on the listing order", () => {
        const a = task("ins-a", "inv-7", "USER", "2026-01-01 00:00:00");
        const b = task("ins-a", "inv-8", "USER", "2026-01-01 00:00:00");
        assert.equal(latestRecords([a, b], "cmd-1")["ins-a"].deployment?.invocationId, "inv-8");
        assert.equal(latestRecords([b, a], "cmd-1")["ins-a"].deployment?.invocationId, "inv-8");
    });

    test("another command's tasks, and tasks of no known source, are not records of this one", () => {
        const r = latestRecords(
            [
                task("ins-a", "inv-1", "USER", "2026-01-01 00:00:00", "cmd-2"),
                task("ins-a", "inv-2", "", "2026-01-02 00:00:00"),
            ],
            "cmd-1",
        );
        assert.deepEqual(r, {});
    });

    test("a task without output is a record with an empty output (the report says why)", () => {
        const t = { ...task("ins-a", "inv-1", "USER", "2026-01-01 00:00:00"), output: "", taskStatus: "TIMEOUT" };
        assert.deepEqual(latestRecords([t], "cmd-1")["ins-a"].deployment, {
            invocationId: "inv-1",
            taskStatus: "TIMEOUT",
            output: "",
            source: "USER",
        });
    });
});
