/**
 * The pack as a whole: the policy list that `policy/index.ts` hands to `new PolicyPack(...)`, and
 * `policy/index.ts` itself, run the way the Pulumi CLI runs a Node.js policy pack.
 *
 * Constructing a PolicyPack starts the analyzer's gRPC server on 127.0.0.1 and keeps the process
 * alive, so `index.ts` is not imported here: the second part starts it in a child process through
 * `@pulumi/pulumi/cmd/run-policy-pack` (the entry point of the CLI's `pulumi-analyzer-policy`; it
 * type-checks `index.ts` with ts-node and policy/tsconfig.json), then talks to it over gRPC as
 * the engine does: GetAnalyzerInfo, Configure, Analyze, AnalyzeStack.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type * as analyzerGrpcTypes from "../../policy/node_modules/@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as analyzerTypes from "../../policy/node_modules/@pulumi/pulumi/proto/analyzer_pb";
import type { Struct as StructType } from "../../policy/node_modules/@types/google-protobuf/google/protobuf/struct_pb";
import { POLICY_PACK_NAME, policies } from "../../policy/policies";
import { COMPONENT, INSTANCE, UNKNOWN_STRING, urnOf } from "./engine";

/** Each policy's name and default enforcement level, as the issue asks for them. */
const EXPECTED: Record<string, string> = {
    "windows-cvm-through-component": "mandatory",
    "no-ssh-from-anywhere": "mandatory",
    "keep-automation-agent": "mandatory",
    "activation-must-report": "advisory",
};
const STACK_POLICIES = ["windows-cvm-through-component", "keep-automation-agent", "activation-must-report"];
const CONFIGURABLE = ["windows-cvm-through-component", "keep-automation-agent"];

describe("policy list (what index.ts passes to new PolicyPack)", () => {
    test("declares every policy once, with its default level, a description and the right kind", () => {
        assert.deepEqual(Object.fromEntries(policies.map((p) => [p.name, p.enforcementLevel])), EXPECTED);
        assert.equal(policies.length, Object.keys(EXPECTED).length);
        for (const p of policies) {
            assert.ok(p.description.length > 20, `${p.name} description`);
            const isStack = "validateStack" in p && typeof p.validateStack === "function";
            const isResource = "validateResource" in p && typeof p.validateResource === "function";
            assert.equal(isStack, STACK_POLICIES.includes(p.name), `${p.name} is a stack policy`);
            assert.equal(isResource, !STACK_POLICIES.includes(p.name), `${p.name} is a resource policy`);
        }
    });

    test("the Windows policies take windowsImageIds (default []) and windowsImageNamePattern (default (?i)windows)", () => {
        for (const p of policies) {
            const props = p.configSchema?.properties;
            if (!CONFIGURABLE.includes(p.name)) {
                assert.equal(props, undefined, `${p.name} has no custom config`);
                continue;
            }
            assert.deepEqual(props?.windowsImageIds, {
                ...props?.windowsImageIds,
                type: "array",
                items: { type: "string" },
                default: [],
            });
            assert.deepEqual(props?.windowsImageNamePattern, {
                ...props?.windowsImageNamePattern,
                type: "string",
                default: "(?i)windows",
            });
        }
    });
});

// ---- index.ts served over gRPC, as under `pulumi preview --policy-pack policy` ----

const policyDir = path.join(__dirname, "..", "..", "policy");
const policyRequire = createRequire(path.join(policyDir, "package.json"));
// Resolve the protocol modules the way the pack's own @pulumi/pulumi does, so message classes match.
const pulumiRequire = createRequire(policyRequire.resolve("@pulumi/pulumi/proto/analyzer_grpc_pb"));
const analyzer: typeof analyzerTypes = pulumiRequire("./analyzer_pb");
const analyzerGrpc: typeof analyzerGrpcTypes = pulumiRequire("./analyzer_grpc_pb");
const grpc: { credentials: { createInsecure(): unknown } } = pulumiRequire("@grpc/grpc-js");
const { Struct }: { Struct: typeof StructType } = pulumiRequire("google-protobuf/google/protobuf/struct_pb");
const { Empty }: { Empty: new () => never } = pulumiRequire("google-protobuf/google/protobuf/empty_pb");

const LEVEL_NAMES: Record<number, string> = {
    [analyzer.EnforcementLevel.ADVISORY]: "advisory",
    [analyzer.EnforcementLevel.MANDATORY]: "mandatory",
    [analyzer.EnforcementLevel.DISABLED]: "disabled",
    [analyzer.EnforcementLevel.REMEDIATE]: "remediate",
};

/** Promisifies one unary call of the client. */
function call<Req, Res>(client: analyzerGrpcTypes.AnalyzerClient, method: string, request: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (r: Req, cb: (e: Error | null, res: Res) => void) => void>)[
            method
        ];
        fn.call(client, request, (e, res) => (e ? reject(e) : resolve(res)));
    });
}

function options(parentUrn?: string): analyzerTypes.AnalyzerResourceOptions {
    const opts = new analyzer.AnalyzerResourceOptions();
    if (parentUrn) {
        opts.setParent(parentUrn);
    }
    return opts;
}

function stackResource(
    type: string,
    name: string,
    props: Parameters<typeof Struct.fromJavaScript>[0],
    parent?: analyzerTypes.AnalyzerResource,
): analyzerTypes.AnalyzerResource {
    const r = new analyzer.AnalyzerResource();
    r.setType(type);
    r.setName(name);
    r.setUrn(parent ? urnOf(type, name, [parent.getType()]) : urnOf(type, name));
    r.setProperties(Struct.fromJavaScript(props));
    r.setOptions(options(parent?.getUrn()));
    if (parent) {
        r.setParent(parent.getUrn());
    }
    return r;
}

/**
 * The diagnostics as `<policy> <level> <urn or ->: <our message>`, sorted. The server sends the
 * policy's description, a newline, then the message given to reportViolation.
 */
function summary(response: analyzerTypes.AnalyzeResponse): string[] {
    return response
        .getDiagnosticsList()
        .map((d) => {
            const description = policies.find((p) => p.name === d.getPolicyname())?.description;
            const [first, ...rest] = d.getMessage().split("\n");
            assert.equal(first, description, `${d.getPolicyname()}: the message starts with the description`);
            return `${d.getPolicyname()} ${LEVEL_NAMES[d.getEnforcementlevel()]} ${d.getUrn() || "-"}: ${rest.join("\n")}`;
        })
        .sort();
}

/** Asserts that `lines` match `patterns` one to one, in order. */
function assertLines(lines: string[], patterns: RegExp[]): void {
    assert.equal(lines.length, patterns.length, lines.join("\n"));
    lines.forEach((line, i) => assert.match(line, patterns[i]));
}

/** Escapes a string for use inside a RegExp. */
function re(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\$]/g, "\\$&");
}

describe("policy/index.ts served like `pulumi preview --policy-pack policy` serves it", () => {
    let child: ChildProcess | undefined;
    let client: analyzerGrpcTypes.AnalyzerClient;
    let stderr = "";

    before(async () => {
        const runPolicyPack = path.dirname(policyRequire.resolve("@pulumi/pulumi/cmd/run-policy-pack"));
        // argv as the CLI gives it: <engine address> <program dir>; this test is the only client.
        child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], {
            cwd: policyDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(
                () => reject(new Error(`the pack did not start within 120 s: ${stderr}`)),
                120_000,
            );
            child!.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\s*$/m.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(Number(m[1]));
                }
            });
            child!.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`the pack exited with ${code}: ${stderr}`));
            });
        });
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure() as never);
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    test("GetAnalyzerInfo: the pack's name and version, every policy with its default level and config schema", async () => {
        const info = await call<never, analyzerTypes.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), POLICY_PACK_NAME);
        assert.equal(info.getVersion(), "0.1.0");
        assert.equal(info.getSupportsconfig(), true);
        const served = Object.fromEntries(
            info.getPoliciesList().map((p) => [p.getName(), LEVEL_NAMES[p.getEnforcementlevel()]]),
        );
        assert.deepEqual(served, EXPECTED);
        for (const p of info.getPoliciesList()) {
            const schema = p.getConfigschema()?.getProperties()?.toJavaScript() ?? {};
            assert.equal(
                "windowsImageIds" in schema,
                CONFIGURABLE.includes(p.getName()),
                `${p.getName()} config schema`,
            );
        }
    });

    test("Analyze: an SSH rule open to the world is a mandatory violation; a component is left to the stack policies", async () => {
        const rules = new analyzer.AnalyzeRequest();
        rules.setType("tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet");
        rules.setName("open");
        rules.setUrn(urnOf("tencentcloud:index/securityGroupRuleSet:SecurityGroupRuleSet", "open"));
        rules.setProperties(
            Struct.fromJavaScript({
                ingresses: [{ action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "20-30" }],
            }),
        );
        rules.setOptions(options());
        assertLines(summary(await call(client, "analyze", rules)), [
            /^no-ssh-from-anywhere mandatory -: SecurityGroupRuleSet "open": ingresses\[0\] accepts SSH \(TCP 22\): protocol "TCP", port "20-30" from 0\.0\.0\.0\/0\./,
        ]);

        const server = new analyzer.AnalyzeRequest();
        server.setType(COMPONENT);
        server.setName("web");
        server.setUrn(urnOf(COMPONENT, "web"));
        server.setProperties(
            Struct.fromJavaScript({ delivery: "userData", verifyWithTat: false, keepActivated: true }),
        );
        server.setOptions(options());
        assertLines(summary(await call(client, "analyze", server)), []);
    });

    test("AnalyzeStack: parents from the wire, an unknown osName from the wire, then config set through Configure", async () => {
        const stack = new analyzer.AnalyzeStackRequest();
        const component = stackResource(COMPONENT, "web", { delivery: "tat" });
        const silent = stackResource(COMPONENT, "silent", {
            delivery: "userData",
            verifyWithTat: false,
            keepActivated: false,
        });
        stack.setResourcesList([
            component,
            silent,
            stackResource(
                INSTANCE,
                "web-instance",
                { imageId: "img-aaaaaaaa", osName: "Windows Server 2022 数据中心版 64位中文版" },
                component,
            ),
            stackResource(INSTANCE, "bare", {
                imageId: "img-aaaaaaaa",
                osName: "Windows Server 2022 数据中心版 64位中文版",
                disableAutomationService: true,
            }),
            stackResource(INSTANCE, "new", { imageId: "img-win00003", osName: UNKNOWN_STRING }),
        ]);
        // The unknown osName of "new" neither crashes the policy nor hides "bare".
        const bare = re(urnOf(INSTANCE, "bare"));
        assertLines(summary(await call(client, "analyzeStack", stack)), [
            new RegExp(
                `^activation-must-report advisory ${re(urnOf(COMPONENT, "silent"))}: ActivatedWindowsServer "silent" activates Windows`,
            ),
            new RegExp(
                `^keep-automation-agent mandatory ${bare}: Windows CVM "bare" \\(its osName is "Windows Server 2022 `,
            ),
            new RegExp(`^windows-cvm-through-component mandatory ${bare}: CVM "bare" runs Windows`),
        ]);

        const configure = new analyzer.ConfigureAnalyzerRequest();
        const config = new analyzer.PolicyConfig();
        config.setEnforcementlevel(analyzer.EnforcementLevel.ADVISORY);
        config.setProperties(
            Struct.fromJavaScript({ windowsImageIds: ["img-win00003"], windowsImageNamePattern: "(?i)windows" }),
        );
        configure.getPolicyconfigMap().set("windows-cvm-through-component", config);
        const disabled = new analyzer.PolicyConfig();
        disabled.setEnforcementlevel(analyzer.EnforcementLevel.DISABLED);
        disabled.setProperties(Struct.fromJavaScript({}));
        configure.getPolicyconfigMap().set("keep-automation-agent", disabled);
        await call(client, "configure", configure);

        assertLines(summary(await call(client, "analyzeStack", stack)), [
            new RegExp(
                `^activation-must-report advisory ${re(urnOf(COMPONENT, "silent"))}: ActivatedWindowsServer "silent" activates Windows`,
            ),
            new RegExp(`^windows-cvm-through-component advisory ${bare}: CVM "bare" runs Windows`),
            new RegExp(
                `^windows-cvm-through-component advisory ${re(urnOf(INSTANCE, "new"))}: CVM "new" runs Windows \\(its imageId img-win00003 is in windowsImageIds\\)`,
            ),
        ]);
    });
});
