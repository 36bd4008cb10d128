/**
 * The CAM permissions table (components/permissions.ts) against what it describes: the resources and
 * data sources components/ names in its source, what each feature registers and invokes under the mock
 * cloud, the SDK subset, the day-two table of instance arguments, and docs/permissions.md.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as command from "@pulumi/command";
import * as tencentcloud from "@pulumi/tencentcloud";
import {
    CAM_FEATURES,
    CamFeature,
    FEATURE_USES,
    LEFT_OUT,
    OWNED_ARGUMENT_UPDATES,
    PROVIDER_CALLS,
    ProviderCall,
    ProviderName,
    camActions,
    camPolicy,
} from "../components/permissions";
import { OWNED_INSTANCE_ARGS } from "../components/serverArgs";
import { MockCloud, RecordedResource, valueOf } from "./support/mockCloud";
import { INSTANCE_ARGUMENTS } from "./support/providerModel";
import { Library, deploy } from "./support/deploy";

const ROOT = path.join(__dirname, "..");
const NAMES = Object.keys(PROVIDER_CALLS) as ProviderName[];
const STEPS = ["create", "read", "update", "delete"] as const;

/** Every call of an entry, in step order. */
const callsOf = (name: ProviderName): ProviderCall[] => STEPS.flatMap((step) => PROVIDER_CALLS[name][step]);

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sources(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

/** A source file's text without its comment lines (`//`, and the lines of `/** ... *\/` blocks). */
function code(file: string): string {
    return fs.readFileSync(file, "utf8").replace(/^\s*(\/\/|\/\*|\*).*$/gm, "");
}

/** The Pulumi type token of an entry: the SDK class's, the SDK function's invoke token, or @pulumi/command's. */
function tokenOf(name: ProviderName): string {
    if (name.includes(".")) {
        const [module, cls] = name.split(".");
        return (command as any)[module][cls].__pulumiType;
    }
    if (name.startsWith("get")) {
        const text = fs.readFileSync(path.join(ROOT, "sdks", "tencentcloud", `${name}.ts`), "utf8");
        return /pulumi\.runtime\.invoke\("([^"]+)"/.exec(text)![1];
    }
    return (tencentcloud as any)[name].__pulumiType;
}

/** The imports of Pulumi packages components/ may use: the forms the scan below reads. */
const SCANNED_IMPORTS: Record<string, string[]> = {
    "@pulumi/pulumi": ["* as pulumi"],
    "@pulumi/tencentcloud": ["* as tencentcloud"],
    "@pulumi/command": ["{ local, remote }"],
};

describe("the table names exactly what components/ uses", () => {
    test("every resource and data source in components/' source has an entry, and every entry is used there", () => {
        const used = new Set<string>();
        for (const file of sources(path.join(ROOT, "components"))) {
            const text = code(file);
            const where = path.relative(ROOT, file);
            for (const [, spec, from] of text.matchAll(/import\s+([^;]+?)\s+from\s+"(@pulumi\/[^"]+)"/g)) {
                const imported = spec.replace(/\s+/g, " ");
                const scanned = SCANNED_IMPORTS[from]?.includes(imported);
                assert.ok(scanned, `${where} imports ${imported} from ${from}: not scanned for cloud calls`);
            }
            for (const [, from] of text.matchAll(/require\("(@pulumi\/[^"/]+)/g)) {
                assert.equal(from, "@pulumi/pulumi", `${where} requires ${from}: not scanned for cloud calls`);
            }
            assert.doesNotMatch(text, /\btencentcloud\.[A-Z]\w*\.get\(/, `${where}: a static get reads a resource`);
            for (const [, name] of text.matchAll(/\bnew\s+tencentcloud\.(\w+)\s*\(/g)) {
                used.add(name);
            }
            for (const [, name] of text.matchAll(/\btencentcloud\.(get\w+?)(?:Output)?\s*\(/g)) {
                used.add(name);
            }
            for (const [, module, cls] of text.matchAll(/\bnew\s+(local|remote)\.(\w+)\s*\(/g)) {
                used.add(`${module}.${cls}`);
            }
        }
        assert.ok(used.has("Instance") && used.has("getImages"), "the scan finds the server's own resources");
        assert.deepEqual([...used].sort(), [...NAMES].sort());
    });

    test("the SDK subset in sdks/tencentcloud holds no resource or function without an entry", () => {
        const modules = fs
            .readdirSync(path.join(ROOT, "sdks", "tencentcloud"))
            .filter((f) => f.endsWith(".ts") && !["index.ts", "utilities.ts", "provider.ts"].includes(f))
            .map((f) => f.slice(0, -3))
            .map((m) => (m.startsWith("get") ? m : m[0].toUpperCase() + m.slice(1)));
        assert.deepEqual(modules.sort(), NAMES.filter((n) => !n.includes(".")).sort());
    });

    test("each entry's Terraform name is its SDK token's; data sources only read; resources create and read", () => {
        for (const name of NAMES) {
            const entry: { terraform?: string } & Record<(typeof STEPS)[number], ProviderCall[]> = PROVIDER_CALLS[name];
            const token = tokenOf(name);
            if (name.includes(".")) {
                assert.match(token, /^command:(local|remote):/, name);
                assert.equal(entry.terraform, undefined, name);
                assert.deepEqual(callsOf(name), [], `${name} (@pulumi/command) calls no cloud API`);
                continue;
            }
            const snake = entry.terraform!.replace(/^tencentcloud_/, "");
            const camel = snake.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
            const module = token.split(":")[1].replace(/^index\//, "");
            if (name.startsWith("get")) {
                assert.equal(module, `get${camel[0].toUpperCase()}${camel.slice(1)}`, name);
                assert.ok(entry.read.length > 0, name);
                assert.deepEqual([...entry.create, ...entry.update, ...entry.delete], [], name);
            } else {
                assert.equal(module, camel, name);
                assert.ok(entry.create.length > 0 && entry.read.length > 0, name);
                // A resource whose Delete never runs says why (the attachments: retainOnDelete).
                const neverDeleted = LEFT_OUT.some((l) => l.of === name && l.why.includes("Delete never runs"));
                assert.ok(entry.delete.length > 0 || neverDeleted, name);
            }
            for (const call of callsOf(name)) {
                const file = /^(cvm|tat|tag|vpc|cbs)\/(resource_tc|data_source_tc|service_tencentcloud)_\w+\.go$/;
                assert.match(call.file, file, `${name}: ${call.file}`);
                assert.match(call.fn, /^[A-Za-z]+$/, `${name}: ${call.fn}`);
            }
        }
    });
});

/** A deployment that uses some features: what it is, its program and the features it needs. */
interface Scenario {
    name: string;
    features: CamFeature[];
    program(lib: Library, cloud: MockCloud): Promise<unknown>;
}

const SERVER = {
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-1",
    subnetId: "subnet-1",
    password: "Test(Passw0rd)x",
    windowsVersion: "2022",
};

/** One ActivatedWindowsServer with `args`, waited for. */
function server(args: Record<string, unknown>) {
    return async (lib: Library) => {
        const s = new lib.ActivatedWindowsServer("srv", { ...SERVER, ...args } as never);
        return Promise.all([valueOf(s.activationStatus), valueOf(s.imageName)]);
    };
}

/** WindowsActivation over two existing servers with `args`, waited for. */
function fleet(args: Record<string, unknown>) {
    return async (lib: Library, cloud: MockCloud) => {
        const f = new lib.WindowsActivation("fleet", { instanceIds: cloud.addExistingInstances(2), ...args });
        return valueOf(f.summary);
    };
}

const SCENARIOS: Scenario[] = [
    { name: "user data", features: ["server"], program: server({}) },
    {
        name: "an explicit image, replaced on image and script changes",
        features: ["server"],
        program: server({
            imageId: "img-2019en01",
            replaceOnImageChange: true,
            activation: { replaceOnScriptChange: true },
        }),
    },
    { name: "TAT delivery", features: ["server", "tatDelivery"], program: server({ activation: { delivery: "tat" } }) },
    {
        name: "user data with verifyWithTat",
        features: ["server", "tatDelivery"],
        program: server({ activation: { verifyWithTat: true } }),
    },
    {
        name: "user data, keep activated",
        features: ["server", "keepActivated"],
        program: server({ activation: { keepActivated: true } }),
    },
    {
        name: "TAT delivery, keep activated",
        features: ["server", "tatDelivery", "keepActivated"],
        program: server({ activation: { delivery: "tat", keepActivated: true } }),
    },
    {
        name: "SSH delivery",
        features: ["server", "sshDelivery"],
        program: server({ activation: { delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8"] } }),
    },
    { name: "WindowsActivation, activate", features: ["windowsActivation"], program: fleet({}) },
    { name: "WindowsActivation, audit only", features: ["windowsActivation"], program: fleet({ mode: "audit" }) },
    {
        name: "WindowsActivation, keep activated",
        features: ["windowsActivation", "keepActivated"],
        program: fleet({ activation: { keepActivated: true } }),
    },
];

/** What each scenario registered (provider resources only) and which entries it used, by scenario name. */
const runs = new Map<string, { resources: RecordedResource[]; used: string[] }>();

before(async () => {
    const byToken = new Map(NAMES.map((n) => [tokenOf(n), n]));
    for (const s of SCENARIOS) {
        const cloud = new MockCloud();
        await deploy(cloud, (lib) => s.program(lib, cloud));
        const resources = cloud.resources.filter((r) => !r.type.startsWith("tencentcloud-windows:"));
        const tokens = [...resources.map((r) => r.type), ...cloud.calls.map((c) => c.token)];
        const unknown = tokens.filter((t) => !byToken.has(t));
        assert.deepEqual(unknown, [], `${s.name}: registered or invoked without an entry`);
        runs.set(s.name, { resources, used: [...new Set(tokens.map((t) => byToken.get(t)!))].sort() });
    }
});

/** Every registration of `name` in every scenario. */
const registered = (name: ProviderName) =>
    [...runs.values()].flatMap((r) => r.resources.filter((x) => x.type === tokenOf(name)));

describe("each feature's entries are what its deployments register and invoke (mock cloud)", () => {
    for (const s of SCENARIOS) {
        test(`${s.name}: ${s.features.join(" + ")}`, () => {
            const expected = [...new Set(s.features.flatMap((f) => FEATURE_USES[f]))].sort();
            assert.deepEqual(runs.get(s.name)!.used, expected);
        });
    }

    test("every feature is exercised", () => {
        for (const feature of CAM_FEATURES) {
            assert.ok(
                SCENARIOS.some((s) => s.features.includes(feature)),
                feature,
            );
        }
    });

    test("an audit needs exactly what an activation needs: it creates a TAT command and invokes it too", () => {
        const audit = runs.get("WindowsActivation, audit only")!;
        assert.deepEqual(audit.used, runs.get("WindowsActivation, activate")!.used);
    });
});

describe("the calls left out are never reached", () => {
    test("no left-out action is in any policy", () => {
        const granted = camActions(CAM_FEATURES);
        for (const left of LEFT_OUT) {
            assert.ok(!granted.includes(left.action), left.action);
            assert.ok(NAMES.includes(left.of), left.of);
        }
    });

    test("TAT attachments are retainOnDelete: their Delete (CancelInvocation) never runs", () => {
        const attachments = registered("TatInvocationInvokeAttachment");
        assert.ok(attachments.length >= 4);
        assert.ok(
            attachments.every((a) => a.options.retainOnDelete),
            "every attachment is only forgotten",
        );
    });

    test("the SSH group has a name (its resource name) and a description only; its rule set ingress rules only", () => {
        const groups = registered("SecurityGroup");
        assert.equal(groups.length, 1);
        assert.deepEqual(Object.keys(groups[0].inputs).sort(), ["description", "name"], "no tags, no project");
        assert.equal(groups[0].inputs.name, groups[0].name, "a new name, a new group: no ModifySecurityGroupAttribute");
        const rules = registered("SecurityGroupRuleSet");
        assert.ok(rules.length === 1 && rules[0].inputs.ingresses.length > 0);
        assert.equal(rules[0].inputs.egresses, undefined, "no egress rules (no DeleteSecurityGroupPolicies)");
    });

    test("TAT commands carry no tags (their update would call tag:ModifyResourceTags)", () => {
        const commands = registered("TatCommand");
        assert.ok(commands.length >= 4);
        assert.ok(commands.every((c) => c.inputs.tags === undefined));
    });
});

describe("instance updates: every argument the component sets, against the day-two table", () => {
    test("every owned argument has an update entry", () => {
        assert.deepEqual(Object.keys(OWNED_ARGUMENT_UPDATES).sort(), [...OWNED_INSTANCE_ARGS].sort());
    });

    for (const arg of OWNED_INSTANCE_ARGS) {
        const update = OWNED_ARGUMENT_UPDATES[arg];
        const effect = INSTANCE_ARGUMENTS[arg];
        test(`${arg}: ${typeof update === "string" ? update : update.action}`, () => {
            if (typeof update !== "string") {
                const api = update.action.split(":")[1];
                assert.ok(["update", "restart"].includes(effect.effect), `${arg} changes in place (${effect.effect})`);
                assert.ok(effect.how.startsWith(api), `the day-two table names ${api} for ${arg}: ${effect.how}`);
                const calls = PROVIDER_CALLS.Instance.update;
                const listed = calls.find((c) => c.fn === update.fn && c.action === update.action);
                assert.ok(listed?.when?.includes(`\`${arg}\``), `the Instance's update calls name ${arg}`);
                return;
            }
            if (update === "replace") {
                assert.equal(effect.effect, "replace");
                return;
            }
            if (update === "recorded") {
                assert.match(effect.how, /^no API call of its own/);
                return;
            }
            const list = registered("Instance");
            assert.equal(list.length, SCENARIOS.filter((s) => s.features.includes("server")).length, "one per server");
            for (const r of list) {
                if (update === "unset") {
                    assert.equal(r.inputs[arg], undefined, `${r.name} sets ${arg}`);
                } else if (update === "constant") {
                    assert.notEqual(list[0].inputs[arg], undefined, `${arg} is set`);
                    assert.equal(r.inputs[arg], list[0].inputs[arg], `${r.name}: ${arg}`);
                } else {
                    const forceNew = arg === "userDataRaw" && r.inputs.userDataReplaceOnChange === true;
                    const replaced = r.options.replaceOnChanges.includes(arg) || forceNew;
                    const ignored = r.options.ignoreChanges.includes(arg);
                    assert.ok(ignored !== replaced, `${r.name}: ${arg} is ignored or replaces the server`);
                }
            }
        });
    }

    test("both ways of an ignored argument were exercised (ignored, and replacing the server)", () => {
        for (const arg of ["imageId", "userDataRaw"]) {
            assert.ok(
                registered("Instance").some((r) => r.options.ignoreChanges.includes(arg)),
                arg,
            );
            assert.ok(
                registered("Instance").some((r) => !r.options.ignoreChanges.includes(arg)),
                arg,
            );
        }
    });
});

describe("docs/permissions.md", () => {
    const lines = fs.readFileSync(path.join(ROOT, "docs", "permissions.md"), "utf8").split("\n");

    test("every JSON block is what camPolicy renders for the features its marker names; each feature has one", () => {
        const alone = new Set<string>();
        let blocks = 0;
        for (let i = 0; i < lines.length; i++) {
            if (lines[i] !== "```json") {
                continue;
            }
            blocks++;
            const marker = /^<!-- camPolicy\((\[.*\])\) -->$/.exec(lines[i - 1]);
            assert.ok(marker, `the line before the JSON block at line ${i + 1} names its features: ${lines[i - 1]}`);
            const features: CamFeature[] = JSON.parse(marker[1]);
            const end = lines.indexOf("```", i + 1);
            const block = lines.slice(i + 1, end).join("\n");
            assert.equal(block, camPolicy(features), `the block at line ${i + 1} (${features})`);
            if (features.length === 1) {
                alone.add(features[0]);
            }
        }
        assert.ok(blocks > CAM_FEATURES.length, "one block per feature, and combinations");
        assert.deepEqual([...alone].sort(), [...CAM_FEATURES].sort());
    });

    test("the source table lists every call of every entry, with its file and function", () => {
        const repo = "https://github.com/tencentcloudstack/terraform-provider-tencentcloud";
        const link = (file: string) => `[${file}](${repo}/blob/v1.83.25/tencentcloud/services/${file})`;
        const expected = NAMES.flatMap((name) =>
            STEPS.flatMap((step) =>
                PROVIDER_CALLS[name][step].map((c: ProviderCall) => {
                    const calledIn = `${link(c.file)} \`${c.fn}\``;
                    return `| \`${name}\` ${step} | \`${c.action}\` | ${calledIn} | ${c.when ?? ""} |`;
                }),
            ),
        );
        const header = lines.indexOf("| provider resource or data source | action | called in | when |");
        assert.ok(header > 0, "the source table");
        assert.deepEqual(lines.slice(header + 2, lines.indexOf("", header)), expected);
    });

    test("every feature's resources and data sources, and every left-out call, are named", () => {
        for (const feature of CAM_FEATURES) {
            const row = lines.find((l) => l.startsWith(`| \`${feature}\` |`));
            assert.ok(row, feature);
            for (const name of FEATURE_USES[feature]) {
                assert.ok(row.includes(`\`${name}\``), `${feature}: ${name}`);
            }
        }
        for (const left of LEFT_OUT) {
            assert.ok(
                lines.some((l) => l.includes(`\`${left.action}\``) && l.includes(left.fn)),
                left.action,
            );
        }
    });
});

test("camPolicy: version 2.0, one allow statement on every resource; an unknown feature is refused", () => {
    const policy = JSON.parse(camPolicy(["server"]));
    assert.equal(policy.version, "2.0");
    assert.equal(policy.statement.length, 1);
    assert.deepEqual(Object.keys(policy.statement[0]).sort(), ["action", "effect", "resource"]);
    assert.equal(policy.statement[0].effect, "allow");
    assert.deepEqual(policy.statement[0].resource, ["*"]);
    assert.ok(policy.statement[0].action.includes("cvm:RunInstances"));
    assert.ok(!policy.statement[0].action.includes("tat:InvokeCommand"), "user data delivery invokes nothing");
    const all = camActions(CAM_FEATURES);
    assert.deepEqual(all, [...new Set(all)].sort(), "sorted, each once");
    assert.throws(() => camPolicy(["tat" as CamFeature]), /unknown feature 'tat'/);
});
