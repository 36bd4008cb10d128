import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateActivationMustReport } from "../../policy/policies/activationMustReport";
import { MockCloud, valueOf } from "../support/mockCloud";
import { deploy } from "../support/deploy";
import { COMPONENT, UNKNOWN_BOOLEAN, UNKNOWN_STRING, recorder, stackArgs } from "./engine";

function run(props: Record<string, unknown>, type = COMPONENT) {
    const { report, violations } = recorder();
    validateActivationMustReport(stackArgs([{ type, name: "web", props }]), report);
    return violations.map((v) => v.message);
}

describe("activation-must-report", () => {
    test("passes deliveries that report: tat, ssh, and userData with verifyWithTat", () => {
        assert.deepEqual(run({ delivery: "tat", verifyWithTat: false, keepActivated: true }), []);
        assert.deepEqual(run({ delivery: "ssh" }), []);
        assert.deepEqual(run({ delivery: "userData", verifyWithTat: true }), []);
    });

    test("reports userData without verifyWithTat, and says what to set", () => {
        const messages = run({ delivery: "userData", verifyWithTat: false, keepActivated: false });
        assert.equal(messages.length, 1);
        assert.match(messages[0], /"web"/);
        assert.match(messages[0], /activation\.verifyWithTat: true/);
        assert.match(messages[0], /activation\.delivery: "tat"/);
        assert.equal(run({ delivery: "userData" }).length, 1);
    });

    test("props that do not say the delivery are unknown, never a violation", () => {
        assert.deepEqual(run({}), []);
        assert.deepEqual(run({ keepActivated: true }), []);
    });

    test("unknown values during preview are not violations", () => {
        assert.deepEqual(run({ delivery: UNKNOWN_STRING }), []);
        assert.deepEqual(run({ delivery: "userData", verifyWithTat: UNKNOWN_BOOLEAN }), []);
    });

    test("other resource types are ignored", () => {
        assert.deepEqual(run({ delivery: "userData" }, "tencentcloud:index/instance:Instance"), []);
    });

    test("with PULUMI_NODEJS_SKIP_COMPONENT_INPUTS the component registers no inputs; its registered outputs still decide", async () => {
        const base = {
            availabilityZone: "ap-guangzhou-3",
            instanceType: "S5.MEDIUM4",
            vpcId: "vpc-1",
            subnetId: "subnet-1",
            password: "Skip(Inputs)99",
            windowsVersion: "2022" as const,
        };
        const cloud = new MockCloud();
        process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS = "true";
        try {
            await deploy(cloud, async (lib) => {
                const servers = [
                    new lib.ActivatedWindowsServer("reports", { ...base, activation: { delivery: "tat" } }),
                    new lib.ActivatedWindowsServer("silent", base),
                ];
                return Promise.all(servers.map((s) => valueOf(s.activationStatus)));
            });
        } finally {
            delete process.env.PULUMI_NODEJS_SKIP_COMPONENT_INPUTS;
        }
        const components = cloud.resources.filter((r) => r.type === COMPONENT);
        assert.deepEqual(
            components.map((c) => c.inputs),
            [{}, {}],
            "no inputs reach the engine",
        );
        const { report, violations } = recorder();
        validateActivationMustReport(
            stackArgs(
                components.map((c) => ({ type: c.type, name: c.name, props: cloud.registeredOutputs.get(c.urn) })),
            ),
            report,
        );
        assert.deepEqual(
            violations.map((v) => v.message.slice(0, 31)),
            ['ActivatedWindowsServer "silent"'],
        );
    });
});
