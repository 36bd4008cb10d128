/**
 * A stand-in for the Pulumi engine, over gRPC, for a component plugin: the `Engine` service (logs)
 * and the `ResourceMonitor` service that a provider's Construct call registers resources and makes
 * invokes through (`ConstructRequest.monitorEndpoint`). Registrations and invokes are answered by a
 * MockCloud, which refuses a second registration of a URN in one deployment as the real engine does
 * (`Duplicate resource URN`, pkg/diag/errors.go 2001). Behaviour taken from the engine, each with its
 * source in pulumi/pulumi v3.248:
 * - URNs: `urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>`, a resource
 *   without a parent, or whose parent is the root stack, without the prefix (pkg/resource/urn.go,
 *   `NewURN`; pkg/resource/deploy/deployment.go, `generateURN`);
 * - features: secrets, resource references and parameterized packages are supported, output values
 *   are not sent (`SupportsFeature`, as the mock monitor of `@pulumi/pulumi` answers; `GetDeploymentInfo`,
 *   which the SDK asks first from 3.256.0 on, is not served: grpc-js answers UNIMPLEMENTED and the SDK
 *   falls back to `SupportsFeature`, as it does with an older engine);
 * - `RegisterPackage` answers a package reference (pkg/resource/deploy/source_eval.go);
 * - the built-in invoke `pulumi:pulumi:getResource` (how an SDK rehydrates a resource reference, e.g. a
 *   provider sent in ConstructRequest.providers) answers the URN, ID and outputs of a resource registered
 *   in this deployment, else fails with "unknown resource <urn>" (pkg/resource/deploy/builtins.go, getResource).
 */
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { MockCloud } from "./mockCloud";

/* eslint-disable @typescript-eslint/no-require-imports */
const resproto = require("@pulumi/pulumi/proto/resource_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const enginePb = require("@pulumi/pulumi/proto/engine_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The message `ResourceMonitor.Invoke` answers, as the installed SDK's service definition says:
 * `pulumirpc.InvokeResponse` (provider.proto) up to @pulumi/pulumi 3.255.0, `pulumirpc.ResourceInvokeResponse`
 * (resource.proto; the same fields and numbers: return, failures) from 3.256.0. grpc-js refuses an answer
 * of any other class ("Error serializing response"), which a Construct call then reports for every output
 * an invoke feeds (found by test/sdkVersions.test.ts on 3.276.0).
 */
const InvokeResponse: new () => { setReturn(value: unknown): unknown } =
    resrpc.ResourceMonitorService.invoke.responseType;

/** Features the monitor says it supports. */
const SUPPORTED = new Set(["secrets", "resourceReferences", "parameterization", "aliasSpecs", "deletedWith"]);

type Callback = (error: grpc.ServiceError | null, response?: unknown) => void;

/** A running test engine. */
export interface TestEngine {
    /** `host:port` of the Engine service (the plugin's first argument). */
    engineAddress: string;
    /** `host:port` of the ResourceMonitor service (ConstructRequest.monitorEndpoint). */
    monitorAddress: string;
    /** Messages the plugin logged through the engine. */
    logs: string[];
    /** Resources registered in this deployment, by URN (what `pulumi:pulumi:getResource` answers from). */
    registered: Map<string, { id: string; state: Record<string, unknown> }>;
    stop(): Promise<void>;
}

function failure(error: unknown): grpc.ServiceError {
    const message = error instanceof Error ? error.message : String(error);
    return Object.assign(new Error(message), {
        code: grpc.status.UNKNOWN,
        details: message,
        metadata: new grpc.Metadata(),
    });
}

/** Answers `handler(request)` on `callback`, turning a thrown error into a gRPC error. */
function answer(handler: (request: any) => Promise<unknown> | unknown) {
    return (call: { request: any }, callback: Callback) => {
        Promise.resolve()
            .then(() => handler(call.request))
            .then(
                (response) => callback(null, response),
                (error) => callback(failure(error)),
            );
    };
}

/**
 * Starts an engine whose deployments of `project`/`stack` are
 * played by `cloud` (one deployment: call `cloud.begin` first).
 */
export async function startTestEngine(cloud: MockCloud, project: string, stack: string): Promise<TestEngine> {
    const urnOf = (parent: string, type: string, name: string) => {
        // The root stack's type is left out, as for no parent (deployment.go generateURN).
        const parentType = parent.split("::")[2] ?? "";
        const qualified = parent && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
        return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
    };
    const logs: string[] = [];
    const registered = new Map<string, { id: string; state: Record<string, unknown> }>();
    const server = new grpc.Server();
    server.addService(resrpc.ResourceMonitorService, {
        supportsFeature: answer((req) =>
            new resproto.SupportsFeatureResponse().setHassupport(SUPPORTED.has(req.getId())),
        ),
        registerPackage: answer((req) => new resproto.RegisterPackageResponse().setRef(`package-${req.getName()}`)),
        invoke: answer(async (req) => {
            if (req.getTok() === "pulumi:pulumi:getResource") {
                const urn = String(pulumi.runtime.deserializeProperties(req.getArgs()).urn);
                const found = registered.get(urn);
                if (found === undefined) {
                    throw new Error(`unknown resource ${urn}`);
                }
                const answer = { urn, id: found.id, state: found.state };
                return new InvokeResponse().setReturn(
                    structproto.Struct.fromJavaScript(await pulumi.runtime.serializeProperties("invoke", answer)),
                );
            }
            const result = await cloud.call({
                token: req.getTok(),
                inputs: pulumi.runtime.deserializeProperties(req.getArgs()),
                provider: req.getProvider(),
            });
            return new InvokeResponse().setReturn(
                structproto.Struct.fromJavaScript(await pulumi.runtime.serializeProperties("invoke", result)),
            );
        }),
        registerResource: answer(async (req) => {
            const urn = urnOf(req.getParent(), req.getType(), req.getName());
            cloud.expectRegistration(req, urn);
            const result = cloud.newResource({
                type: req.getType(),
                name: req.getName(),
                inputs: pulumi.runtime.deserializeProperties(req.getObject()),
                provider: req.getProvider(),
                custom: req.getCustom(),
                id: req.getImportid(),
            });
            registered.set(urn, { id: result.id ?? "", state: result.state });
            const state = await pulumi.runtime.serializeProperties("register", result.state);
            return new resproto.RegisterResourceResponse()
                .setUrn(urn)
                .setId(result.id ?? "")
                .setObject(structproto.Struct.fromJavaScript(state));
        }),
        registerResourceOutputs: answer((req) => {
            cloud.recordOutputs(req);
            return new emptyproto.Empty();
        }),
    });
    server.addService(engrpc.EngineService, {
        log: answer((req) => {
            logs.push(`${req.getSeverity()} ${req.getUrn()} ${req.getMessage()}`);
            return new emptyproto.Empty();
        }),
        getRootResource: answer(() => new enginePb.GetRootResourceResponse().setUrn("")),
        setRootResource: answer(() => new enginePb.SetRootResourceResponse()),
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
            error ? reject(error) : resolve(p),
        ),
    );
    const address = `127.0.0.1:${port}`;
    return {
        engineAddress: address,
        monitorAddress: address,
        logs,
        registered,
        stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
}
