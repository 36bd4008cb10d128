/**
 * A stand-in for Tencent Cloud under Pulumi's mock engine: it records every resource and invoke
 * a program makes and answers with plausible outputs (public image names of both sites, instance
 * IPs, TAT and SSH results). The offline plan and the tests run programs against it.
 */
import * as pulumi from "@pulumi/pulumi";

/** A resource registration the program made. */
export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    id: string;
}

/** An invoke the program made. */
export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

/** The JSON line a successful activation prints (what the script emits on a fresh 2022 image). */
export const LICENSED_LINE =
    '{"activation":"tencentcloud-windows/1","status":"Licensed","exitCode":0,"licenseStatus":1,"kmsHost":"kms.tencentyun.com","kmsPort":1688,' +
    '"attempts":1,"lastErrorCode":0,"errorClass":"none","alreadyLicensed":false,"osBuild":20348,"osVersion":"2022","edition":"Datacenter"}';

function image(imageId: string, imageName: string, createdTime: string, imageType = "PUBLIC_IMAGE", platform = "Windows") {
    return { imageId, imageName, osName: imageName, platform, imageType, architecture: "x86_64", createdTime };
}

/** Public Windows images as the two sites name them, plus a custom and a Linux image. */
export const SAMPLE_IMAGES = [
    image("img-2025zh01", "Windows Server 2025 数据中心版 64位中文版", "2025-03-01 10:00:00"),
    image("img-2025en01", "Windows Server 2025 DataCenter 64bit EN", "2025-03-01 10:00:00"),
    image("img-2022zh02", "Windows Server 2022 数据中心版 64位中文版", "2025-06-01 10:00:00"),
    image("img-2022zh01", "Windows Server 2022 数据中心版 64位中文版", "2024-01-01 10:00:00"),
    image("img-2022en01", "Windows Server 2022 DataCenter 64bit English", "2025-06-01 10:00:00"),
    image("img-2022st01", "Windows Server 2022 标准版 64位中文版", "2025-06-01 10:00:00"),
    image("img-2019zh01", "Windows Server 2019 数据中心版 64位中文版", "2025-05-01 10:00:00"),
    image("img-2019en01", "Windows Server 2019 DataCenter 64bit EN", "2025-05-01 10:00:00"),
    image("img-2016zh01", "Windows Server 2016 数据中心版 64位中文版", "2025-04-01 10:00:00"),
    image("img-2016en01", "Windows Server 2016 DataCenter 64bit English", "2025-04-01 10:00:00"),
    image("img-2012zh01", "Windows Server 2012 数据中心版 64位中文版", "2024-04-01 10:00:00"),
    image("img-12r2zh01", "Windows Server 2012 R2 数据中心版 64位中文版", "2025-02-01 10:00:00"),
    image("img-12r2st01", "Windows Server 2012 R2 标准版 64位中文版", "2025-02-01 10:00:00"),
    image("img-12r2en01", "Windows Server 2012 R2 DataCenter 64bit EN", "2025-02-01 10:00:00"),
    image("img-08r2zh01", "Windows Server 2008 R2 企业版 SP1 64位", "2023-01-01 10:00:00"),
    image("img-custom01", "Windows Server 2022 数据中心版 64位中文版 (my golden image)", "2025-07-01 10:00:00", "PRIVATE_IMAGE"),
    image("img-linux001", "TencentOS Server 3.1", "2025-07-01 10:00:00", "PUBLIC_IMAGE", "TencentOS"),
];

/** A Pulumi mock engine that plays Tencent Cloud. */
export class MockCloud implements pulumi.runtime.Mocks {
    public readonly resources: RecordedResource[] = [];
    public readonly calls: RecordedCall[] = [];
    /** What getImages searches. */
    public images = SAMPLE_IMAGES;
    /** The base64 task output TAT returns for an invocation (undefined: no record). */
    public tatOutput: (invocationId: string) => string | undefined = () => Buffer.from(`activation log...\r\n${LICENSED_LINE}\r\n`).toString("base64");
    /** The stdout an SSH command returns. */
    public sshStdout = `activation log...\r\n${LICENSED_LINE}\r\n`;

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
        const n = String(this.resources.length + 1).padStart(8, "0");
        const state: Record<string, any> = { ...args.inputs };
        let id = `${args.type.split(":").pop()!.toLowerCase()}-${n}`;
        switch (args.type) {
            case "tencentcloud:index/instance:Instance":
                id = `ins-${n}`;
                state.privateIp = `10.0.0.${(this.resources.length % 250) + 2}`;
                state.publicIp = args.inputs.allocatePublicIp ? `203.0.113.${(this.resources.length % 250) + 2}` : undefined;
                state.osName = this.images.find((i) => i.imageId === args.inputs.imageId)?.osName ?? "Windows Server";
                state.instanceStatus = "RUNNING";
                break;
            case "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment":
                state.invocationId = `inv-${n}`;
                id = `${state.invocationId}#${args.inputs.instanceId}`;
                break;
            case "command:remote:Command":
                state.stdout = this.sshStdout;
                state.stderr = "";
                break;
        }
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id });
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        this.calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "tencentcloud:index/getImages:getImages": {
                const regex = args.inputs.imageNameRegex ? new RegExp(args.inputs.imageNameRegex) : undefined;
                const types: string[] | undefined = args.inputs.imageTypes;
                const images = this.images
                    .filter((i) => (args.inputs.imageId ? i.imageId === args.inputs.imageId : true))
                    .filter((i) => (regex ? regex.test(i.imageName) : true))
                    .filter((i) => (types ? types.includes(i.imageType) : true))
                    .sort((a, b) => b.createdTime.localeCompare(a.createdTime));
                return { id: "images", images };
            }
            case "tencentcloud:index/getTatInvocationTask:getTatInvocationTask": {
                const invocationId: string = args.inputs.filters?.[0]?.values?.[0];
                const output = this.tatOutput(invocationId);
                return {
                    id: invocationId,
                    invocationTaskSets: output === undefined ? [] : [{ invocationId, taskStatus: "SUCCESS", taskResults: [{ exitCode: 0, output }] }],
                };
            }
            default:
                return {};
        }
    }
}

/** The value of an output, or its error (Output's promise is internal to the SDK but stable). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return (pulumi.output(output) as any).promise();
}

/** True when a mock-engine input value is a secret. */
export function isSecretValue(value: unknown): boolean {
    return (
        typeof value === "object" &&
        value !== null &&
        (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270"
    );
}
