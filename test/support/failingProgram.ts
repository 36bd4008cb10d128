/**
 * Programs that must fail, as a real deployment's program would make `pulumi up` fail: run as
 * `node --import tsx failingProgram.ts <case>`, each must exit non-zero with the component's
 * message. At exit the program prints one line, `registered: <names>`, of what reached the engine.
 *
 * - `tat`, `ssh`: the mock cloud reports that activation failed (KmsUnreachable);
 * - `secretPassword`: the password is a secret (as from `config.requireSecret`) that breaks the rule;
 * - `agentNeverOnline`: TAT delivery to a server whose agent never comes online (2-second deadline).
 */
import * as pulumi from "@pulumi/pulumi";
import { LICENSED_LINE, MockCloud } from "../../stacks/plan/mockCloud";

/** The result line of a run where no KMS host answered. */
export const FAILED_LINE = LICENSED_LINE.replace('"status":"Licensed","exitCode":0,"licenseStatus":1', '"status":"KmsUnreachable","exitCode":10,"licenseStatus":5').replace(
    '"lastErrorCode":0,"errorClass":"none"',
    '"lastErrorCode":-1073418124,"errorClass":"kmsUnreachable"',
);

/** The cases this program knows. */
export type FailingCase = "tat" | "ssh" | "secretPassword" | "agentNeverOnline";

/** The password of the secretPassword case: too short, and marked so that a leak is easy to find. */
export const BAD_SECRET_PASSWORD = "Leak(Me)1";

async function main(which: FailingCase): Promise<void> {
    const cloud = new MockCloud();
    cloud.tatOutput = () => Buffer.from(`${FAILED_LINE}\r\n`).toString("base64");
    cloud.sshStdout = `${FAILED_LINE}\r\n`;
    cloud.agentOfflinePolls = which === "agentNeverOnline" ? Number.POSITIVE_INFINITY : 0;
    process.on("exit", () => console.log(`registered: ${cloud.resources.map((r) => r.name).join(",")}`));
    await cloud.start("tencentcloud-windows", "test");
    const { ActivatedWindowsServer } = await import("../../components");
    const activation = {
        tat: { delivery: "tat" as const },
        ssh: { delivery: "ssh" as const, sshAllowedCidrs: ["10.0.0.0/8"] },
        secretPassword: {},
        agentNeverOnline: { delivery: "tat" as const, tatAgentTimeoutSeconds: 2, tatAgentPollSeconds: 1 },
    }[which];
    new ActivatedWindowsServer(`failing-${which}`, {
        windowsVersion: "2022",
        availabilityZone: "ap-guangzhou-3",
        instanceType: "S5.MEDIUM4",
        vpcId: "vpc-1",
        subnetId: "subnet-1",
        password: which === "secretPassword" ? pulumi.secret(BAD_SECRET_PASSWORD) : "Remote(Passw0rd)",
        activation,
    });
}

if (require.main === module) {
    void main(process.argv[2] as FailingCase);
}
