/**
 * The library as users get it: `npm pack`, then a separate stack project with its own provider SDK
 * (as `pulumi package add terraform-provider ...` makes one) installs the packed library and runs
 * a plain JavaScript program under Pulumi's mock engine.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, test } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const NPM = "npm";
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const ROOT_PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

function run(cmd: string, args: string[], cwd: string): string {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 240000 });
}

/** The consumer's program: one server under the mock engine; prints what it registered and which SDK did it. */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const registered = [];
pulumi.runtime.setMocks({
    newResource: (a) => { registered.push(a.type); return { id: a.name + "-id", state: { ...a.inputs, privateIp: "10.0.0.5", osName: "Windows Server 2019" } }; },
    call: (a) => a.token === "tencentcloud:index/getImages:getImages"
        ? { images: [{ imageId: "img-abcdefgh", imageName: "Windows Server 2019 数据中心版 64位中文版", osName: "Windows Server 2019", platform: "Windows", imageType: "PUBLIC_IMAGE", createdTime: "2024-01-01" }] }
        : {},
}, "consumer", "dev", false);
const { ActivatedWindowsServer, WindowsVersion } = require("tencentcloud-windows");
const tencentcloud = require("@pulumi/tencentcloud");
const server = new ActivatedWindowsServer("web", {
    windowsVersion: WindowsVersion.V2019,
    availabilityZone: "ap-guangzhou-3", instanceType: "S5.MEDIUM4",
    vpcId: "vpc-1", subnetId: "subnet-1", password: "Correct-Horse-9!",
    instanceSettings: { dataDisks: [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 }] },
});
pulumi.all([server.instanceId, server.activationStatus]).apply(([id, status]) => {
    console.log(JSON.stringify({
        id, status, registered,
        consumersSdk: server.instance instanceof tencentcloud.Instance,
        sdk: require.resolve("@pulumi/tencentcloud"),
    }));
});
`;

/** Pulumi's TypeScript project template's compiler options: how a user's stack project compiles. */
const USER_TSCONFIG = {
    compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        experimentalDecorators: true,
        pretty: true,
        noFallthroughCasesInSwitch: true,
        noImplicitReturns: true,
        forceConsistentCasingInFileNames: true,
    },
};

/** The examples a user copies: each as the `index.ts` of its own stack project. */
const EXAMPLES = ["basic", "fleet"];

let tmp: string;
let consumer: string;
let packed: { filename: string; files: { path: string }[] };

before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcw-consumer-"));
    packed = JSON.parse(run(NPM, ["pack", "--json", "--pack-destination", tmp], ROOT))[0];
    consumer = path.join(tmp, "consumer");
    fs.mkdirSync(consumer);
    fs.cpSync(path.join(ROOT, "sdks", "tencentcloud"), path.join(consumer, "sdks", "tencentcloud"), {
        recursive: true,
        filter: (src) => !/[\\/](bin|node_modules)$/.test(src),
    });
    const devDependencies = { "@types/node": ROOT_PACKAGE.devDependencies["@types/node"] };
    fs.writeFileSync(
        path.join(consumer, "package.json"),
        JSON.stringify({
            name: "consumer",
            private: true,
            dependencies: { "@pulumi/pulumi": "3.248.0", "@pulumi/tencentcloud": "file:sdks/tencentcloud" },
            devDependencies,
        }),
    );
    run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline"], consumer);
    // The generated SDK builds itself when installed; npm may skip dependencies' scripts, so build it here.
    run(process.execPath, [TSC, "-p", path.join(consumer, "sdks", "tencentcloud")], consumer);
    run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(tmp, packed.filename)], consumer);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test(
    "npm pack holds the library only; a stack project with its own SDK installs it and declares a server through that SDK",
    { timeout: 300000 },
    () => {
        const files: string[] = packed.files.map((f) => f.path);
        assert.deepEqual(
            files.filter((f) => !f.startsWith("bin/") && f !== "package.json" && f !== "README.md"),
            [],
            "nothing but the library",
        );
        assert.ok(
            files.includes("bin/index.js") &&
                files.includes("bin/index.d.ts") &&
                files.includes("bin/components/activatedWindowsServer.js"),
        );
        assert.ok(!files.some((f) => /test|stacks|sdks|bench/.test(f)), files.join(","));

        const copies = run(NPM, ["ls", "@pulumi/tencentcloud", "--all", "--parseable"], consumer).trim().split("\n");
        assert.deepEqual(
            [...new Set(copies.map((p) => fs.realpathSync(p)))],
            [fs.realpathSync(path.join(consumer, "sdks", "tencentcloud"))],
            "one @pulumi/tencentcloud: the consumer's",
        );
        assert.ok(
            !fs.existsSync(
                path.join(consumer, "node_modules", "tencentcloud-windows", "node_modules", "@pulumi", "tencentcloud"),
            ),
        );
        assert.ok(
            fs.existsSync(path.join(consumer, "node_modules", "@pulumi", "command")),
            "the @pulumi/command peer was installed",
        );

        fs.writeFileSync(path.join(consumer, "program.js"), PROGRAM);
        const out = JSON.parse(run(process.execPath, ["program.js"], consumer).trim().split("\n").pop()!);
        assert.equal(out.status, "PendingFirstBoot");
        assert.ok(
            out.registered.includes("tencentcloud:index/instance:Instance") &&
                out.registered.includes("tencentcloud-windows:index:ActivatedWindowsServer"),
        );
        assert.equal(out.consumersSdk, true, "the Instance is the consumer's SDK class");
        assert.equal(
            fs.realpathSync(out.sdk).startsWith(fs.realpathSync(path.join(consumer, "sdks", "tencentcloud"))),
            true,
            out.sdk,
        );
    },
);

test(
    "the TypeScript examples compile unchanged as the index.ts of a user's own stack project that installed the packed library",
    { timeout: 120000 },
    () => {
        for (const example of EXAMPLES) {
            const source = fs.readFileSync(path.join(ROOT, "stacks", example, "index.ts"), "utf8");
            assert.doesNotMatch(
                source,
                /from "\.{1,2}\//,
                `stacks/${example}/index.ts imports a file of this repository`,
            );
            const project = path.join(consumer, example);
            fs.mkdirSync(project);
            fs.writeFileSync(path.join(project, "index.ts"), source);
            fs.writeFileSync(
                path.join(project, "tsconfig.json"),
                JSON.stringify({ ...USER_TSCONFIG, files: ["index.ts"] }),
            );
            try {
                run(process.execPath, [TSC, "-p", project, "--noEmit"], project);
            } catch (e) {
                assert.fail(
                    `stacks/${example}/index.ts does not compile in a user's project: ${(e as { stdout?: string }).stdout}`,
                );
            }
        }
    },
);
