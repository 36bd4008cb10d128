/** The example stacks a user copies: every stack config key they read is in their header's commands. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const STACKS = path.join(__dirname, "..", "stacks");

/**
 * Keys the program reads (`config.get*("key")`, `config.require*("key")`)
 * and keys its header sets (`pulumi config set ... key`).
 */
function configKeys(file: string): { read: string[]; documented: string[] } {
    const source = fs.readFileSync(path.join(STACKS, file), "utf8");
    const header = source.slice(0, source.indexOf("*/"));
    const read = [...source.matchAll(/config\.(?:get|require)\w*(?:<[^>]*>)?\("(\w+)"\)/g)].map((m) => m[1]);
    const documented = [...header.matchAll(/pulumi config set (?:--\w+ )*'?(\w+)/g)].map((m) => m[1]);
    return { read: [...new Set(read)].sort(), documented: [...new Set(documented)].sort() };
}

for (const file of ["basic/index.ts", "fleet/index.ts"]) {
    test(`stacks/${file} documents every config key it reads, and no other`, () => {
        const { read, documented } = configKeys(file);
        assert.ok(read.length > 1, `reads ${read.join(", ")}`);
        assert.deepEqual(documented, read);
    });
}

test("stacks/basic says that delivery ssh needs sshAllowedCidrs", () => {
    const header = fs.readFileSync(path.join(STACKS, "basic/index.ts"), "utf8").split("*/")[0];
    assert.match(header, /sshAllowedCidrs\S* \S+ +# required with delivery ssh/);
});

test("the YAML examples install from a path that exists, audit first, and leave termination protection off", () => {
    // js-yaml ships with @pulumi/pulumi (which reads Pulumi.yaml with it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml: { load(text: string): any } = require("js-yaml");
    for (const file of ["yaml/Pulumi.yaml", "yaml-fleet/Pulumi.yaml"]) {
        const text = fs.readFileSync(path.join(STACKS, file), "utf8");
        assert.doesNotMatch(text, /<owner>|@v\d/, `${file} installs from a repository or tag that does not exist`);
        assert.match(text, /^# +pulumi package add \/path\/to\/tencentcloud-windows /m);
    }
    const fleet = yaml.load(fs.readFileSync(path.join(STACKS, "yaml-fleet/Pulumi.yaml"), "utf8"));
    assert.equal(fleet.config.mode.default, "audit");
    const server = yaml.load(fs.readFileSync(path.join(STACKS, "yaml/Pulumi.yaml"), "utf8"));
    assert.notEqual(
        server.resources.win.properties.instanceSettings?.disableApiTermination,
        true,
        "pulumi destroy would fail",
    );
});
