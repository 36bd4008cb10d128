/**
 * The offline plan: runs the example stack (stacks/basic) under Pulumi's mock engine, on the mock
 * cloud the tests use (test/support/mockCloud.ts), with the sample config in
 * stacks/basic/plan-config.json, with no cloud account and no Pulumi CLI, and
 * prints what `pulumi up` would create (secrets masked) and where the rendered script was written.
 *
 *   npm run plan                      # user data delivery
 *   npm run plan -- --delivery tat    # or ssh
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { USER_DATA_LIMIT_BYTES, firstBootCapacity } from "../../components/delivery/userData";
import { MockCloud, isSecretValue, valueOf } from "../../test/support/mockCloud";

const OUT_DIR = path.join(__dirname, "..", "..", ".plan");

/** One input value as the plan shows it: secrets masked, long text summarised. */
function show(value: unknown): unknown {
    if (isSecretValue(value)) {
        return "[secret]";
    }
    if (typeof value === "string" && value.length > 80) {
        return `<${Buffer.byteLength(value)} bytes of text>`;
    }
    if (Array.isArray(value)) {
        return value.map(show);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, show(v)]));
    }
    return value;
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const delivery = args[args.indexOf("--delivery") + 1];
    const config: Record<string, string> = JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "basic", "plan-config.json"), "utf8"),
    );
    if (args.includes("--delivery")) {
        config["tencentcloud-windows:delivery"] = delivery;
        if (delivery === "ssh") {
            config["tencentcloud-windows:publicIpBandwidthMbps"] = "10";
            config["tencentcloud-windows:sshAllowedCidrs"] = '["198.51.100.0/24"]';
        }
    }
    pulumi.runtime.setAllConfig(config, ["tencentcloud-windows:password"]);
    const cloud = new MockCloud();
    await cloud.start("tencentcloud-windows", "plan");

    const stack = await import("../basic/index");
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stack)) {
        outputs[key] = await valueOf(value as pulumi.Output<unknown>);
    }
    const script = await valueOf(stack.activationScript ?? pulumi.output(""));

    console.log("Resources `pulumi up` would create (mock engine, no cloud account):\n");
    for (const r of cloud.resources) {
        console.log(`+ ${r.type}  ${r.name}`);
        for (const [key, value] of Object.entries(r.inputs)) {
            if (value !== undefined && key !== "__defaults") {
                console.log(`      ${key}: ${JSON.stringify(show(value))}`);
            }
        }
    }
    console.log("\nInvokes (cloud API reads):");
    for (const c of cloud.calls) {
        console.log(`  ${c.token} ${JSON.stringify(show(c.inputs))}`);
    }
    console.log("\nStack outputs:");
    for (const [key, value] of Object.entries(outputs)) {
        if (key !== "activationScript") {
            console.log(`  ${key}: ${JSON.stringify(value)}`);
        }
    }
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const scriptPath = path.join(OUT_DIR, "activate.cmd");
    fs.writeFileSync(scriptPath, script);
    const instance = cloud.resources.find((r) => r.type === "tencentcloud:index/instance:Instance");
    const userData = instance?.inputs.userDataRaw;
    if (typeof userData === "string") {
        fs.writeFileSync(path.join(OUT_DIR, "user-data.ps1"), userData);
        const bytes = Buffer.byteLength(userData);
        const chosen = config["tencentcloud-windows:delivery"] ?? "userData";
        const room = firstBootCapacity({
            activationScript: chosen === "userData" ? script : undefined,
            enableOpenSsh: chosen === "ssh",
        });
        console.log(
            `\nUser data (${bytes} bytes of ${USER_DATA_LIMIT_BYTES}; room left for ${room} bytes of firstBootPowerShell) written to ${path.join(OUT_DIR, "user-data.ps1")}`,
        );
    }
    console.log(`Rendered activation script (${Buffer.byteLength(script)} bytes, CRLF) written to ${scriptPath}`);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
