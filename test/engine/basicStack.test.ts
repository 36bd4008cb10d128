/**
 * The example stack (stacks/basic) through the real Pulumi engine: the CLI and the Node.js language
 * host built from pulumi/pulumi v3.248.0 by `npm run setup` (test/setup-engine.sh, into .engine/bin),
 * a local file backend, and the `tencentcloud` package resolved by the engine to the plugin
 * `terraform-provider` (parameterized by the SDK's package reference): here the stand-in built from
 * test/engine/pulumi-resource-terraform-provider, found on PATH, whose cloud model and call log live in
 * a directory of this test (BEHAVIOUR.md beside the plugin names the source of each behaviour).
 *
 * What is asserted are the engine's own decisions: what preview plans and that it changes nothing,
 * that a second `up` changes nothing, that a newer image changes nothing (the component's
 * ignoreChanges, applied by the engine), what `refresh` does with a TAT record the cloud no longer keeps,
 * that a ForceNew change (the zone) replaces,
 * the order of `up --replace` (the replacement created before the old server is deleted; with a fixed
 * private IP, after it), and what `destroy` leaves (the invoke attachment's retainOnDelete).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { LICENSED_LINE, SAMPLE_IMAGES } from "../support/mockCloud";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, ".engine", "bin");
const PROJECT = "tencentcloud-windows";
const STACK = "engine";
const PASSWORD = "Engine(Test)Passw0rd";

const INSTANCE = "tencentcloud:index/instance:Instance";
const COMMAND = "tencentcloud:index/tatCommand:TatCommand";
const ATTACHMENT = "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment";

interface Call {
    seq: number;
    pid: number;
    method: string;
    type?: string;
    urn?: string;
    id?: string;
    preview?: boolean;
    detail?: string;
}

interface CloudFile {
    instances: Record<string, { id: string; status: string }>;
    commands: Record<string, { id: string }>;
    invocations: Record<
        string,
        { invocationId: string; instanceId: string; status: string; polls: number; expired?: boolean }
    >;
}

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    retainOnDelete?: boolean;
}

const run = promisify(execFile);
let work = "";
let project = "";
let modelDir = "";
let env: NodeJS.ProcessEnv = {};

/** Runs the real CLI; a non-zero exit fails the test with the CLI's own output. */
async function pulumi(...args: string[]): Promise<string> {
    try {
        const { stdout } = await run(path.join(BIN, "pulumi"), [...args, "--non-interactive"], {
            cwd: project,
            env,
            maxBuffer: 64 * 1024 * 1024,
            timeout: 10 * 60 * 1000,
        });
        return stdout;
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(
            `pulumi ${args.join(" ")} failed: ${err.message}\n--- stdout\n${err.stdout}\n--- stderr\n${err.stderr}`,
        );
    }
}

function calls(): Call[] {
    const file = path.join(modelDir, "calls.jsonl");
    return fs.existsSync(file)
        ? fs
              .readFileSync(file, "utf8")
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l) as Call)
        : [];
}

function cloud(): CloudFile {
    const file = path.join(modelDir, "cloud.json");
    return fs.existsSync(file)
        ? (JSON.parse(fs.readFileSync(file, "utf8")) as CloudFile)
        : { instances: {}, commands: {}, invocations: {} };
}

/** The calls after `mark` that changed the cloud (not previews, not reads). */
function changesSince(mark: number): Call[] {
    return calls().filter((c) => c.seq > mark && !c.preview && ["Create", "Update", "Delete"].includes(c.method));
}

function lastSeq(): number {
    return calls().reduce((m, c) => Math.max(m, c.seq), 0);
}

async function stateResources(): Promise<StateResource[]> {
    const exported = JSON.parse(await pulumi("stack", "export")) as { deployment: { resources?: StateResource[] } };
    return exported.deployment.resources ?? [];
}

async function lastUpdate(): Promise<{ kind: string; result: string; resourceChanges?: Record<string, number> }> {
    const history = JSON.parse(await pulumi("stack", "history", "--json")) as {
        kind: string;
        result: string;
        resourceChanges?: Record<string, number>;
    }[];
    return history[0];
}

async function outputs(): Promise<Record<string, unknown>> {
    return JSON.parse(await pulumi("stack", "output", "--json", "--show-secrets")) as Record<string, unknown>;
}

/** What `pulumi preview` plans to change: each step's operation and resource type. */
async function plannedChanges(): Promise<string[][]> {
    const plan = JSON.parse(await pulumi("preview", "--json")) as { steps: { op: string; urn: string }[] };
    return plan.steps.filter((x) => x.op !== "same").map((x) => [x.op, x.urn.split("::")[2].split("$").pop()!]);
}

/** `pulumi up`, which must invoke the script exactly once (a new attachment) and report Licensed. */
async function upInvokingOnce(): Promise<void> {
    const mark = lastSeq();
    await pulumi("up", "--yes", "--skip-preview");
    assert.deepEqual(
        changesSince(mark).map((x) => [x.method, x.type, x.detail]),
        [["Create", ATTACHMENT, "InvokeCommand"]],
    );
    assert.equal((await outputs()).activationStatus, "Licensed");
}

/** The instance's Create and Delete among the changes since `mark` (failing the test unless both happened). */
function instanceChangesSince(mark: number): { changes: Call[]; created: Call; deleted: Call } {
    const changes = changesSince(mark);
    const created = changes.find((x) => x.method === "Create" && x.type === INSTANCE);
    const deleted = changes.find((x) => x.method === "Delete" && x.type === INSTANCE);
    assert.ok(created && deleted, JSON.stringify(changes));
    return { changes, created, deleted };
}

/** Runs `up --replace` of the stack's instance; returns its Create and Delete. */
async function replaceInstance(): Promise<{ changes: Call[]; created: Call; deleted: Call }> {
    const instanceUrn = (await stateResources()).find((r) => r.type === INSTANCE)!.urn;
    const mark = lastSeq();
    await pulumi("up", "--yes", "--skip-preview", "--replace", instanceUrn);
    return instanceChangesSince(mark);
}

/** Makes stack `name` the current one, with the example's config (and `extra` keys). */
async function initStack(name: string, extra: [string, string][] = []): Promise<void> {
    await pulumi("stack", "init", name);
    const config: [string, string][] = [
        ["availabilityZone", "ap-guangzhou-3"],
        ["vpcId", "vpc-engine01"],
        ["subnetId", "subnet-engine01"],
        ["securityGroupIds", '["sg-engine01"]'],
        ["windowsVersion", "2022"],
        ["hostname", "win-engine"],
        ["delivery", "tat"],
        ...extra,
    ];
    for (const [key, value] of config) {
        await pulumi("config", "set", key, value);
    }
    await pulumi("config", "set", "--secret", "password", PASSWORD);
}

describe("the example stack under the real engine (pulumi v3.248.0, local backend)", { concurrency: false }, () => {
    before(async () => {
        for (const binary of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-terraform-provider"]) {
            assert.ok(
                fs.existsSync(path.join(BIN, binary)),
                `${path.join(BIN, binary)} is missing: \`npm run setup\` builds the engine (test/setup-engine.sh); this test does not skip without it`,
            );
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "tcw-engine-"));
        modelDir = path.join(work, "cloud");
        fs.mkdirSync(modelDir);
        fs.mkdirSync(path.join(work, "backend"));
        // The provider's data source sorts by CreatedTime parsed as RFC 3339, the form the API answers.
        const images = SAMPLE_IMAGES.map((i) => ({ ...i, createdTime: `${i.createdTime.replace(" ", "T")}+08:00` }));
        fs.writeFileSync(
            path.join(modelDir, "settings.json"),
            JSON.stringify({
                images,
                taskOutput: `activation log...\r\n${LICENSED_LINE}\r\n`,
                invocationPolls: 2,
                pollIntervalMs: 200,
                agentOfflinePolls: 0,
            }),
        );
        // The project sits inside the repository so that Node resolves @pulumi/pulumi, the SDK and the
        // library from its node_modules, as in a user's project; its program is the example itself.
        fs.mkdirSync(path.join(ROOT, ".engine", "projects"), { recursive: true });
        project = fs.mkdtempSync(path.join(ROOT, ".engine", "projects", "basic-"));
        fs.writeFileSync(
            path.join(project, "Pulumi.yaml"),
            `name: ${PROJECT}\nruntime: nodejs\nmain: index.ts\ndescription: stacks/basic under the real engine\n`,
        );
        // The example imports the library by its package name, as a user's project does; here it is the
        // repository's own sources (the built bin/ may be older than them).
        const example = fs.readFileSync(path.join(ROOT, "stacks", "basic", "index.ts"), "utf8");
        assert.ok(
            example.includes('from "tencentcloud-windows"'),
            "the example imports the library by its package name",
        );
        fs.writeFileSync(
            path.join(project, "index.ts"),
            example.split('from "tencentcloud-windows"').join('from "../../../index"'),
        );
        env = {
            PATH: `${BIN}${path.delimiter}${process.env.PATH}`,
            HOME: process.env.HOME,
            PULUMI_HOME: path.join(work, "home"),
            PULUMI_CONFIG_PASSPHRASE: "engine-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            // The language host reports @pulumi/command's plugin as required too; the engine must not try
            // to download it (or anything) from outside the registries this machine reaches. The test
            // also passes without this setting.
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            TENCENTCLOUD_MODEL_DIR: modelDir,
        };
        await pulumi("login", `file://${path.join(work, "backend")}`);
        await initStack(STACK);
    });

    after(() => {
        if (project !== "") {
            fs.rmSync(project, { recursive: true, force: true });
        }
        if (work !== "" && process.env.KEEP_ENGINE_WORK === undefined) {
            fs.rmSync(work, { recursive: true, force: true });
        }
    });

    test("preview plans a create of every resource and changes nothing in the cloud", async () => {
        const preview = JSON.parse(await pulumi("preview", "--json")) as {
            steps: { op: string; urn: string }[];
            changeSummary: Record<string, number>;
        };
        const types = preview.steps.map((s) => s.urn.split("::")[2]);
        assert.ok(
            preview.steps.every((s) => s.op === "create"),
            JSON.stringify(preview.steps.map((s) => s.op)),
        );
        for (const type of [INSTANCE, COMMAND, ATTACHMENT]) {
            assert.ok(
                types.some((t) => t.endsWith(type)),
                `${type} in the plan: ${types.join(", ")}`,
            );
        }
        assert.deepEqual(changesSince(0), []);
        assert.deepEqual(Object.keys(cloud().instances), []);
    });

    let firstInstance = "";
    test("up creates the server, invokes the script, waits for SUCCESS and reports Licensed", async () => {
        const mark = lastSeq();
        await pulumi("up", "--yes", "--skip-preview");
        const out = await outputs();
        assert.equal(out.activationStatus, "Licensed");
        firstInstance = String(out.instanceId);
        assert.match(firstInstance, /^ins-\d{8}$/);
        assert.equal(out.imageId, "img-2022zh02", "the newest 2022 Chinese public image");
        const c = cloud();
        assert.deepEqual(Object.keys(c.instances), [firstInstance]);
        assert.equal(Object.keys(c.commands).length, 1);
        const invocations = Object.values(c.invocations);
        assert.equal(invocations.length, 1);
        assert.equal(invocations[0].status, "SUCCESS");
        assert.equal(invocations[0].instanceId, firstInstance);
        // The attachment's create returned only after DescribeInvocations said SUCCESS, and the task's
        // output was read after that.
        const log = calls().filter((x) => x.seq > mark);
        const polls = log.filter((x) => x.method === "Poll").map((x) => x.detail);
        assert.deepEqual(polls, [
            "DescribeInvocations RUNNING",
            "DescribeInvocations RUNNING",
            "DescribeInvocations SUCCESS",
        ]);
        // Before the invocation, one look for a run TAT keeps of the command there (none); the task's
        // output read after SUCCESS.
        const success = log.find((x) => x.detail === "DescribeInvocations SUCCESS")!.seq;
        const invoked = log.find((x) => x.method === "Create" && x.type === ATTACHMENT)!.seq;
        const taskReads = log.filter(
            (x) => x.method === "Invoke" && x.type === "tencentcloud:index/getTatInvocationTask:getTatInvocationTask",
        );
        const byCommand = taskReads.filter((x) => x.detail?.includes('"command-id"'));
        const byInvocation = taskReads.filter((x) => x.detail?.includes('"invocation-id"'));
        assert.equal(byCommand.length, 1);
        assert.ok(byCommand[0].seq < invoked, "the kept-run lookup before InvokeCommand");
        assert.equal(byInvocation.length, 1);
        assert.ok(byInvocation[0].seq > success, "the output read after SUCCESS");
        const update = await lastUpdate();
        assert.equal(update.result, "succeeded");
        // The provider's create timeout travels as the resource's Terraform timeouts block (an input):
        // the dynamic bridge ignores customTimeouts.
        const exported = JSON.parse(await pulumi("stack", "export")) as {
            deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] };
        };
        const attachment = exported.deployment.resources.find((r) => r.type === ATTACHMENT)!;
        assert.match(String((attachment.inputs?.timeouts as { create?: string })?.create), /^\d+m$/);
        // The password stays a secret in the state the engine wrote.
        assert.ok(
            !(await pulumi("stack", "export")).includes(PASSWORD),
            "the password is not in the exported state in clear",
        );
    });

    test("a second up changes nothing (the engine's --expect-no-changes)", async () => {
        const mark = lastSeq();
        await pulumi("up", "--yes", "--skip-preview", "--expect-no-changes");
        const update = await lastUpdate();
        assert.deepEqual(Object.keys(update.resourceChanges ?? {}), ["same"]);
        assert.deepEqual(changesSince(mark), []);
    });

    test("a newer public image changes nothing: the engine applies the component's ignoreChanges on imageId", async () => {
        const file = path.join(modelDir, "settings.json");
        const settings = JSON.parse(fs.readFileSync(file, "utf8")) as { images: Record<string, string>[] };
        const newest = {
            ...settings.images.find((i) => i.imageId === "img-2022zh02")!,
            imageId: "img-2022zh03",
            createdTime: "2026-01-01T10:00:00+08:00",
        };
        settings.images.push(newest);
        fs.writeFileSync(file, JSON.stringify(settings));
        const mark = lastSeq();
        await pulumi("up", "--yes", "--skip-preview", "--expect-no-changes");
        assert.deepEqual(changesSince(mark), []);
        const diffs = calls().filter((x) => x.seq > mark && x.method === "Diff" && x.type === INSTANCE);
        assert.equal(diffs.length, 1);
        assert.equal(
            diffs[0].detail,
            "changed=[] replaces=[]",
            "the provider saw the old imageId: the engine put it back before Diff",
        );
        const lookups = calls().filter(
            (x) => x.seq > mark && x.method === "Invoke" && x.type === "tencentcloud:index/getImages:getImages",
        );
        // The program looks the newest image up again, and then, the server running another one, that
        // image by its ID (for imageName): two different queries, each asked once.
        assert.deepEqual(
            lookups.map((x) => JSON.parse(x.detail!)),
            [{ imageNameRegex: "^Windows Server 2022 ", imageTypes: ["PUBLIC_IMAGE"] }, { imageId: "img-2022zh02" }],
        );
        assert.equal(
            (await outputs()).imageId,
            "img-2022zh02",
            "imageId reports the image the server runs (the instance's state), not the newer one",
        );
    });

    test("refresh with nothing changed changes nothing; with TAT's record gone it forgets the attachment", async () => {
        await pulumi("refresh", "--yes", "--skip-preview", "--expect-no-changes");
        const before = await stateResources();
        assert.ok(before.some((r) => r.type === ATTACHMENT));

        // TAT no longer keeps the invocation (records expire): the provider's Read calls d.SetId("").
        const file = path.join(modelDir, "cloud.json");
        const c = cloud();
        for (const inv of Object.values(c.invocations)) {
            inv.expired = true;
        }
        fs.writeFileSync(file, JSON.stringify(c));
        const mark = lastSeq();
        await pulumi("refresh", "--yes", "--skip-preview");
        const after = await stateResources();
        assert.ok(!after.some((r) => r.type === ATTACHMENT), "the attachment is gone from the state");
        assert.equal(after.length, before.length - 1);
        assert.ok(
            calls().some(
                (x) =>
                    x.seq > mark && x.method === "Read" && x.type === ATTACHMENT && x.detail?.startsWith("not found"),
            ),
        );
        assert.deepEqual(changesSince(mark), [], "refresh calls no Create, Update or Delete");
        assert.ok(
            !(await pulumi("stack", "export")).includes(PASSWORD),
            "the refreshed state keeps the password secret",
        );

        // The engine's decision for the next update: the attachment is a new resource, so the
        // script is invoked on the server again (a new invocation), and the result is Licensed again.
        assert.deepEqual(await plannedChanges(), [["create", ATTACHMENT]]);
        await upInvokingOnce();
    });

    test("up --replace of the server creates the replacement before it deletes the old one", async () => {
        const { changes, created, deleted } = await replaceInstance();
        assert.equal(deleted.id, firstInstance);
        assert.notEqual(created.id, firstInstance);
        assert.ok(
            created.seq < deleted.seq,
            "create-before-delete: the new server exists before the old one is terminated",
        );
        // The attachment names the instance (ForceNew): a new invocation on the new server, created
        // after it; the old attachment is only forgotten (retainOnDelete: no CancelInvocation).
        const invoked = changes.filter((x) => x.type === ATTACHMENT && x.method === "Create");
        assert.equal(invoked.length, 1);
        assert.ok(invoked[0].id!.endsWith(`#${created.id}`));
        assert.ok(invoked[0].seq > created.seq);
        assert.ok(
            !changes.some((x) => x.type === ATTACHMENT && x.method === "Delete"),
            "no Delete of an attachment (retainOnDelete)",
        );
        assert.ok(!changes.some((x) => x.type === COMMAND), "the TAT command is unchanged");
        assert.deepEqual(Object.keys(cloud().instances), [created.id]);
        const out = await outputs();
        assert.equal(out.instanceId, created.id);
        assert.ok(
            !(await pulumi("stack", "export")).includes(PASSWORD),
            "the replacement's password is secret in the state",
        );
        assert.equal(out.activationStatus, "Licensed");
    });

    test("a changed availabilityZone (ForceNew) replaces the server, the new one created first", async () => {
        const before = String((await outputs()).instanceId);
        await pulumi("config", "set", "availabilityZone", "ap-guangzhou-4");
        const mark = lastSeq();
        await pulumi("up", "--yes", "--skip-preview");
        const diff = calls().find((x) => x.seq > mark && x.method === "Diff" && x.type === INSTANCE);
        assert.equal(diff?.detail, "changed=[availabilityZone] replaces=[availabilityZone]");
        const { created, deleted } = instanceChangesSince(mark);
        assert.equal(deleted.id, before);
        assert.ok(created.seq < deleted.seq, "create-before-delete for a ForceNew replacement");
        assert.equal((await outputs()).activationStatus, "Licensed");
    });

    test("an attachment the stack forgot while TAT keeps its run: preview and up import it (a Read), nothing is invoked", async () => {
        const attachment = (await stateResources()).find((r) => r.type === ATTACHMENT)!;
        await pulumi("state", "delete", attachment.urn, "--yes");
        const mark = lastSeq();
        assert.deepEqual(await plannedChanges(), [["import", ATTACHMENT]]);
        await pulumi("up", "--yes", "--skip-preview");
        assert.deepEqual(changesSince(mark), [], "no InvokeCommand: the engine's ImportStep only reads");
        assert.ok(calls().some((x) => x.seq > mark && !x.preview && x.method === "Read" && x.type === ATTACHMENT));
        const again = (await stateResources()).find((r) => r.type === ATTACHMENT)!;
        assert.equal(again.id, attachment.id, "the same invocation, taken up again");
        assert.equal((await outputs()).activationStatus, "Licensed");
        await pulumi("up", "--yes", "--skip-preview", "--expect-no-changes");
    });

    test("a stopped server with no attachment: preview and up register nothing on it and say NotRunning; started, the next up invokes", async () => {
        const attachment = (await stateResources()).find((r) => r.type === ATTACHMENT)!;
        await pulumi("state", "delete", attachment.urn, "--yes");
        const file = path.join(modelDir, "cloud.json");
        const c = cloud();
        const instanceId = String((await outputs()).instanceId);
        // TAT no longer keeps its run either (so nothing can be taken up again), and the owner stopped it.
        for (const inv of Object.values(c.invocations)) {
            inv.expired = true;
        }
        c.instances[instanceId].status = "STOPPED";
        fs.writeFileSync(file, JSON.stringify(c));
        const mark = lastSeq();
        assert.deepEqual(await plannedChanges(), [], "the preview registers nothing on it either");
        await pulumi("up", "--yes", "--skip-preview");
        assert.deepEqual(changesSince(mark), [], "InvokeCommand would refuse a stopped instance: nothing is invoked");
        assert.equal((await outputs()).activationStatus, "NotRunning");
        assert.ok(!(await stateResources()).some((r) => r.type === ATTACHMENT));

        const started = cloud();
        started.instances[instanceId].status = "RUNNING";
        fs.writeFileSync(file, JSON.stringify(started));
        await upInvokingOnce();
    });

    test("destroy deletes the server and the command; the retained attachment is only forgotten", async () => {
        const mark = lastSeq();
        await pulumi("destroy", "--yes", "--skip-preview");
        const changes = changesSince(mark);
        assert.deepEqual(
            changes.map((x) => [x.method, x.type]).sort(),
            [
                ["Delete", INSTANCE],
                ["Delete", COMMAND],
            ].sort(),
        );
        const c = cloud();
        assert.deepEqual(Object.keys(c.instances), []);
        assert.deepEqual(Object.keys(c.commands), []);
        assert.ok(
            Object.values(c.invocations).every((i) => i.status === "SUCCESS"),
            "no invocation cancelled",
        );
        assert.deepEqual(await stateResources(), []);
    });
    test("a server with a fixed private IP: up --replace deletes the old server first, and the new one gets the IP", async () => {
        // A stack of its own: the server is created with the IP (the cloud refuses an IP another server holds).
        await initStack(`${STACK}-ip`, [["privateIp", "10.0.1.10"]]);
        await pulumi("up", "--yes", "--skip-preview");
        const first = await outputs();
        assert.equal(first.privateIp, "10.0.1.10");
        const { created, deleted } = await replaceInstance();
        assert.equal(deleted.id, first.instanceId);
        assert.ok(
            deleted.seq < created.seq,
            "delete-before-replace: the old server releases the IP before the new one is created",
        );
        const out = await outputs();
        assert.equal(out.instanceId, created.id);
        assert.equal(out.privateIp, "10.0.1.10");
        assert.equal(out.activationStatus, "Licensed");
        await pulumi("destroy", "--yes", "--skip-preview");
        await pulumi("stack", "rm", "--yes");
    });
});
