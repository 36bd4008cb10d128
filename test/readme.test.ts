import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../components/activation/options";
import { EXIT_CODES } from "../components/activation/exitCodes";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

test("the README starts with the offline plan and the test command, and .ci/run runs that test command", () => {
    const block = readme.split("```sh\n")[1].split("```")[0].split("\n");
    assert.match(block[0], /^npm ci && npm run plan\b/);
    assert.match(block[1], /^npm ci && npm test\b/);
    const ci = fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8");
    assert.match(ci, /^npm ci$/m);
    assert.match(ci, /^npm test$/m);
});

test("the README's exit code table lists every exit code the script has, with its status and transience", () => {
    for (const info of Object.values(EXIT_CODES)) {
        const row = readme.split("\n").find((l) => l.startsWith(`| ${info.code} | \`${info.status}\` |`));
        assert.ok(row, `row for ${info.code}`);
        assert.equal(row.split("|")[3].trim() === "yes", info.transient, `transience of ${info.code}`);
    }
    const rows = readme.split("\n").filter((l) => /^\| \d+ \| `\w+` \|/.test(l));
    assert.equal(rows.length, Object.keys(EXIT_CODES).length);
});

test("the README's activation defaults are the code's defaults", () => {
    const d = DEFAULT_ACTIVATION_SCRIPT_OPTIONS;
    assert.ok(readme.includes(`| \`kmsHost\` | \`${d.kmsHost}\` |`));
    assert.ok(readme.includes(`| \`kmsPort\` | \`${d.kmsPort}\` |`));
    assert.ok(readme.includes(`| \`fallbackKmsHosts\` | \`${JSON.stringify(d.fallbackKmsHosts)}\` |`));
    assert.ok(readme.includes(`| \`ntpServers\` | \`${JSON.stringify(d.ntpServers)}\` |`));
    assert.ok(readme.includes(`| \`maxAttempts\` | \`${d.maxAttempts}\` |`));
    assert.ok(readme.includes(`| \`retryDelaySeconds\` | \`${d.retryDelaySeconds}\` |`));
});
