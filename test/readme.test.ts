import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../components/activation/options";
import { CARRIER_FAILED, EXIT_CODES, FOLDER_BLOCKED } from "../components/activation/exitCodes";
import { TAT_TIMEOUT_MARGIN_SECONDS, TOOL_SECONDS, worstCaseSeconds } from "../components/activation/schedule";
import { scriptHash } from "../components/delivery/carrier";
import { invokerCloudName } from "../components/delivery/keepActivated";
import { ROOT_CAUSES } from "../components/activation/rootCauses";
import { INSTANCE_ARGUMENTS, instanceArgumentRows } from "./support/providerModel";

const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
/** A page of docs/, where the README's reference material lives. */
const doc = (page: string) => fs.readFileSync(path.join(ROOT, "docs", page), "utf8");

test("the README is short, and every page it or a docs page links to exists", () => {
    assert.ok(Buffer.byteLength(readme) < 8192, `README.md is ${Buffer.byteLength(readme)} bytes`);
    const pages = ["README.md", ...fs.readdirSync(path.join(ROOT, "docs")).map((f) => `docs/${f}`)];
    for (const page of pages) {
        const text = fs.readFileSync(path.join(ROOT, page), "utf8");
        for (const [, target] of text.matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)) {
            assert.ok(fs.existsSync(path.join(ROOT, path.dirname(page), target)), `${page} links to ${target}`);
        }
    }
    for (const page of fs.readdirSync(path.join(ROOT, "docs"))) {
        assert.ok(readme.includes(`](docs/${page})`), `the README links to docs/${page}`);
    }
});

test("the README starts with the offline plan and the test command, and .ci/run runs that test command", () => {
    const block = readme.split("```sh\n")[1].split("```")[0].split("\n");
    assert.match(block[0], /^npm ci && npm run plan\b/);
    const testCommand = "npm ci && npm run setup && npm test";
    assert.ok(block[1].startsWith(`${testCommand} `), block[1]);
    const ci = fs.readFileSync(path.join(__dirname, "..", ".ci", "run"), "utf8");
    assert.equal(ci.trim().split("\n").pop(), testCommand, "the last step of .ci/run is the README's test command");
});

test("the exit code table (docs/script.md) is the code's table: every code, status, transience and meaning, in order", () => {
    const rows = doc("script.md")
        .split("\n")
        .filter((l) => /^\| \d+ \| `\w+` \|/.test(l));
    const expected = [...Object.values(EXIT_CODES), CARRIER_FAILED, FOLDER_BLOCKED].map(
        (i) => `| ${i.code} | \`${i.status}\` | ${i.transient ? "yes" : ""} | ${i.meaning} |`,
    );
    assert.deepEqual(rows, expected);
});

test("the root cause table (docs/script.md) is the code's table, in the code's order", () => {
    const lines = doc("script.md").split("\n");
    const header = lines.indexOf("| root cause | found when | fix |");
    assert.ok(header > 0, "the root cause table");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    const expected = Object.entries(ROOT_CAUSES).map(([k, v]) => `| \`${k}\` | ${v.meaning} | ${v.fix} |`);
    assert.deepEqual(rows, expected);
});

test("the docs say what the TAT timeouts are", () => {
    assert.equal(TAT_TIMEOUT_MARGIN_SECONDS, 300);
    assert.ok(doc("deliveries.md").includes("timeout = the script's worst case + 5 minutes"));
    assert.ok(
        doc("deliveries.md").includes(
            "(create timeout: the command's timeout + 5 minutes, set as the resource's Terraform `timeouts.create` input",
        ),
    );
    const minutes = Math.round(worstCaseSeconds(DEFAULT_ACTIVATION_SCRIPT_OPTIONS) / 60);
    assert.ok(
        doc("troubleshooting.md").includes(`about ${minutes} minutes with the`),
        `the README's worst case is not ${minutes} minutes`,
    );
});

test("the activation defaults (docs/arguments.md) are the code's defaults", () => {
    const d = DEFAULT_ACTIVATION_SCRIPT_OPTIONS;
    assert.ok(doc("arguments.md").includes(`| \`kmsHost\` | \`${d.kmsHost}\` |`));
    assert.ok(doc("arguments.md").includes(`| \`kmsPort\` | \`${d.kmsPort}\` |`));
    assert.ok(doc("arguments.md").includes(`| \`fallbackKmsHosts\` | \`${JSON.stringify(d.fallbackKmsHosts)}\` |`));
    assert.ok(doc("arguments.md").includes(`| \`ntpServers\` | \`${JSON.stringify(d.ntpServers)}\` |`));
    assert.ok(doc("arguments.md").includes(`| \`maxAttempts\` | \`${d.maxAttempts}\` |`));
    assert.ok(doc("arguments.md").includes(`| \`retryDelaySeconds\` | \`${d.retryDelaySeconds}\` |`));
});

test("the day-two table (docs/day-two.md) of instance arguments is providerModel's INSTANCE_ARGUMENTS, every argument in order", () => {
    const lines = doc("day-two.md").split("\n");
    const header = lines.indexOf("| argument | effect of a change | what the provider does | source |");
    assert.ok(header > 0, "the instance argument table");
    const rows = lines.slice(header + 2, lines.indexOf("", header));
    assert.deepEqual(rows, instanceArgumentRows());
    assert.equal(rows.length, Object.keys(INSTANCE_ARGUMENTS).length);
});

test("getting started uses the provider SDK's own config keys and sets every key the example requires", () => {
    const page = doc("getting-started.md");
    const vars = fs.readFileSync(path.join(ROOT, "sdks", "tencentcloud", "config", "vars.ts"), "utf8");
    for (const key of ["secretId", "secretKey", "region"]) {
        assert.ok(vars.includes(`__config.get("${key}")`), `the SDK reads tencentcloud:${key}`);
        assert.match(page, new RegExp(`pulumi config set (--secret )?tencentcloud:${key} `));
    }
    for (const env of vars.matchAll(/`(TENCENTCLOUD_(?:SECRET_ID|SECRET_KEY|REGION))`/g)) {
        assert.ok(page.includes(`\`${env[1]}\``), env[1]);
    }
    const example = fs.readFileSync(path.join(ROOT, "stacks", "basic", "index.ts"), "utf8");
    const required = [...example.matchAll(/config\.require\w*\("(\w+)"\)/g)].map((m) => m[1]);
    assert.ok(required.length >= 4);
    for (const key of required) {
        assert.match(page, new RegExp(`pulumi config set (--secret )?${key} `), key);
    }
});

test("install instructions name no release tag (none exists) and give the tarball and local-path ways", () => {
    for (const [name, text] of [
        ["README.md", readme],
        ["docs/usage.md", doc("usage.md")],
        ["docs/getting-started.md", doc("getting-started.md")],
    ]) {
        assert.doesNotMatch(text, /[#@]v\d/, `${name} names a release tag`);
        assert.match(text, /npm install \/path\/to\/tencentcloud-windows-\*\.tgz/, name);
    }
    for (const text of [readme, doc("usage.md")]) {
        assert.match(text, /^pulumi package add \/path\/to\/tencentcloud-windows /m);
    }
});

test("the diagnosis time and the TAT names' lengths in the docs are the code's", () => {
    assert.ok(doc("script.md").includes(`The diagnosis adds at most ${TOOL_SECONDS.diagnosis} s to a failed run`));
    const source = (file: string) => fs.readFileSync(path.join(ROOT, "components", file), "utf8");
    const tag = Number(/accountNameTag[\s\S]*?\.slice\(0, (\d+)\)/.exec(source("deployment.ts"))![1]);
    const command = `tencentcloud-windows-${scriptHash("")}-${"0".repeat(tag)}`;
    const invoker = invokerCloudName(
        "urn:pulumi:dev::project::tencentcloud-windows:index:WindowsActivation::fleet",
        12,
    );
    assert.ok(
        doc("deliveries.md").includes(
            `\`tencentcloud-windows-<script hash>-<stack hash>\` (${command.length}\ncharacters)`,
        ),
        `${command.length}`,
    );
    assert.ok(
        doc("deliveries.md").includes(`\`tencentcloud-windows-keep-<hash>\`\n(${invoker.length} characters)`),
        `${invoker.length}`,
    );
});

test("every field of the parsed result is in the output list of docs/arguments.md", () => {
    const source = fs.readFileSync(path.join(ROOT, "components", "activation", "result.ts"), "utf8");
    const body = /export interface ActivationResult \{([\s\S]*?)\n\}/.exec(source)![1];
    const fields = [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
    assert.ok(fields.includes("carrierError"), fields.join(","));
    const outputs = doc("arguments.md").slice(doc("arguments.md").indexOf("Outputs:"));
    assert.deepEqual(
        fields.filter((f) => !outputs.includes(`\`${f}\``)),
        [],
    );
});
