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
import { ACTIVATION_MODES } from "../components/fleetArgs";

const root = path.resolve(__dirname, "..");
const packageJSON = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const TOKEN = "tencentcloud-windows:index:ActivatedWindowsServer";
const FLEET_TOKEN = "tencentcloud-windows:index:WindowsActivation";

type Schema = ReturnType<typeof generateSchema>;
let schema: Schema;

describe("the multi-language schema (Pulumi's component analyzer)", () => {
    before(() => {
        const result = new Analyzer(
            root,
            packageJSON.name,
            packageJSON,
            new Set(["ActivatedWindowsServer", "WindowsActivation"]),
        ).analyze();
        schema = generateSchema(
            packageJSON.name,
            packageJSON.version,
            packageJSON.description,
            result.components,
            result.typeDefinitions,
            result.dependencies,
        );
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
            "windowsVersion",
            "windowsEdition",
            "imageLanguage",
            "imageId",
            "replaceOnImageChange",
            "availabilityZone",
            "instanceType",
            "vpcId",
            "subnetId",
            "securityGroupIds",
            "password",
            "hostname",
            "instanceName",
            "systemDiskType",
            "systemDiskSize",
            "publicIpBandwidthMbps",
            "tags",
            "projectId",
            "instanceChargeType",
            "firstBootPowerShell",
            "instanceSettings",
            "activation",
        ];
        assert.deepEqual(Object.keys(inputs).sort(), [...expectInputs].sort());
        const expectOutputs = [
            "instanceId",
            "privateIp",
            "publicIp",
            "imageId",
            "imageName",
            "osName",
            "activationScript",
            "password",
            "activationStatus",
            "activationResult",
            "delivery",
            "verifyWithTat",
            "keepActivated",
        ];
        assert.deepEqual(
            Object.keys(outputs).sort(),
            [...expectOutputs].sort(),
            "instance (a resource reference) stays out of the schema",
        );
        for (const [kind, props] of [
            ["input", inputs],
            ["output", outputs],
        ] as const) {
            for (const [name, prop] of Object.entries(props)) {
                const p = prop as { description?: string; type?: string; $ref?: string };
                assert.ok(
                    p.description && !p.description.includes("[object Object]"),
                    `${kind} ${name} has a description`,
                );
                assert.ok(p.type || p.$ref, `${kind} ${name} has a type`);
            }
        }
        assert.deepEqual([...(server.requiredInputs ?? [])].sort(), [
            "availabilityZone",
            "instanceType",
            "password",
            "subnetId",
            "vpcId",
        ]);
        assert.equal((inputs.systemDiskSize as { type: string }).type, "number");
        assert.equal(
            (inputs.windowsVersion as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:WindowsVersion",
        );
        assert.equal(
            (inputs.activation as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:ActivationSettings",
        );
        assert.equal(
            (outputs.activationResult as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:ActivationResult",
        );
    });

    test("WindowsActivation is a component of the same package, with its inputs, outputs and types described", () => {
        const fleet = schema.resources?.[FLEET_TOKEN];
        assert.ok(fleet?.isComponent, Object.keys(schema.resources ?? {}).join(","));
        assert.deepEqual(Object.keys(fleet.inputProperties!).sort(), ["activation", "instanceIds", "mode", "strict"]);
        assert.deepEqual([...(fleet.requiredInputs ?? [])], ["instanceIds"]);
        assert.deepEqual(Object.keys(fleet.properties!).sort(), [
            "activationScript",
            "keepActivated",
            "mode",
            "results",
            "summary",
        ]);
        const ids = fleet.inputProperties!.instanceIds as { type: string; items: { type: string }; plain?: boolean };
        assert.equal(ids.type, "array");
        assert.equal(ids.items.type, "string");
        assert.equal(ids.plain, undefined, "instanceIds takes outputs (from Instance.get or a stack reference)");
        assert.equal(
            (fleet.inputProperties!.activation as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:TatActivationSettings",
        );
        const results = fleet.properties!.results as { type: string; additionalProperties: { $ref: string } };
        assert.equal(results.type, "object");
        assert.equal(results.additionalProperties.$ref, "#/types/tencentcloud-windows:index:InstanceActivation");
        assert.equal(
            (fleet.properties!.summary as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:FleetSummary",
        );
        const tat = schema.types!["tencentcloud-windows:index:TatActivationSettings"].properties!;
        for (const key of [
            "kmsHost",
            "maxAttempts",
            "failOnActivationError",
            "tatAgentTimeoutSeconds",
            "keepActivated",
            "keepActivatedCron",
        ]) {
            assert.ok(tat[key]?.description, `activation.${key}`);
        }
        assert.equal(tat.delivery, undefined, "TAT only: no delivery choice");
        const summary = schema.types!["tencentcloud-windows:index:FleetSummary"].properties!;
        assert.deepEqual(Object.keys(summary).sort(), [
            "failed",
            "failures",
            "licensed",
            "runAgain",
            "skipped",
            "skips",
            "unknown",
        ]);
        const instance = schema.types!["tencentcloud-windows:index:InstanceActivation"].properties!;
        assert.equal((instance.result as { $ref: string }).$ref, "#/types/tencentcloud-windows:index:ActivationResult");
        assert.equal(
            (instance.diagnosis as { $ref: string }).$ref,
            "#/types/tencentcloud-windows:index:ActivationDiagnosis",
        );
        assert.equal((instance.instance as { $ref: string }).$ref, "#/types/tencentcloud-windows:index:InstanceFacts");
        assert.equal((fleet.inputProperties!.strict as { type: string }).type, "boolean");
    });

    test("the YAML examples use only inputs and outputs the schema has, with valid enum values", () => {
        // js-yaml ships with @pulumi/pulumi (which reads Pulumi.yaml with it).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const yaml: { load(text: string): any } = require("js-yaml");
        for (const [file, token] of [
            ["stacks/yaml/Pulumi.yaml", TOKEN],
            ["stacks/yaml-fleet/Pulumi.yaml", FLEET_TOKEN],
        ]) {
            const program = yaml.load(fs.readFileSync(path.join(root, file), "utf8"));
            const [name, resource] = Object.entries(
                program.resources as Record<string, { type: string; properties: Record<string, unknown> }>,
            ).find(([, r]) => r.type === token)!;
            const component = schema.resources![token];
            for (const key of Object.keys(resource.properties)) {
                assert.ok(component.inputProperties![key], `${file}: ${key} is an input of ${token}`);
            }
            for (const required of component.requiredInputs ?? []) {
                assert.ok(required in resource.properties, `${file}: ${required} is set`);
            }
            for (const value of Object.values(program.outputs as Record<string, string>)) {
                const m = /^\$\{(\w+)\.(\w+)\}$/.exec(value);
                assert.ok(
                    m && m[1] === name && component.properties![m[2]],
                    `${file}: output ${value} is an output of ${token}`,
                );
            }
        }
        const fleetProgram = yaml.load(fs.readFileSync(path.join(root, "stacks/yaml-fleet/Pulumi.yaml"), "utf8"));
        assert.ok(ACTIVATION_MODES.includes(fleetProgram.config.mode.default), "the default mode is a mode");
        const activation = schema.types!["tencentcloud-windows:index:TatActivationSettings"].properties!;
        for (const key of Object.keys(fleetProgram.resources.fleet.properties.activation)) {
            assert.ok(activation[key], `activation.${key}`);
        }
    });

    test("the enumerations carry the code's values", () => {
        const values = (t: string) => schema.types![`tencentcloud-windows:index:${t}`].enum!.map((e) => e.value);
        assert.deepEqual(values("WindowsVersion"), [...WINDOWS_VERSIONS]);
        assert.deepEqual(values("ImageEdition"), [...IMAGE_EDITIONS]);
        assert.deepEqual(values("ImageLanguage"), [...IMAGE_LANGUAGES]);
        assert.deepEqual(values("Delivery"), [...DELIVERIES]);
        assert.deepEqual(values("SshHost"), [...SSH_HOSTS]);
        assert.deepEqual(values("ActivationStatus"), Object.values(ActivationStatus));
        assert.deepEqual(values("ActivationMode"), [...ACTIVATION_MODES]);
    });

    test("the activation settings and the instance pass-through are object types with described properties", () => {
        const activation = schema.types!["tencentcloud-windows:index:ActivationSettings"].properties!;
        for (const key of [
            "kmsHost",
            "kmsPort",
            "fallbackKmsHosts",
            "ntpServers",
            "maxAttempts",
            "retryDelaySeconds",
            "installKmsClientKey",
            "delivery",
            "verifyWithTat",
            "replaceOnScriptChange",
            "tatAgentTimeoutSeconds",
            "tatAgentPollSeconds",
            "keepActivated",
            "keepActivatedCron",
        ]) {
            assert.ok(activation[key]?.description, `activation.${key}`);
        }
        const result = schema.types!["tencentcloud-windows:index:ActivationResult"].properties!;
        assert.ok(result.rootCause?.description && result.checks?.description, "the diagnosis reaches every language");
        const settings = schema.types!["tencentcloud-windows:index:InstanceSettings"].properties!;
        assert.ok(
            settings.dataDisks && settings.camRoleName && settings.disableApiTermination,
            Object.keys(settings).join(","),
        );
    });

    test("the schema cannot mark the password secret (the analyzer has no such flag); it is a secret at run time", () => {
        assert.equal(JSON.stringify(schema).includes('"secret"'), false);
    });
});
