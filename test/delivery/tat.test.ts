/**
 * TAT delivery's invoke attachments over time: TAT keeps invocation records for a limited time,
 * and the provider's Delete of an attachment (CancelInvocation, then DescribeInvocations) fails once
 * the record is gone. A changed script months later replaces every attachment.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MockCloud, valueOf } from "../support/mockCloud";
import { Library, deploy, SERVER_ARGS } from "../support/deploy";

const base = SERVER_ARGS;

function server(activation: Record<string, unknown>) {
    return async (lib: Library) =>
        valueOf(
            new lib.ActivatedWindowsServer("rec1", { ...base, activation: { delivery: "tat", ...activation } })
                .activationStatus,
        );
}

describe("an attachment whose invocation record TAT no longer keeps", () => {
    test("a changed script months later replaces it without deleting it: pulumi up succeeds, the new script runs", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, server({}));
        const old = cloud.resources.find((r) => r.name === "rec1-activation")!;
        assert.equal(old.options.retainOnDelete, true);
        cloud.expireInvocationRecords();

        const { result } = await deploy(cloud, server({ kmsHost: "kms2.example.com" }));
        const replaced = cloud.resources.find((r) => r.name === "rec1-activation")!;
        assert.equal(replaced.change, "replace");
        assert.equal(result, "Licensed", "the new invocation's record is read");
        assert.ok(
            !cloud.deletes.includes(old.id),
            "the old attachment is only forgotten, never deleted through the provider",
        );
        assert.equal(cloud.invocations.get(cloud.resources.find((r) => r.name === "rec1-instance")!.id)?.length, 2);
    });

    test("the mock cloud: deleting such an attachment through the provider fails with ResourceNotFound.InvocationNotFound", async () => {
        const cloud = new MockCloud();
        cloud.agentOfflinePolls = -1; // this bare program does not wait for the agent: online from the start
        const program = (timeout: number) => async () => {
            const tc = await import("@pulumi/tencentcloud");
            const instance = new tc.Instance("bare", { availabilityZone: "ap-guangzhou-3", imageId: "img-2022zh02" });
            return valueOf(
                new tc.TatInvocationInvokeAttachment("bare-run", {
                    commandId: "cmd-1",
                    instanceId: instance.id,
                    timeout,
                }).invocationId,
            );
        };
        await deploy(cloud, program(60));
        cloud.expireInvocationRecords();
        await assert.rejects(deploy(cloud, program(61)), /ResourceNotFound\.InvocationNotFound/);
    });

    test("an unchanged server reports Unknown once the record is gone, and nothing is invoked again", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, server({}));
        cloud.expireInvocationRecords();
        const { result } = await deploy(cloud, server({}));
        assert.equal(result, "Unknown");
        assert.equal([...cloud.invocations.values()].flat().length, 1);
    });
});
