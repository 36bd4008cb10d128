/**
 * The package as other languages use it (PulumiPlugin.yaml, `runtime: nodejs`): `@pulumi/pulumi`'s
 * own plugin host (`cmd/run-plugin`, what the Pulumi CLI starts for a source-based component
 * package) serves the built package, and the test plays the engine: it sends one `Construct` call
 * per server over gRPC, as the engine does for a Python, Go, C# or YAML program, against a resource
 * monitor of its own (test/support/testEngine.ts) that refuses a duplicate URN as the engine does and
 * answers registrations and invokes like the mock cloud.
 */
import assert from "node:assert/strict";
import { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { MockCloud } from "./support/mockCloud";
import { TestEngine, startTestEngine } from "./support/testEngine";
import {
    COMPONENT,
    PROJECT,
    STACK,
    buildPackage,
    construct,
    constructRequest,
    serverInputs,
    startPlugin,
} from "./support/pluginHost";

/* eslint-disable @typescript-eslint/no-require-imports */
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const errorproto = require("@pulumi/pulumi/proto/errors_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

describe("the package as a plugin: Construct calls of a Python/Go/C#/YAML program", { timeout: 600000 }, () => {
    const cloud = new MockCloud();
    const stderr: string[] = [];
    let dir: string;
    let engine: TestEngine;
    let plugin: ChildProcess | undefined;
    let client: any;

    before(async () => {
        dir = buildPackage();
        cloud.begin(PROJECT, STACK);
        // Each new agent answers Offline twice: the servers wait, and their status calls can be batched.
        cloud.agentOfflinePolls = 2;
        engine = await startTestEngine(cloud, PROJECT, STACK);
        const started = await startPlugin(dir, engine.engineAddress, stderr);
        plugin = started.child;
        client = new provrpc.ResourceProviderClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
    });

    after(async () => {
        client?.close();
        plugin?.kill();
        await engine?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    test("three TAT servers with keepActivated: one TatCommand, an invoker each, no duplicate URN, one getImages, agent-status calls batched", async () => {
        const inputs = (n: number) => serverInputs(n, { delivery: "tat", keepActivated: true, tatAgentPollSeconds: 1 });
        const names = ["web1", "web2", "web3"];
        const responses: any[] = await Promise.all(
            names.map(
                (name, i) =>
                    new Promise((resolve, reject) =>
                        client.construct(
                            constructRequest(engine, name, inputs(i)),
                            (error: Error | null, response: unknown) => (error ? reject(error) : resolve(response)),
                        ),
                    ),
            ),
        );
        const states = responses.map((r) => r.getState().toJavaScript());
        assert.deepEqual(
            states.map((s) => s.activationStatus),
            ["Licensed", "Licensed", "Licensed"],
            `engine log: ${engine.logs.join("\n")}\nplugin stderr: ${stderr.join("")}`,
        );
        assert.deepEqual(
            responses.map((r) => r.getUrn()),
            names.map((n) => `urn:pulumi:${STACK}::${PROJECT}::${COMPONENT}::${n}`),
        );

        const of = (type: string) => cloud.resources.filter((r) => r.type === `tencentcloud:index/${type}`);
        const urns = cloud.resources.map((r) => r.urn);
        assert.equal(new Set(urns).size, urns.length, "no URN registered twice");
        assert.equal(of("tatCommand:TatCommand").length, 1, "one shared TatCommand");
        assert.equal(of("tatInvocationInvokeAttachment:TatInvocationInvokeAttachment").length, 3);
        // Each server's own keep-activated invoker, its child: the same whatever order the calls arrived in.
        const invokers = of("tatInvoker:TatInvoker");
        const instanceOf = new Map(of("instance:Instance").map((r) => [r.name, r.id]));
        assert.deepEqual(
            invokers.map((r) => [r.urn, r.inputs.instanceIds]).sort(),
            names.map((n) => [
                `urn:pulumi:${STACK}::${PROJECT}::${COMPONENT}$tencentcloud:index/tatInvoker:TatInvoker::${n}-keep-activated`,
                [instanceOf.get(`${n}-instance`)],
            ]),
        );

        const calls = (token: string) => cloud.calls.filter((c) => c.token === `tencentcloud:index/${token}`);
        assert.equal(calls("getImages:getImages").length, 1, "one getImages for the one query of three servers");
        const agentCalls = calls("getTatAgent:getTatAgent").map((c) => c.inputs.instanceIds as string[]);
        assert.ok(
            agentCalls.some((ids) => ids.length === 3),
            `one status call asked for all three servers: ${JSON.stringify(agentCalls)}`,
        );
        // Unbatched, each server's three polls would be a call of its own: nine.
        assert.ok(
            agentCalls.length < 9,
            `agent-status calls batched across the servers: ${JSON.stringify(agentCalls)}`,
        );
    });

    test("bad input from another language: the Construct call fails with the engine's invalid-inputs error naming the property path and the rule", async () => {
        const inputs = {
            windowsVersion: "2022",
            availabilityZone: "ap-guangzhou-3",
            instanceType: "S5.MEDIUM4",
            vpcId: "vpc-1",
            subnetId: "subnet-1",
            password: "Python(Server)9",
            activation: { delivery: "tat", kmsHost: "kms.example.com&calc" },
        };
        const before = cloud.resources.length;
        const error: any = await new Promise((resolve) =>
            client.construct(constructRequest(engine, "bad", inputs), (e: Error | null) => resolve(e)),
        );
        assert.ok(error, "the Construct call failed");
        // @pulumi/pulumi's provider server turns an InputPropertyError into INVALID_ARGUMENT with an InputPropertiesError detail (provider/server.js, buildInvalidPropertiesError).
        assert.equal(error.code, grpc.status.INVALID_ARGUMENT, String(error));
        const [bin] = error.metadata.get("grpc-status-details-bin") as Buffer[];
        assert.ok(bin, `no status details: ${error.message}`);
        const [detail] = statusproto.Status.deserializeBinary(bin).getDetailsList();
        assert.equal(detail.getTypeName(), "pulumirpc.InputPropertiesError");
        const errors = errorproto.InputPropertiesError.deserializeBinary(detail.getValue()).getErrorsList();
        assert.deepEqual(
            errors.map((e: any) => e.getPropertyPath()),
            ["activation.kmsHost"],
            "the property path, as Python and YAML users see it",
        );
        assert.match(errors[0].getReason(), /^must be a DNS name .* or an IPv4 address\.$/);
        assert.doesNotMatch(errors[0].getReason(), /calc/, "the rule, never the value");
        assert.equal(cloud.resources.length, before, "nothing registered before the refusal");
    });

    test("WindowsActivation over existing instances: one Construct, one invocation each, the summary in the state", async () => {
        const fleetType = "tencentcloud-windows:index:WindowsActivation";
        const ids = cloud.addExistingInstances(3);
        const response: any = await new Promise((resolve, reject) =>
            client.construct(
                constructRequest(engine, "fleet", { instanceIds: ids }, fleetType),
                (error: Error | null, r: unknown) => (error ? reject(error) : resolve(r)),
            ),
        );
        const state = response.getState().toJavaScript();
        assert.deepEqual(
            state.summary,
            { licensed: 3, failed: 0, unknown: 0, skipped: 0, failures: [], skips: [], runAgain: [] },
            `engine log: ${engine.logs.join("\n")}\nplugin stderr: ${stderr.join("")}`,
        );
        assert.deepEqual(Object.keys(state.results).sort(), [...ids].sort());
        assert.equal(response.getUrn(), `urn:pulumi:${STACK}::${PROJECT}::${fleetType}::fleet`);
        const attachments = cloud.resources.filter(
            (r) =>
                r.type === "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment" &&
                r.name.startsWith("fleet-"),
        );
        assert.deepEqual(attachments.map((r) => r.inputs.instanceId).sort(), [...ids].sort());
    });
    test("two providers of one name, sent in the Construct requests' providers map (one top-level, one inside a component): their servers share nothing", async () => {
        const top = `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:tencentcloud::tc`;
        const nested = `urn:pulumi:${STACK}::${PROJECT}::example:index:Region$pulumi:providers:tencentcloud::tc`;
        const region = `urn:pulumi:${STACK}::${PROJECT}::example:index:Region::shanghai`;
        const inputs = (n: number) => serverInputs(n, { delivery: "tat", tatAgentPollSeconds: 1 });
        // The program registered both providers (the engine hydrates a reference from what was registered);
        // it sends each Construct the package's provider reference `<urn>::<id>` (ConstructRequest.providers).
        engine.registered.set(top, { id: "prov-gz", state: { region: "ap-guangzhou" } });
        engine.registered.set(nested, { id: "prov-sh", state: { region: "ap-shanghai" } });
        const calls: [string, string, string][] = [
            ["gz", top, ""],
            ["sh", nested, region],
        ];
        await Promise.all(
            calls.map(([name, providerUrn, parent], i) => {
                const req = constructRequest(engine, name, inputs(i)) as any;
                req.getProvidersMap().set("tencentcloud", `${providerUrn}::prov-${name}`);
                req.setParent(parent);
                return new Promise((resolve, reject) =>
                    client.construct(req, (error: Error | null, r: unknown) =>
                        error ? reject(new Error(`${error.message}\nplugin stderr: ${stderr.join("")}`)) : resolve(r),
                    ),
                );
            }),
        );
        const providerOf = (ref: string) =>
            ref.startsWith(`${nested}::`) ? "sh" : ref.startsWith(`${top}::`) ? "gz" : `other: ${ref}`;
        const of = (type: string) => cloud.resources.filter((r) => r.type === `tencentcloud:index/${type}`);
        for (const name of ["gz", "sh"]) {
            const attachment = of("tatInvocationInvokeAttachment:TatInvocationInvokeAttachment").find(
                (r) => r.name === `${name}-activation`,
            )!;
            const command = of("tatCommand:TatCommand").find((c) => c.id === attachment.inputs.commandId)!;
            assert.equal(
                providerOf(command.options.provider),
                name,
                `${name} runs the command registered through its own provider`,
            );
            assert.equal(providerOf(attachment.options.provider), name);
        }
        const commands = of("tatCommand:TatCommand").filter((c) =>
            ["gz", "sh"].includes(providerOf(c.options.provider)),
        );
        assert.equal(commands.length, 2, `a command through each provider: ${commands.map((c) => c.urn).join(", ")}`);
        assert.notEqual(commands[0].inputs.commandName, commands[1].inputs.commandName);
    });

    test("a preview (dryrun) and an update of the same cloud register the same: a stopped server whose script changed gets nothing, a running one keeps its run", async () => {
        // The deployments above end; the owner stops web1; the program changes the script (another KMS host).
        const instanceOf = (name: string) => cloud.resources.find((r) => r.name === `${name}-instance`)!.id;
        const stopped = instanceOf("web1");
        cloud.finish();
        cloud.setInstanceState(stopped, "STOPPED");
        const inputs = (n: number) =>
            serverInputs(n, {
                delivery: "tat",
                keepActivated: true,
                tatAgentPollSeconds: 1,
                kmsHost: "kms2.example.com",
            });
        const registrations: string[][] = [];
        for (const dryRun of [true, false]) {
            // Each deployment is an engine of its own (a new resource monitor), as the CLI's preview and up are.
            cloud.begin(PROJECT, STACK, dryRun);
            const deployment = await startTestEngine(cloud, PROJECT, STACK);
            try {
                await Promise.all(
                    ["web1", "web2"].map(
                        (name, i) =>
                            new Promise((resolve, reject) =>
                                client.construct(
                                    constructRequest(deployment, name, inputs(i), COMPONENT, dryRun),
                                    (error: Error | null, r: unknown) =>
                                        error ? reject(new Error(`${error.message}\n${stderr.join("")}`)) : resolve(r),
                                ),
                            ),
                    ),
                );
            } finally {
                await deployment.stop();
            }
            registrations.push(cloud.resources.map((r) => `${r.name} ${r.change}`).sort());
            cloud.finish();
        }
        const [previewed, updated] = registrations;
        assert.deepEqual(previewed, updated);
        assert.ok(
            !updated.some((r) => r.startsWith("web1-activation") || r.startsWith("web1-keep-activated")),
            updated.join(),
        );
        assert.ok(
            updated.includes("web2-activation replace"),
            `the running server runs the new script: ${updated.join()}`,
        );
    });

    test("top-level components sent with the stack as their parent (as the engine sends a program's components): one shared command, one invoker each, the same URNs as without", async () => {
        cloud.finish();
        cloud.begin(PROJECT, STACK);
        const deployment = await startTestEngine(cloud, PROJECT, STACK);
        const stack = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
        try {
            await Promise.all(
                ["top1", "top2"].map((name, i) => {
                    const req = constructRequest(
                        deployment,
                        name,
                        serverInputs(i, { delivery: "tat", keepActivated: true, tatAgentPollSeconds: 1 }),
                    ) as { setParent(p: string): void };
                    req.setParent(stack);
                    return construct(client, req);
                }),
            );
        } finally {
            await deployment.stop();
        }
        const of = (type: string) => cloud.resources.filter((r) => r.type === `tencentcloud:index/${type}`);
        assert.equal(of("tatCommand:TatCommand").length, 1, "the two calls share one deployment's command");
        assert.deepEqual(
            of("tatInvoker:TatInvoker")
                .map((r) => r.urn)
                .sort(),
            ["top1", "top2"].map(
                (n) =>
                    `urn:pulumi:${STACK}::${PROJECT}::${COMPONENT}$tencentcloud:index/tatInvoker:TatInvoker::${n}-keep-activated`,
            ),
        );
        cloud.finish();
    });
});
