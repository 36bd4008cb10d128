/**
 * Runs Pulumi's TypeScript component analyzer (what `pulumi package add <repo>@<tag>` runs for this
 * `PulumiPlugin.yaml` `runtime: nodejs` package) offline on this repository, and checks the schema
 * that every other Pulumi language is generated from.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";
import { WINDOWS_VERSIONS, IMAGE_EDITIONS, IMAGE_LANGUAGES } from "../components/images/imageNames";
import { DELIVERIES, SSH_HOSTS } from "../components/activationArgs";
import { ActivationStatus } from "../components/activation/report";

const root = path.resolve(__dirname, "..");
const packageJSON = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const TOKEN = "tencentcloud-windows:index:ActivatedWindowsServer";

type Schema = ReturnType<typeof generateSchema>;
let schema: Schema;

describe("the multi-language schema (Pulumi's component analyzer)", () => {
    before(() => {
        const result = new Analyzer(root, packageJSON.name, packageJSON, new Set(["ActivatedWindowsServer"])).analyze();
        schema = generateSchema(packageJSON.name, packageJSON.version, packageJSON.description, result.components, result.typeDefinitions, result.dependencies);
    });

    test("the package name gives the component's token, and the plugin file says nodejs", () => {
        assert.equal(packageJSON.name, "tencentcloud-windows");
        assert.ok(schema.resources?.[TOKEN]?.isComponent, Object.keys(schema.resources ?? {}).join(","));
        assert.match(fs.readFileSync(path.join(root, "PulumiPlugin.yaml"), "utf8"), /^runtime: nodejs$/m);
    });

    test("every input and output is there, with its type and a description", () => {
        const server = schema.resources![TOKEN];
        const inputs = server.inputProperties!;
        const outputs = server.properties!;
        const expectInputs = [
            "windowsVersion", "windowsEdition", "imageLanguage", "imageId", "replaceOnImageChange", "availabilityZone", "instanceType", "vpcId", "subnetId", "securityGroupIds",
            "password", "hostname", "instanceName", "systemDiskType", "systemDiskSize", "publicIpBandwidthMbps", "tags", "projectId", "instanceChargeType",
            "firstBootPowerShell", "instanceSettings", "activation",
        ];
        assert.deepEqual(Object.keys(inputs).sort(), [...expectInputs].sort());
        const expectOutputs = ["instanceId", "privateIp", "publicIp", "imageId", "imageName", "osName", "activationScript", "password", "activationStatus", "activationResult", "delivery", "verifyWithTat", "keepActivated"];
        assert.deepEqual(Object.keys(outputs).sort(), [...expectOutputs].sort(), "instance (a resource reference) stays out of the schema");
        for (const [kind, props] of [["input", inputs], ["output", outputs]] as const) {
            for (const [name, prop] of Object.entries(props)) {
                const p = prop as { description?: string; type?: string; $ref?: string };
                assert.ok(p.description && !p.description.includes("[object Object]"), `${kind} ${name} has a description`);
                assert.ok(p.type || p.$ref, `${kind} ${name} has a type`);
            }
        }
        assert.deepEqual([...(server.requiredInputs ?? [])].sort(), ["availabilityZone", "instanceType", "password", "subnetId", "vpcId"]);
        assert.equal((inputs.systemDiskSize as { type: string }).type, "number");
        assert.equal((inputs.windowsVersion as { $ref: string }).$ref, "#/types/tencentcloud-windows:index:WindowsVersion");
        assert.equal((inputs.activation as { $ref: string }).$ref, "#/types/tencentcloud-windows:index:ActivationSettings");
        assert.equal((outputs.activationResult as { $ref: string }).$ref, "#/types/tencentcloud-windows:index:ActivationResult");
    });

    test("the enumerations carry the code's values", () => {
        const values = (t: string) => schema.types![`tencentcloud-windows:index:${t}`].enum!.map((e) => e.value);
        assert.deepEqual(values("WindowsVersion"), [...WINDOWS_VERSIONS]);
        assert.deepEqual(values("ImageEdition"), [...IMAGE_EDITIONS]);
        assert.deepEqual(values("ImageLanguage"), [...IMAGE_LANGUAGES]);
        assert.deepEqual(values("Delivery"), [...DELIVERIES]);
        assert.deepEqual(values("SshHost"), [...SSH_HOSTS]);
        assert.deepEqual(values("ActivationStatus"), Object.values(ActivationStatus));
    });

    test("the activation settings and the instance pass-through are object types with described properties", () => {
        const activation = schema.types!["tencentcloud-windows:index:ActivationSettings"].properties!;
        for (const key of ["kmsHost", "kmsPort", "fallbackKmsHosts", "ntpServers", "maxAttempts", "retryDelaySeconds", "installKmsClientKey", "delivery", "verifyWithTat", "replaceOnScriptChange", "tatAgentTimeoutSeconds", "tatAgentPollSeconds", "keepActivated", "keepActivatedCron"]) {
            assert.ok(activation[key]?.description, `activation.${key}`);
        }
        const result = schema.types!["tencentcloud-windows:index:ActivationResult"].properties!;
        assert.ok(result.rootCause?.description && result.checks?.description, "the diagnosis reaches every language");
        const settings = schema.types!["tencentcloud-windows:index:InstanceSettings"].properties!;
        assert.ok(settings.dataDisks && settings.camRoleName && settings.disableApiTermination, Object.keys(settings).join(","));
    });

    test("the schema cannot mark the password secret (the analyzer has no such flag); it is a secret at run time", () => {
        assert.equal(JSON.stringify(schema).includes('"secret"'), false);
    });
});
