import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../components/activation/options";
import { CARRIER_FAILED, EXIT_CODES } from "../components/activation/exitCodes";
import { worstCaseSeconds } from "../components/activation/schedule";
import { ROOT_CAUSES } from "../components/activation/rootCauses";
import { TAT_TIMEOUT_MARGIN_SECONDS } from "../components/delivery/tat";
import { INSTANCE_ARGUMENTS, instanceArgumentRows } from "../stacks/plan/providerModel";

const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");

test("the README starts with the offline plan and the test command, and .ci/run runs that test command", () => {
    const block = readme.split("```sh\n")[1].split("```")[0].split("\n");
    assert.match(block[0], /^npm ci && npm run plan\b/);
    const testCommand = "npm ci && npm run setup && npm test";
    assert.ok(block[1].startsWith(`${testCommand} `), block[1]);
    const ci = fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8");
    assert.equal(ci.trim().split("\n").pop(), testCommand, "the last step of .ci/run is the README's test command");
});

test("the README's exit code table is the code's table: every code, status, transience and meaning, in order", () => {
    const rows = readme.split("\n").filter((l) => /^\| \d+ \| `\w+` \|/.test(l));
    const expected = [...Object.values(EXIT_CODES), CARRIER_FAILED].map((i) => `| ${i.code} | \`${i.status}\` | ${i.transient ? "yes" : ""} | ${i.meaning} |`);
    assert.deepEqual(rows, expected);
});

test("the README's root cause table is the code's table, in the code's order", () => {
    const lines = readme.split("\n");
    const header = lines.indexOf("| root cause | found when | fix |");
    assert.ok(header > 0, "the root cause table");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    const expected = Object.entries(ROOT_CAUSES).map(([k, v]) => `| \`${k}\` | ${v.meaning} | ${v.fix} |`);
    assert.deepEqual(rows, expected);
});

test("the README says what the TAT timeouts are", () => {
    assert.equal(TAT_TIMEOUT_MARGIN_SECONDS, 300);
    assert.ok(readme.includes("timeout = the script's worst case + 5 minutes"));
    assert.ok(readme.includes("(create timeout: the command's timeout + 5 minutes)"));
    const minutes = Math.round(worstCaseSeconds(DEFAULT_ACTIVATION_SCRIPT_OPTIONS) / 60);
    assert.ok(readme.includes(`about ${minutes} minutes with the`), `the README's worst case is not ${minutes} minutes`);
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

test("the README's day-two table of instance arguments is providerModel's INSTANCE_ARGUMENTS, every argument in order", () => {
    const lines = readme.split("\n");
    const header = lines.indexOf("| argument | effect of a change | what the provider does | source |");
    assert.ok(header > 0, "the instance argument table");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    assert.deepEqual(rows, instanceArgumentRows());
    assert.equal(rows.length, Object.keys(INSTANCE_ARGUMENTS).length);
});
