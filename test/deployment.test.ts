/**
 * Many callers, one deployment: state belongs to the deployment (components/deployment.ts), and the
 * names of account-wide resources to the stack. (The plugin-level proof, Construct over gRPC from
 * Pulumi's own plugin host, is test/plugin.test.ts.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { COMMAND_NAME_DUPLICATED, MockAccount, MockCloud } from "./support/mockCloud";
import { TAT_NAME_MAX } from "../components/delivery/tat";
import { providerKeyOfUrn } from "../components/deployment";
import { Library, deploy, SERVER_ARGS } from "./support/deploy";

const ROOT = path.resolve(__dirname, "..");
const base = { ...SERVER_ARGS, password: "Many(Callers)1" };

/** Two servers with TAT delivery and keep-activated: a shared command, an invoker each. */
async function fleet(lib: Library): Promise<string[]> {
    const list = ["web1", "web2"].map(
        (n) => new lib.ActivatedWindowsServer(n, { ...base, activation: { delivery: "tat", keepActivated: true } }),
    );
    return Promise.all(list.map((s) => new Promise<string>((resolve) => s.activationStatus.apply(resolve))));
}

const commandNames = (cloud: MockCloud) =>
    cloud.resources
        .filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand")
        .map((r) => String(r.inputs.commandName));
const invokerNames = (cloud: MockCloud) =>
    cloud.resources
        .filter((r) => r.type === "tencentcloud:index/tatInvoker:TatInvoker")
        .map((r) => String(r.inputs.name));

describe("two stacks of one account", () => {
    test("dev and prod deploy the same script and settings without a name collision; a third run of either changes nothing", async () => {
        const account = new MockAccount();
        const dev = new MockCloud(account);
        const prod = new MockCloud(account);
        assert.deepEqual((await deploy(dev, fleet, { stack: "dev" })).result, ["Licensed", "Licensed"]);
        assert.deepEqual((await deploy(prod, fleet, { stack: "prod" })).result, ["Licensed", "Licensed"]);
        const [devCommand, prodCommand] = [commandNames(dev), commandNames(prod)];
        assert.equal(devCommand.length, 1);
        assert.equal(prodCommand.length, 1);
        assert.notEqual(devCommand[0], prodCommand[0]);
        assert.notDeepEqual(invokerNames(dev), invokerNames(prod));
        for (const name of [...devCommand, ...invokerNames(dev), ...prodCommand, ...invokerNames(prod)]) {
            assert.match(name, /^[A-Za-z0-9_.-]+$/, `${name}: TAT's name rule (letters, digits, _ - .)`);
            assert.ok(name.length <= TAT_NAME_MAX, `${name}: at most ${TAT_NAME_MAX} bytes`);
        }
        assert.equal(account.commandNames.size, 2);

        for (const [cloud, stack] of [
            [dev, "dev"],
            [prod, "prod"],
        ] as const) {
            await deploy(cloud, fleet, { stack });
            const changed = cloud.resources.filter((r) => r.change !== "same");
            assert.deepEqual(
                changed.map((r) => `${r.name}: ${r.change} ${r.changed}`),
                [],
                `the third run of ${stack} changes nothing`,
            );
        }
    });

    test("the mock account refuses a command name that another stack holds, with Tencent's error code", () => {
        const account = new MockAccount();
        const register = (cloud: MockCloud, stack: string, commandName: string) => {
            cloud.begin("tencentcloud-windows", stack);
            cloud.newResource({
                type: "tencentcloud:index/tatCommand:TatCommand",
                name: "activation",
                inputs: { commandName },
                custom: true,
            });
            cloud.finish();
        };
        register(new MockCloud(account), "dev", "tencentcloud-windows-same");
        const prod = new MockCloud(account);
        assert.throws(
            () => register(prod, "prod", "tencentcloud-windows-same"),
            new RegExp(`Code=${COMMAND_NAME_DUPLICATED.replace(/\./g, "\\.")}`),
        );
        register(prod, "prod", "tencentcloud-windows-other");
        assert.deepEqual([...account.commandNames.keys()].sort(), [
            "tencentcloud-windows-other",
            "tencentcloud-windows-same",
        ]);
    });

    test("a stack that deletes its command frees the name for another stack", async () => {
        const account = new MockAccount();
        const first = new MockCloud(account);
        await deploy(first, fleet, { stack: "dev" });
        await deploy(first, async () => [], { stack: "dev" });
        assert.equal(account.commandNames.size, 0);
        assert.deepEqual((await deploy(new MockCloud(account), fleet, { stack: "dev" })).result, [
            "Licensed",
            "Licensed",
        ]);
    });
});

describe("one process, many program runs", () => {
    test("two inline program runs of one stack whose resource monitors got the same port are two deployments: the second registers its own command (issue 25.1)", async () => {
        const cloud = new MockCloud();
        const reused = { monitorAddress: "127.0.0.1:41234" };
        const inStack = (lib: Library) => pulumi.runtime.runInPulumiStack(() => fleet(lib)) as Promise<unknown>;
        await deploy(cloud, inStack, reused);
        assert.deepEqual(commandNames(cloud).length, 1, "the first run's command");
        await deploy(cloud, inStack, reused);
        assert.equal(
            commandNames(cloud).length,
            1,
            "the second run registered the command again (a finished run's state would have skipped it)",
        );
        assert.equal(invokerNames(cloud).length, 2, "and its invokers");
        const deleted = cloud.resources.filter(
            (r) => r.change !== "same" && r.type.startsWith("tencentcloud:index/tat"),
        );
        assert.deepEqual(
            deleted.map((r) => `${r.name}: ${r.change}`),
            [],
            "nothing of the stack's TAT resources changes or goes",
        );
    });
});

describe("two providers with one resource name (issue 25.2)", () => {
    const TOP = "urn:pulumi:test::tencentcloud-windows::pulumi:providers:tencentcloud::tc";
    const NESTED = "urn:pulumi:test::tencentcloud-windows::example:index:Region$pulumi:providers:tencentcloud::tc";

    test("providerKeyOfUrn: a top-level provider keeps its name; one inside a component adds its URN's hash", () => {
        assert.equal(providerKeyOfUrn(TOP), "tc", "the key 0.3 gave it: upgrading renames nothing");
        assert.match(providerKeyOfUrn(NESTED), /^tc-[0-9a-f]{8}$/);
        const other = NESTED.replace("example:index:Region", "example:index:Other");
        assert.notEqual(providerKeyOfUrn(other), providerKeyOfUrn(NESTED), "another parent type, another provider");
        assert.equal(providerKeyOfUrn(NESTED), providerKeyOfUrn(NESTED), "stable");
    });

    test("a top-level provider and a same-named one inside a component share nothing: commands, agents, images", async () => {
        const cloud = new MockCloud();
        await deploy(cloud, async (lib) => {
            const tc = await import("@pulumi/tencentcloud");
            const guangzhou = new tc.Provider("tc", { region: "ap-guangzhou" });
            const region = new pulumi.ComponentResource("example:index:Region", "shanghai");
            const shanghai = new tc.Provider("tc", { region: "ap-shanghai" }, { parent: region });
            const servers = [
                new lib.ActivatedWindowsServer(
                    "gz1",
                    { ...base, activation: { delivery: "tat", tatAgentPollSeconds: 1 } },
                    { providers: { tencentcloud: guangzhou } },
                ),
                new lib.ActivatedWindowsServer(
                    "sh1",
                    { ...base, activation: { delivery: "tat", tatAgentPollSeconds: 1 } },
                    { parent: region, providers: { tencentcloud: shanghai } },
                ),
            ];
            return Promise.all(servers.map((s) => new Promise((resolve) => s.activationStatus.apply(resolve))));
        });
        const providerOf = (ref: string) =>
            ref.startsWith(`${NESTED}::`) ? "shanghai" : ref.startsWith(`${TOP}::`) ? "guangzhou" : `other: ${ref}`;
        const commands = cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand");
        assert.deepEqual(
            commands.map((c) => providerOf(c.options.provider)).sort(),
            ["guangzhou", "shanghai"],
            "a command through each provider",
        );
        assert.notEqual(commands[0].inputs.commandName, commands[1].inputs.commandName);
        for (const [server, region] of [
            ["gz1", "guangzhou"],
            ["sh1", "shanghai"],
        ]) {
            const attachment = cloud.resources.find((r) => r.name === `${server}-activation`)!;
            const command = commands.find((c) => c.id === attachment.inputs.commandId)!;
            assert.equal(
                providerOf(command.options.provider),
                region,
                `${server} runs the command registered through its own provider`,
            );
            assert.equal(providerOf(attachment.options.provider), region);
            const instanceId = cloud.resources.find((r) => r.name === `${server}-instance`)!.id;
            const polls = cloud.calls.filter(
                (c) =>
                    c.token === "tencentcloud:index/getTatAgent:getTatAgent" &&
                    (c.inputs.instanceIds as string[]).includes(instanceId),
            );
            assert.ok(
                polls.length > 0 && polls.every((c) => providerOf(c.provider) === region),
                `${server}'s agent is asked through its provider`,
            );
        }
        const images = cloud.calls.filter((c) => c.token === "tencentcloud:index/getImages:getImages");
        assert.deepEqual(
            images.map((c) => providerOf(c.provider)).sort(),
            ["guangzhou", "shanghai"],
            "an image lookup through each provider",
        );
    });
});

describe("users' own unit tests", () => {
    test(
        "two test files that each call setMocks (mocha, one process) each see their own registrations, invokes and result",
        { timeout: 120000 },
        () => {
            const dir = path.join(ROOT, "test", "fixtures", "userUnitTests");
            const run = spawnSync(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js"),
                    "--reporter",
                    "json",
                    "--timeout",
                    "60000",
                    path.join(dir, "first.spec.ts"),
                    path.join(dir, "second.spec.ts"),
                ],
                { cwd: ROOT, encoding: "utf8", timeout: 110000 },
            );
            const report = JSON.parse(run.stdout.slice(run.stdout.indexOf("{")));
            const failures = report.failures.map(
                (f: { fullTitle: string; err: { message: string } }) => `${f.fullTitle}: ${f.err.message}`,
            );
            assert.deepEqual(failures, [], run.stderr);
            assert.equal(report.stats.passes, 6);
            assert.equal(run.status, 0);
        },
    );
});
