/**
 * A program whose activation fails (the mock cloud reports KmsUnreachable), for the tests that
 * check that `pulumi up` fails: run as `node --import tsx failingActivation.ts <tat|ssh>`, it must
 * exit non-zero with the component's message, as a real deployment's program would.
 */
import * as pulumi from "@pulumi/pulumi";
import { LICENSED_LINE, MockCloud } from "../../stacks/plan/mockCloud";

/** The result line of a run where no KMS host answered. */
export const FAILED_LINE = LICENSED_LINE.replace('"status":"Licensed","exitCode":0,"licenseStatus":1', '"status":"KmsUnreachable","exitCode":10,"licenseStatus":5').replace(
    '"lastErrorCode":0,"errorClass":"none"',
    '"lastErrorCode":-1073418124,"errorClass":"kmsUnreachable"',
);

async function main(delivery: "tat" | "ssh"): Promise<void> {
    const cloud = new MockCloud();
    cloud.tatOutput = () => Buffer.from(`${FAILED_LINE}\r\n`).toString("base64");
    cloud.sshStdout = `${FAILED_LINE}\r\n`;
    await pulumi.runtime.setMocks(cloud, "tencentcloud-windows", "test", false);
    const { ActivatedWindowsServer } = await import("../../components");
    new ActivatedWindowsServer(`failing-${delivery}`, {
        windowsVersion: "2022",
        availabilityZone: "ap-guangzhou-3",
        instanceType: "S5.MEDIUM4",
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        password: "Remote(Passw0rd)",
        activation: delivery === "ssh" ? { delivery, sshAllowedCidrs: ["10.0.0.0/8"] } : { delivery },
    });
}

if (require.main === module) {
    void main(process.argv[2] as "tat" | "ssh");
}
