/**
 * Property-based hostile-input tests (fast-check) of ActivatedWindowsServer's top-level arguments,
 * under the mock engine: a hostile password, hostname, imageId, windowsVersion or
 * publicIpBandwidthMbps is refused by name without the value, or reaches the instance as given
 * (the password only as a secret) and leaves the user data's script unchanged.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ActivatedWindowsServer } from "../components/activatedWindowsServer";
import { ActivatedWindowsServerArgs } from "../components/serverArgs";
import { renderActivationScript } from "../components/activation/script";
import { renderUserData } from "../components/delivery/userData";
import { WINDOWS_VERSIONS } from "../components/images/imageNames";
import {
    Branches,
    PIECES,
    RUNS,
    Tagged,
    addCanary,
    assertRefusal,
    canaryMessages,
    ensureCanaries,
    enumValue,
    hostileString,
    hostnameValue,
    intValue,
    nonString,
    passwordValue,
    refusalOf,
} from "./support/hostileInput";
import { MockCloud, SAMPLE_IMAGES, isSecretValue, valueOf } from "./support/mockCloud";

// ---------------------------------------------------------------------------------------------
// Top-level arguments through the component, under the mock engine
// ---------------------------------------------------------------------------------------------

const cloud = new MockCloud();
let mocksReady: Promise<void> | undefined;
const useMocks = () => (mocksReady ??= cloud.start("tencentcloud-windows", "hostile"));
let serial = 0;
const PASSWORD = "Str0ng(Passw0rd)";
const BASE_ARGS: ActivatedWindowsServerArgs = {
    windowsVersion: "2022",
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-hostile1",
    subnetId: "subnet-hostile1",
    password: PASSWORD,
};
const INSTANCE = "tencentcloud:index/instance:Instance";

function componentCanaries(): void {
    ensureCanaries();
    if (canaryMessages.has("imageId")) {
        return;
    }
    const build = (args: Partial<ActivatedWindowsServerArgs>) => () =>
        new ActivatedWindowsServer(`canary-${serial++}`, { ...BASE_ARGS, ...args } as ActivatedWindowsServerArgs);
    addCanary(build({ windowsVersion: "x" as never }));
    addCanary(build({ windowsVersion: undefined }));
    addCanary(build({ imageId: "x" }));
    addCanary(build({ publicIpBandwidthMbps: 0 }));
    addCanary(build({ password: "" }));
}

/** Every plain string in recorded inputs, skipping secret values. */
function plainStrings(value: unknown, out: string[] = []): string[] {
    if (isSecretValue(value)) {
        return out;
    }
    if (typeof value === "string") {
        out.push(value);
    } else if (Array.isArray(value)) {
        value.forEach((v) => plainStrings(v, out));
    } else if (value !== null && typeof value === "object") {
        Object.values(value).forEach((v) => plainStrings(v, out));
    }
    return out;
}

function secretValueOf(value: unknown): unknown {
    assert.ok(isSecretValue(value), "expected a secret input");
    return (value as { value: unknown }).value;
}

/** Builds a server with one argument replaced; returns the refusal or the recorded resources of the server. */
async function buildServer(
    args: ActivatedWindowsServerArgs,
): Promise<{ error: unknown } | { server: ActivatedWindowsServer; name: string }> {
    await useMocks();
    componentCanaries();
    const name = `h${serial++}`;
    let server: ActivatedWindowsServer | undefined;
    const error = refusalOf(() => (server = new ActivatedWindowsServer(name, args)));
    if (error !== undefined) {
        return { error };
    }
    await valueOf(server!.instanceId);
    await valueOf(server!.activationStatus);
    return { server: server!, name };
}

function recorded(name: string, type = INSTANCE) {
    const r = cloud.resources.find((x) => x.type === type && x.name.startsWith(`${name}-`));
    assert.ok(r !== undefined, `no ${type} recorded for ${name}`);
    return r;
}

test("ActivatedWindowsServer: hostile password, hostname, imageId, windowsVersion, publicIpBandwidthMbps", async () => {
    await useMocks();
    const imageIdValue: fc.Arbitrary<Tagged> = fc.oneof(
        { weight: 2, arbitrary: fc.stringMatching(/^img-[a-z0-9]{8}$/).map((value) => ({ value, valid: true })) },
        {
            weight: 2,
            arbitrary: fc
                .tuple(fc.stringMatching(/^img-[a-z0-9]{8}$/), fc.nat(), fc.constantFrom(...PIECES, "A", "\n"))
                .map(([v, at, p]) => ({ value: v.slice(0, at % 13) + p + v.slice(at % 13), valid: false })),
        },
        { weight: 2, arbitrary: hostileString.map((value) => ({ value, valid: false })) },
        { weight: 1, arbitrary: nonString.filter((v) => v !== undefined).map((value) => ({ value, valid: false })) },
    );
    const cases = fc.oneof(
        fc.record({ field: fc.constant("password" as const), t: passwordValue, ssh: fc.boolean() }),
        fc.record({ field: fc.constant("hostname" as const), t: hostnameValue, ssh: fc.constant(false) }),
        fc.record({ field: fc.constant("imageId" as const), t: imageIdValue, ssh: fc.constant(false) }),
        fc.record({
            field: fc.constant("windowsVersion" as const),
            t: enumValue(WINDOWS_VERSIONS),
            ssh: fc.constant(false),
        }),
        fc.record({
            field: fc.constant("publicIpBandwidthMbps" as const),
            t: intValue(1, 1000),
            ssh: fc.constant(false),
        }),
    );
    const branches: Record<string, Branches> = {};
    await fc.assert(
        fc.asyncProperty(cases, async ({ field, t: { value, valid }, ssh }) => {
            const b = (branches[field] ??= new Branches());
            const args: Record<string, unknown> = { ...BASE_ARGS, [field]: value };
            if (ssh) {
                Object.assign(args, {
                    publicIpBandwidthMbps: 10,
                    activation: { delivery: "ssh", sshAllowedCidrs: ["198.51.100.0/24"] },
                });
            }
            if (field === "imageId" && typeof value === "string") {
                cloud.images = [
                    ...SAMPLE_IMAGES,
                    {
                        imageId: value,
                        imageName: "Windows Server 2022 数据中心版 64位中文版",
                        osName: "Windows Server 2022",
                        platform: "Windows",
                        imageType: "PUBLIC_IMAGE",
                        architecture: "x86_64",
                        createdTime: "2025-01-01 00:00:00",
                    },
                ];
            }
            const built = await buildServer(args as unknown as ActivatedWindowsServerArgs);
            if ("error" in built) {
                b.refused++;
                assertRefusal(built.error, new RegExp(`^${field}$`), value);
                assert.ok(!valid, `a valid ${field} was refused: ${String(built.error)}`);
                return;
            }
            b.accepted++;
            const instance = recorded(built.name);
            const allPlain = cloud.resources
                .filter((r) => r.name.startsWith(`${built.name}-`) || r.name === built.name)
                .flatMap((r) => plainStrings(r.inputs));
            switch (field) {
                case "password":
                    assert.ok(typeof value === "string" && value.length >= 12 && value.length <= 30);
                    assert.equal(secretValueOf(instance.inputs.password), value);
                    assert.ok(
                        !allPlain.some((s) => s.includes(value)),
                        "the password appears in a plain (non-secret) input",
                    );
                    if (ssh) {
                        for (const type of ["command:remote:Command", "command:remote:CopyToRemote"]) {
                            const r = recorded(built.name, type);
                            // The whole connection is secret (or at least its password).
                            const connection = r.inputs.connection;
                            const password = isSecretValue(connection)
                                ? (secretValueOf(connection) as { password: unknown }).password
                                : secretValueOf((connection as { password: unknown }).password);
                            assert.equal(password, value);
                        }
                        assert.ok(
                            !String(recorded(built.name, "command:remote:Command").inputs.create).includes(value),
                        );
                    }
                    break;
                case "hostname":
                    assert.ok(typeof value === "string" && /^[A-Za-z0-9-]{2,15}$/.test(value) && !/^\d+$/.test(value));
                    assert.equal(instance.inputs.hostname, value);
                    break;
                case "imageId":
                    assert.ok(
                        typeof value === "string" && /^img-[a-z0-9]{8}$/.test(value),
                        `accepted imageId ${JSON.stringify(value)}`,
                    );
                    assert.equal(instance.inputs.imageId, value);
                    break;
                case "windowsVersion":
                    assert.ok((WINDOWS_VERSIONS as readonly unknown[]).includes(value));
                    assert.ok(
                        (await valueOf(built.server.imageName)).startsWith(
                            `Windows Server ${String(value).replace("R2", " R2")} `,
                        ),
                    );
                    break;
                case "publicIpBandwidthMbps":
                    assert.ok(typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 1000);
                    assert.equal(instance.inputs.internetMaxBandwidthOut, value);
                    assert.equal(instance.inputs.allocatePublicIp, true);
                    break;
            }
            // Whatever was accepted, the user data still carries the default script unchanged.
            assert.equal(
                instance.inputs.userDataRaw,
                renderUserData({ activationScript: ssh ? undefined : renderActivationScript(), enableOpenSsh: ssh }),
            );
        }),
        { numRuns: RUNS.component * 5 },
    );
    for (const field of ["password", "hostname", "imageId", "windowsVersion", "publicIpBandwidthMbps"]) {
        assert.ok(branches[field] !== undefined, `${field} was never generated`);
        branches[field].check(field);
    }
});
