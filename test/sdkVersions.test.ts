/**
 * The component and plugin tests against the lowest supported and the newest `@pulumi/pulumi`.
 *
 * The library reads `@pulumi/pulumi` internals that no public API replaces: `components/deployment.ts`
 * keys a Construct call's state on the runtime store's settings (`runtime/state`, `getStore().settings`),
 * and the test support runs deployments in stores of their own (`withLocalStorage`), waits for RPCs
 * (`waitForRPCs`), reads an Output's promise, hooks the mock monitor and speaks the engine's gRPC protocol
 * (`proto/*`). These break silently when the SDK changes, so for each version here the test copies the
 * project into a temporary folder, installs it with that `@pulumi/pulumi` (one copy, shared by
 * `@pulumi/command` and the vendored SDK), builds the SDK and runs the tests below in a child process.
 * Needs the npm registry (or a warm npm cache); takes a few minutes (see docs/testing.md).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";

const ROOT = path.resolve(__dirname, "..");

/** The lowest `@pulumi/pulumi` supported: package.json's peer dependency range ("^3.238.0"), read so the two cannot drift. */
function lowestSupported(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const range: string = pkg.peerDependencies["@pulumi/pulumi"];
    const match = /^[\^~]?(\d+\.\d+\.\d+)$/.exec(range);
    assert.ok(
        match,
        `peerDependencies["@pulumi/pulumi"] is "${range}", not "^X.Y.Z": say here which version is lowest`,
    );
    return match[1];
}

/**
 * The newest `@pulumi/pulumi` on the npm registry when this was last checked (2026-12-07:
 * `npm view @pulumi/pulumi version`). Raise it when a newer SDK is released.
 */
const NEWEST_PULUMI = "3.276.0";

/** The tests run against each version: the components on the mock engine, several deployments in one process, the plugin. */
const TESTS = [
    "test/activatedWindowsServer.test.ts",
    "test/activatedWindowsServer.dayTwo.test.ts",
    "test/windowsActivation.test.ts",
    "test/windowsActivation.dayTwo.test.ts",
    "test/deployment.test.ts",
    "test/plugin.test.ts",
];

/**
 * What those tests need of the project: the manifests, the TypeScript configurations (tsx reads the
 * root one's `paths`; the plugin test builds with tsconfig.build.json), the library, the SDK's sources,
 * PulumiPlugin.yaml (the plugin test's package), the test support and fixtures, and docs/ (a test reads
 * docs/windows-activation.md).
 */
const PROJECT_FILES = [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "PulumiPlugin.yaml",
    "index.ts",
    "components",
    "sdks/tencentcloud",
    "docs",
    "test/support",
    "test/fixtures",
    ...TESTS,
];

/** Build output and installed packages are never copied. */
function copied(source: string): boolean {
    const name = path.basename(source);
    return (
        name !== "node_modules" && !(name === "bin" && path.dirname(source).endsWith(path.join("sdks", "tencentcloud")))
    );
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    seconds: number;
}

/** Runs `command` in `cwd` (the outer test runner's NODE_TEST_CONTEXT removed: the child is a runner of its own). */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<Run> {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += String(d)));
        child.stderr.on("data", (d) => (stderr += String(d)));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
        });
    });
}

/** npm as `npm test` runs it (npm_execpath), else the one on PATH. */
function npm(args: string[], cwd: string, timeoutMs: number): Promise<Run> {
    const execPath = process.env.npm_execpath;
    return execPath !== undefined && execPath.endsWith(".js")
        ? run(process.execPath, [execPath, ...args], cwd, timeoutMs)
        : run("npm", args, cwd, timeoutMs);
}

function tail(text: string, lines = 40): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

function assertRan(what: string, result: Run): void {
    assert.equal(
        result.code,
        0,
        `${what} failed (exit ${result.code}):\n${tail(result.stdout)}\n${tail(result.stderr)}`,
    );
}

/** The TAP blocks of the failed tests (each `not ok` line with its YAML block: the error and where), at most 200 lines. */
function failedTests(tap: string): string {
    const lines = tap.split("\n");
    const out: string[] = [];
    for (let i = 0; i < lines.length; i++) {
        const match = /^(\s*)not ok /.exec(lines[i]);
        if (match === null) {
            continue;
        }
        out.push(lines[i]);
        for (let j = i + 1; j < lines.length && lines[j - 1] !== `${match[1]}  ...`; j++) {
            out.push(lines[j]);
        }
    }
    return out.slice(0, 200).join("\n");
}

/** Every `@pulumi/pulumi` in `npm ls`'s tree, by the path of packages that depend on it. */
function pulumiVersionsInTree(
    node: { version?: string; dependencies?: Record<string, unknown> },
    at = "root",
): string[] {
    const found: string[] = [];
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        const dep = child as { version?: string; dependencies?: Record<string, unknown> };
        if (name === "@pulumi/pulumi") {
            found.push(`${at} -> ${dep.version}`);
        }
        found.push(...pulumiVersionsInTree(dep, `${at} > ${name}`));
    }
    return found;
}

/** The `@pulumi/pulumi` folder (real path) and version that code in `dir` loads. */
function pulumiSeenFrom(dir: string): string {
    const manifest = fs.realpathSync(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    return `${path.dirname(manifest)}@${JSON.parse(fs.readFileSync(manifest, "utf8")).version}`;
}

/** Copies the project, installs it with `@pulumi/pulumi@version`, builds the SDK and runs TESTS there. */
async function runAgainst(version: string, diagnostic: (message: string) => void): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tcw-sdk-${version}-`));
    let passed = false;
    try {
        for (const entry of PROJECT_FILES) {
            fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, filter: copied });
        }
        // Packages' install scripts are not needed here (the SDK is built below, the plugin test builds its package).
        const quiet = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
        const ci = await npm(["ci", ...quiet], dir, 10 * 60000);
        assertRan("npm ci", ci);
        // Into the copy's package.json and lock (thrown away with the copy), so that npm ls below checks against it.
        const install = await npm(
            ["install", "--save-dev", "--save-exact", ...quiet, `@pulumi/pulumi@${version}`],
            dir,
            10 * 60000,
        );
        assertRan(`npm install @pulumi/pulumi@${version}`, install);

        // One copy of the SDK for all: the library, @pulumi/command and the vendored SDK.
        const ls = await npm(["ls", "@pulumi/pulumi", "--all", "--json"], dir, 60000);
        assertRan("npm ls @pulumi/pulumi", ls);
        const inTree = pulumiVersionsInTree(JSON.parse(ls.stdout));
        assert.ok(inTree.length >= 3, `npm ls found too few dependents of @pulumi/pulumi:\n${inTree.join("\n")}`);
        assert.deepEqual(
            inTree.filter((line) => !line.endsWith(`-> ${version}`)),
            [],
            `npm ls: @pulumi/pulumi other than ${version}`,
        );
        const copies = new Set(
            [
                dir,
                path.join(dir, "sdks", "tencentcloud"),
                fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "command")),
            ].map(pulumiSeenFrom),
        );
        assert.deepEqual(
            [...copies],
            [`${fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi"))}@${version}`],
        );

        const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
        const build = await run(process.execPath, [tsc, "-p", "sdks/tencentcloud"], dir, 5 * 60000);
        assertRan(`the SDK's build against @pulumi/pulumi ${version}`, build);

        const tests = await run(
            process.execPath,
            ["--import", "tsx", "--test", "--test-reporter=tap", "--test-concurrency=2", ...TESTS],
            dir,
            20 * 60000,
        );
        const count = (name: string) => {
            const all = [...tests.stdout.matchAll(new RegExp(`^# ${name} (\\d+)$`, "gm"))];
            return all.length === 0 ? undefined : Number(all[all.length - 1][1]);
        };
        const pass = count("pass");
        const fail = count("fail");
        diagnostic(
            `@pulumi/pulumi ${version}: pass ${pass}, fail ${fail}, cancelled ${count("cancelled")} ` +
                `(install ${Math.round(ci.seconds + install.seconds)} s, SDK build ${Math.round(build.seconds)} s, ` +
                `tests ${Math.round(tests.seconds)} s)`,
        );
        const failures = failedTests(tests.stdout);
        assert.equal(
            tests.code,
            0,
            `the tests failed on @pulumi/pulumi ${version}:\n${failures}\n${tail(tests.stdout)}\n${tail(tests.stderr)}`,
        );
        assert.equal(fail, 0, `failures on @pulumi/pulumi ${version}:\n${failures}`);
        assert.ok(
            pass !== undefined && pass > 0,
            `no test passed on @pulumi/pulumi ${version}:\n${tail(tests.stdout)}`,
        );
        passed = true;
    } finally {
        if (passed) {
            fs.rmSync(dir, { recursive: true, force: true });
        } else {
            diagnostic(`kept for a look: ${dir}`);
        }
    }
}

// The versions one after the other (each install and run is heavy): at most 40 minutes for both.
describe(
    "the component and plugin tests on the lowest supported and the newest @pulumi/pulumi",
    { timeout: 40 * 60000 },
    () => {
        test("the newest is not older than the lowest supported", () => {
            const [low, high] = [lowestSupported(), NEWEST_PULUMI].map((v) => v.split(".").map(Number));
            assert.ok(
                high[0] > low[0] ||
                    (high[0] === low[0] && (high[1] > low[1] || (high[1] === low[1] && high[2] >= low[2]))),
            );
        });

        test(`@pulumi/pulumi ${lowestSupported()} (lowest supported: package.json's peerDependencies)`, async (t) => {
            await runAgainst(lowestSupported(), (message) => t.diagnostic(message));
        });

        test(`@pulumi/pulumi ${NEWEST_PULUMI} (newest)`, async (t) => {
            await runAgainst(NEWEST_PULUMI, (message) => t.diagnostic(message));
        });
    },
);
