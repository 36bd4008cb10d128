/**
 * What the README's commands typecheck: after `npm ci` alone, `tsc -p .` (library, stacks, tests)
 * needs no package of the policy pack; `npm test` adds `tsc -p test/policy` once `npm run setup` ran
 * (after Prettier's check and ESLint).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The files a tsconfig compiles, relative to the repository. */
function filesOf(project: string): string[] {
    const out = execFileSync(process.execPath, [TSC, "-p", project, "--listFilesOnly"], {
        cwd: ROOT,
        encoding: "utf8",
    });
    return out
        .trim()
        .split("\n")
        .map((f) => path.relative(ROOT, f));
}

test("the root tsconfig needs only the root's packages; test/policy's adds the policy pack's, and npm test checks both", () => {
    const root = filesOf(".");
    assert.deepEqual(
        root.filter((f) => f.startsWith(path.join("policy", "node_modules"))),
        [],
        "tsc -p . reads the policy pack's packages",
    );
    assert.ok(
        root.includes(path.join("stacks", "basic", "index.ts")) && root.includes(path.join("test", "readme.test.ts")),
    );
    const policy = filesOf("test/policy");
    assert.ok(
        policy.some((f) => f.startsWith(path.join("policy", "node_modules", "@pulumi", "policy"))),
        "test/policy compiles against @pulumi/policy",
    );
    const tests = fs
        .readdirSync(path.join(ROOT, "test", "policy"))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join("test", "policy", f));
    assert.deepEqual(
        tests.filter((f) => !policy.includes(f)),
        [],
        "every file of test/policy is in its tsconfig",
    );
    const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
    assert.match(
        scripts.test,
        /^npm run format:check && npm run lint && tsc -p \. --noEmit && tsc -p test\/policy --noEmit && /,
    );
});
