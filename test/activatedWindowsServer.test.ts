import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { useMockCloud } from "./support/mockProgram";
import { isSecretValue, valueOf } from "./support/mockCloud";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { BAD_SECRET_PASSWORD } from "./support/failingProgram";
import { PACKED_TEXT, expanded } from "./support/carrier";

const { cloud, mod } = useMockCloud();

const PASSWORD = "Test(Passw0rd)x";
const base = {
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-1",
    subnetId: "subnet-1",
    password: PASSWORD,
};

function resourcesOf(name: string) {
    return cloud.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
}

describe("ActivatedWindowsServer resource graph", () => {
    test("user data delivery: a component and one Instance, parented, with the expected inputs", async () => {
        const server = new mod.ActivatedWindowsServer("ud", {
            ...base,
            windowsVersion: "2019",
            securityGroupIds: ["sg-1"],
            hostname: "web-01",
            tags: { team: "a" },
        });
        await valueOf(server.instanceId);
        assert.equal(await valueOf(server.imageId), "img-2019zh01");
        assert.equal(await valueOf(server.activationStatus), "PendingFirstBoot");
        assert.equal(await valueOf(server.activationResult), undefined);
        const rs = resourcesOf("ud");
        assert.deepEqual(
            rs.map((r) => [r.type, r.name]),
            [
                ["tencentcloud-windows:index:ActivatedWindowsServer", "ud"],
                ["tencentcloud:index/instance:Instance", "ud-instance"],
            ],
        );
        const inputs = rs[1].inputs;
        assert.equal(inputs.imageId, "img-2019zh01");
        assert.equal(inputs.availabilityZone, "ap-guangzhou-3");
        assert.deepEqual(inputs.orderlySecurityGroups, ["sg-1"]);
        assert.equal(inputs.hostname, "web-01");
        assert.equal(inputs.instanceName, "ud");
        assert.equal(inputs.allocatePublicIp, false);
        assert.equal(
            inputs.userDataReplaceOnChange,
            undefined,
            "a changed script never replaces the server by default",
        );
        assert.deepEqual(rs[1].options.ignoreChanges, [
            "imageId",
            "disableSecurityService",
            "disableMonitorService",
            "userDataRaw",
        ]);
        assert.equal(inputs.disableAutomationService, false);
        assert.match(inputs.userDataRaw, /^<powershell>\n/);
        assert.ok(Buffer.byteLength(inputs.userDataRaw) < 16 * 1024);
        assert.equal(await valueOf(server.instanceId), rs[1].id);
        assert.match(await valueOf(server.privateIp), /^10\.0\.0\.\d+$/);
    });

    test("the instance's parent is the component (URN chain)", async () => {
        const server = new mod.ActivatedWindowsServer("par", { ...base, windowsVersion: "2022" });
        const urn = await valueOf(server.instance.urn);
        assert.match(
            urn,
            /tencentcloud-windows:index:ActivatedWindowsServer\$tencentcloud:index\/instance:Instance::par-instance$/,
        );
    });

    test("publicIpBandwidthMbps allocates a public IP with traffic billing", async () => {
        const server = new mod.ActivatedWindowsServer("pub", {
            ...base,
            windowsVersion: "2022",
            publicIpBandwidthMbps: 20,
        });
        await valueOf(server.instanceId);
        const inputs = resourcesOf("pub").find((r) => r.name === "pub-instance")!.inputs;
        assert.equal(inputs.allocatePublicIp, true);
        assert.equal(inputs.internetMaxBandwidthOut, 20);
        assert.equal(inputs.internetChargeType, "TRAFFIC_POSTPAID_BY_HOUR");
        assert.match((await valueOf(server.publicIp)) ?? "", /^203\.0\.113\./);
    });

    test("activationScript output is the rendered script with the given activation options", async () => {
        const activation = {
            kmsHost: "kms.example.internal",
            fallbackKmsHosts: [],
            ntpServers: ["10.0.0.1"],
            maxAttempts: 3,
        };
        const server = new mod.ActivatedWindowsServer("opt", { ...base, windowsVersion: "2016", activation });
        const script = await valueOf(server.activationScript);
        assert.equal(
            script,
            mod.renderActivationScript({
                kmsHost: "kms.example.internal",
                fallbackKmsHosts: [],
                ntpServers: ["10.0.0.1"],
                maxAttempts: 3,
            }),
        );
        assert.match(script, /set "KMS_HOST_1=kms\.example\.internal"/);
        assert.doesNotMatch(script, /KMS_HOST_2/);
    });
});

describe("the user's own first boot and instance settings", () => {
    test("instanceSettings reach the Instance (a data disk, a CAM role); firstBootPowerShell joins the user data", async () => {
        const server = new mod.ActivatedWindowsServer("pass", {
            ...base,
            windowsVersion: "2022",
            firstBootPowerShell: "Install-WindowsFeature Web-Server",
            instanceSettings: {
                dataDisks: [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 }],
                camRoleName: "cvm-role",
                disableApiTermination: true,
            },
        });
        await valueOf(server.instanceId);
        const inputs = cloud.resources.find((r) => r.name === "pass-instance")!.inputs;
        assert.deepEqual(inputs.dataDisks, [{ dataDiskType: "CLOUD_PREMIUM", dataDiskSize: 100 }]);
        assert.equal(inputs.camRoleName, "cvm-role");
        assert.equal(inputs.disableApiTermination, true);
        const packed = [...inputs.userDataRaw.matchAll(new RegExp(`Expand-Packed '(${PACKED_TEXT}+)'`, "g"))].map((m) =>
            expanded(m[1]).toString("utf8"),
        );
        assert.ok(
            packed.includes("\ufeffInstall-WindowsFeature Web-Server"),
            "the user's code is in the user data, packed (UTF-8 with a BOM)",
        );
        assert.equal(inputs.disableAutomationService, false);
    });

    test("a secret firstBootPowerShell keeps the user data secret", async () => {
        const server = new mod.ActivatedWindowsServer("passsec", {
            ...base,
            windowsVersion: "2022",
            firstBootPowerShell: pulumi.secret("net user x Secret(1)Pw /add"),
        });
        await valueOf(server.instanceId);
        assert.ok(isSecretValue(cloud.resources.find((r) => r.name === "passsec-instance")!.inputs.userDataRaw));
    });

    for (const key of [
        "imageId",
        "password",
        "userData",
        "userDataRaw",
        "vpcId",
        "subnetId",
        "orderlySecurityGroups",
        "securityGroups",
        "disableAutomationService",
        "availabilityZone",
        "keepImageLogin",
        "hostname",
        "tags",
    ]) {
        test(`instanceSettings.${key} is refused by name, before any resource`, async () => {
            const name = `owned-${key}`;
            assert.throws(
                () =>
                    new mod.ActivatedWindowsServer(name, {
                        ...base,
                        windowsVersion: "2022",
                        instanceSettings: { [key]: "x" } as never,
                    }),
                (e: unknown) => e instanceof mod.ArgumentError && e.field === `instanceSettings.${key}`,
            );
            await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
            assert.deepEqual(
                cloud.resources.filter((r) => r.name.startsWith(name)),
                [],
            );
        });
    }
});

describe("image selection through getImages", () => {
    const getImagesCalls = () => cloud.calls.filter((c) => c.token === "tencentcloud:index/getImages:getImages");

    test("many servers of one version make one getImages invoke; a second version makes one more", async () => {
        const before = getImagesCalls().length;
        const servers = Array.from(
            { length: 12 },
            (_, i) => new mod.ActivatedWindowsServer(`many${i}`, { ...base, windowsVersion: "2012R2" }),
        );
        const ids = await Promise.all(servers.map((s) => valueOf(s.imageId)));
        assert.deepEqual(new Set(ids), new Set(["img-12r2zh01"]));
        assert.equal(getImagesCalls().length - before, 1);
        const en = new mod.ActivatedWindowsServer("many-en", {
            ...base,
            windowsVersion: "2012R2",
            imageLanguage: "en",
        });
        assert.equal(await valueOf(en.imageId), "img-12r2en01");
        assert.equal(getImagesCalls().length - before, 1, "language is filtered locally: the same query serves both");
        const std = new mod.ActivatedWindowsServer("many-std", {
            ...base,
            windowsVersion: "2012R2",
            windowsEdition: "Standard",
        });
        assert.equal(await valueOf(std.imageId), "img-12r2st01");
        const v2025 = new mod.ActivatedWindowsServer("many-2025", { ...base, windowsVersion: "2025" });
        assert.equal(await valueOf(v2025.imageId), "img-2025zh01");
        assert.equal(getImagesCalls().length - before, 2);
    });

    test("2008 R2 defaults to the Enterprise image, which has no language suffix", async () => {
        const server = new mod.ActivatedWindowsServer("old", { ...base, windowsVersion: "2008R2" });
        assert.equal(await valueOf(server.imageId), "img-08r2zh01");
    });
});

describe("validation before any resource", () => {
    const cases: [string, Record<string, unknown>, string][] = [
        ["no version or image", { windowsVersion: undefined }, "windowsVersion"],
        ["unknown version", { windowsVersion: "2003" }, "windowsVersion"],
        ["bad edition", { windowsEdition: "Home" }, "windowsEdition"],
        ["bad language", { imageLanguage: "fr" }, "imageLanguage"],
        ["bad image id", { imageId: "img-1 & calc" }, "imageId"],
        ["missing zone", { availabilityZone: undefined }, "availabilityZone"],
        ["missing password", { password: undefined }, "password"],
        ["bandwidth 0", { publicIpBandwidthMbps: 0 }, "publicIpBandwidthMbps"],
        ["bandwidth float", { publicIpBandwidthMbps: 1.5 }, "publicIpBandwidthMbps"],
        ["disk too small", { systemDiskSize: 10 }, "systemDiskSize"],
        ["plain bad password", { password: "short" }, "password"],
        ["plain bad hostname", { hostname: "a.b" }, "hostname"],
        ["host with &", { activation: { kmsHost: "kms.tencentyun.com&calc" } }, "activation.kmsHost"],
        ["port out of range", { activation: { kmsPort: 70000 } }, "activation.kmsPort"],
        ["ntp with newline", { activation: { ntpServers: ["a.com\r\nnet user x"] } }, "activation.ntpServers[0]"],
        [
            "fallback with %",
            { activation: { fallbackKmsHosts: ["kms1.tencentyun.com", "%COMSPEC%"] } },
            "activation.fallbackKmsHosts[1]",
        ],
        ["attempts 0", { activation: { maxAttempts: 0 } }, "activation.maxAttempts"],
        ["delay too long", { activation: { retryDelaySeconds: 601 } }, "activation.retryDelaySeconds"],
        ["unknown delivery", { activation: { delivery: "winrm" } }, "activation.delivery"],
        ["unknown activation key", { activation: { kmsHots: "x" } }, "activation.kmsHots"],
        [
            "ssh without cidrs",
            { windowsVersion: "2022", activation: { delivery: "ssh" } },
            "activation.sshAllowedCidrs",
        ],
        [
            "ssh open to a bad cidr",
            { windowsVersion: "2022", activation: { delivery: "ssh", sshAllowedCidrs: ["0.0.0.0/33"] } },
            "activation.sshAllowedCidrs[0]",
        ],
        [
            "ssh public without ip",
            {
                windowsVersion: "2022",
                activation: { delivery: "ssh", sshHost: "public", sshAllowedCidrs: ["10.0.0.0/8"] },
            },
            "activation.sshHost",
        ],
        [
            "openssh on 2016",
            { windowsVersion: "2016", activation: { delivery: "ssh", sshAllowedCidrs: ["10.0.0.0/8"] } },
            "activation.enableOpenSsh",
        ],
        [
            "verify with tat delivery",
            { activation: { delivery: "tat", verifyWithTat: true } },
            "activation.verifyWithTat",
        ],
        [
            "agent wait 0 s",
            { activation: { delivery: "tat", tatAgentTimeoutSeconds: 0 } },
            "activation.tatAgentTimeoutSeconds",
        ],
        [
            "agent poll too slow",
            { activation: { delivery: "tat", tatAgentPollSeconds: 601 } },
            "activation.tatAgentPollSeconds",
        ],
        [
            "replaceOnScriptChange not boolean",
            { activation: { replaceOnScriptChange: "yes" } },
            "activation.replaceOnScriptChange",
        ],
        ["replaceOnImageChange not boolean", { replaceOnImageChange: "yes" }, "replaceOnImageChange"],
        [
            "ntp flags out of range",
            { activation: { ntpServers: ["time.example.com,0x10"] } },
            "activation.ntpServers[0]",
        ],
        [
            "cron with 6 fields",
            { activation: { keepActivated: true, keepActivatedCron: "0 0 3 * * 0" } },
            "activation.keepActivatedCron",
        ],
        [
            "cron hour 24",
            { activation: { keepActivated: true, keepActivatedCron: "0 24 * * *" } },
            "activation.keepActivatedCron",
        ],
        [
            "cron injection",
            { activation: { keepActivated: true, keepActivatedCron: "0 3 * * 0 & calc" } },
            "activation.keepActivatedCron",
        ],
        [
            "cron without keepActivated",
            { activation: { keepActivatedCron: "0 3 * * 0" } },
            "activation.keepActivatedCron",
        ],
    ];
    for (const [title, override, field] of cases) {
        test(`${title}: ArgumentError naming ${field}, nothing registered`, async () => {
            const args = { ...base, windowsVersion: "2022", ...override } as any;
            assert.throws(
                () => new mod.ActivatedWindowsServer(`invalid-${title}`, args),
                (e: any) => e instanceof mod.ArgumentError && e.field === field && e.message.includes(field),
            );
            // Registrations reach the mock engine asynchronously: wait until every RPC has finished.
            await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
            assert.deepEqual(
                cloud.resources.filter((r) => r.name.startsWith(`invalid-${title}`)),
                [],
            );
        });
    }
});

describe("the component's own secrets", () => {
    const marker = "Unique(Secret)42";
    const deliveries = {
        userData: { verifyWithTat: true },
        tat: { delivery: "tat" as const },
        ssh: { delivery: "ssh" as const, sshAllowedCidrs: ["10.0.0.0/8"] },
    };
    for (const [delivery, activation] of Object.entries(deliveries)) {
        test(`${delivery}: the password is secret where it must travel and absent everywhere else (inputs, user data, command texts, outputs)`, async () => {
            const name = `sec-${delivery}`;
            const server = new mod.ActivatedWindowsServer(name, {
                ...base,
                windowsVersion: "2022",
                password: marker,
                activation,
            });
            await valueOf(server.activationStatus);
            const mine = cloud.resources.filter(
                (r) =>
                    r.name === name ||
                    r.name.startsWith(`${name}-`) ||
                    r.type === "tencentcloud:index/tatCommand:TatCommand",
            );
            const instance = mine.find((r) => r.name === `${name}-instance`)!;
            assert.ok(isSecretValue(instance.inputs.password), "the component marks the instance's password secret");
            for (const r of mine.filter((r) => r.type.startsWith("command:remote:"))) {
                assert.ok(
                    isSecretValue(r.inputs.connection),
                    `${r.name}: the connection (with the password) is secret`,
                );
            }
            const rest = mine.map((r) => ({ ...r.inputs, password: undefined, connection: undefined }));
            assert.ok(
                !JSON.stringify(rest).includes(marker),
                "no other input (user data, TAT content, SSH command, copied carrier) carries the password",
            );
            assert.equal(await pulumi.isSecret(server.password), true);
            for (const [key, output] of Object.entries(server)) {
                if (pulumi.Output.isInstance(output) && key !== "password") {
                    assert.ok(
                        !JSON.stringify((await valueOf(output as pulumi.Output<unknown>)) ?? "").includes(marker),
                        `output ${key}`,
                    );
                }
            }
        });
    }

    test("a secret password that breaks the rule fails the program naming the field, without the value, and no instance is created", () => {
        const run = spawnSync(
            process.execPath,
            ["--import", "tsx", path.join(__dirname, "support", "failingProgram.ts"), "secretPassword"],
            { encoding: "utf8", timeout: 60000 },
        );
        assert.notEqual(run.status, 0);
        const text = run.stdout + run.stderr;
        assert.match(text, /Invalid argument 'password': must be 12 to 30 characters/);
        assert.ok(!text.includes(BAD_SECRET_PASSWORD), "the value is not printed");
        assert.match(
            run.stdout,
            /^registered: failing-secretPassword$/m,
            "only the component reached the engine: no instance",
        );
    });
});
