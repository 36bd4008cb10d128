/**
 * The package served as other languages use it: `@pulumi/pulumi`'s own plugin host (`cmd/run-plugin`,
 * what the Pulumi CLI starts for a source-based component package) on a built copy of the package, and
 * the Construct requests the engine sends it for a Python, Go, C# or YAML program. Used by the plugin
 * test and the plugin benchmark.
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TestEngine } from "./testEngine";

/* eslint-disable @typescript-eslint/no-require-imports */
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, "..", "..");
const RUN_PLUGIN = path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
/** The project and stack of the program the Construct calls come from. */
export const PROJECT = "python-program";
export const STACK = "dev";
/** The server component's type token. */
export const COMPONENT = "tencentcloud-windows:index:ActivatedWindowsServer";

/**
 * The package folder as `pulumi package add <repo>` checks it out and `npm install` builds it: the
 * sources, PulumiPlugin.yaml, package.json and the compiled `bin/` (built here into a folder of its
 * own, so no other test's build can change it under the plugin).
 */
export function buildPackage(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcw-plugin-"));
    for (const entry of ["package.json", "PulumiPlugin.yaml", "index.ts", "components"]) {
        fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    execFileSync(
        process.execPath,
        [
            path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
            "-p",
            path.join(ROOT, "tsconfig.build.json"),
            "--outDir",
            path.join(dir, "bin"),
        ],
        {
            stdio: "pipe",
            timeout: 240000,
        },
    );
    return dir;
}

/** Starts the plugin host on `dir`; resolves with the port it serves on (its first line of output). */
export function startPlugin(
    dir: string,
    engineAddress: string,
    stderr: string[],
): Promise<{ child: ChildProcess; port: number }> {
    const child = spawn(process.execPath, [RUN_PLUGIN, dir, engineAddress], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.on("data", (d) => stderr.push(String(d)));
    return new Promise((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => {
            out += String(d);
            const line = out.split("\n")[0].trim();
            if (out.includes("\n") && /^\d+$/.test(line)) {
                resolve({ child, port: Number(line) });
            }
        });
        child.on("exit", (code) => reject(new Error(`the plugin host exited (${code}): ${out}\n${stderr.join("")}`)));
    });
}

/** A server's inputs as another language's program sends them, its password made distinct by `n`. */
export function serverInputs(n: number, activation: Record<string, unknown>): Record<string, unknown> {
    return {
        windowsVersion: "2022",
        availabilityZone: "ap-guangzhou-3",
        instanceType: "S5.MEDIUM4",
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        password: `Python(Server)${n}`,
        activation,
    };
}

/** The Construct call the engine sends for one component (a server, unless `type` says otherwise) of a Python program. */
export function constructRequest(
    engine: TestEngine,
    name: string,
    inputs: Record<string, unknown>,
    type = COMPONENT,
    dryRun = false,
): unknown {
    const req = new provproto.ConstructRequest();
    req.setProject(PROJECT);
    req.setStack(STACK);
    req.setOrganization("organization");
    req.setDryrun(dryRun);
    req.setParallel(16);
    req.setMonitorendpoint(engine.monitorAddress);
    req.setType(type);
    req.setName(name);
    req.setParent("");
    req.setInputs(structproto.Struct.fromJavaScript(inputs));
    return req;
}

/** A client of the plugin's ResourceProvider service on `port`. */
export function pluginClient(port: number): {
    construct(request: unknown, callback: (e: Error | null, r: unknown) => void): void;
    close(): void;
} {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const grpc = require("@grpc/grpc-js");
    return new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

/** Sends one Construct call; resolves with its response, or rejects with its error. */
export function construct(
    client: ReturnType<typeof pluginClient>,
    request: unknown,
): Promise<{ getState(): { toJavaScript(): Record<string, unknown> } }> {
    return new Promise((resolve, reject) =>
        client.construct(request, (error, response) => (error ? reject(error) : resolve(response as never))),
    );
}
