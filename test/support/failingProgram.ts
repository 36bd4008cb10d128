/**
 * Programs that must fail, as a real deployment's program would make `pulumi up` fail: run as
 * `node --import tsx failingProgram.ts <case>`, each must exit non-zero with the component's
 * message. At exit the program prints one line, `registered: <names>`, of what reached the engine.
 *
 * - `tat`, `ssh`: the mock cloud reports that activation failed (KmsUnreachable);
 * - `secretPassword`: the password is a secret (as from `config.requireSecret`) that breaks the rule;
 * - `agentNeverOnline`: TAT delivery to a server whose agent never comes online (2-second deadline);
 * - `tatCarrier`, `sshCarrier`: the carrier itself failed (securing the server folder was refused) and
 *   printed its own result line, as its catch prints it.
 */
import * as pulumi from "@pulumi/pulumi";
import { LICENSED_LINE, MockCloud } from "./mockCloud";
import { CARRIER_STEPS, renderCarrierCatch } from "../../components/delivery/carrier";
import { printedCarrierFailure } from "./carrier";

/** The result line of a run where no KMS host answered. */
export const FAILED_LINE = LICENSED_LINE.replace(
    '"status":"Licensed","exitCode":0,"licenseStatus":1',
    '"status":"KmsUnreachable","exitCode":10,"licenseStatus":5',
).replace('"lastErrorCode":0,"errorClass":"none"', '"lastErrorCode":-1073418124,"errorClass":"kmsUnreachable"');

/** The error of the carrier-failure cases, as PowerShell words an ACL call refused. */
export const CARRIER_ERROR = `${CARRIER_STEPS.folder}: Attempted to perform an unauthorized operation.`;

/** The cases this program knows. */
type FailingCase = "tat" | "ssh" | "secretPassword" | "agentNeverOnline" | "tatCarrier" | "sshCarrier";

/** The password of the secretPassword case: too short, and marked so that a leak is easy to find. */
export const BAD_SECRET_PASSWORD = "Leak(Me)1";

async function main(which: FailingCase): Promise<void> {
    const cloud = new MockCloud();
    const line =
        which === "tatCarrier" || which === "sshCarrier"
            ? printedCarrierFailure(renderCarrierCatch(0, 0), CARRIER_ERROR)
            : FAILED_LINE;
    cloud.tatOutput = () => Buffer.from(`${line}\r\n`).toString("base64");
    cloud.sshStdout = `${line}\r\n`;
    cloud.agentOfflinePolls = which === "agentNeverOnline" ? Number.POSITIVE_INFINITY : 0;
    process.on("exit", () => {
        console.log(`registered: ${cloud.resources.map((r) => r.name).join(",")}`);
        console.log(
            `task reads: ${cloud.calls.filter((c) => c.token === "tencentcloud:index/getTatInvocationTask:getTatInvocationTask").length}`,
        );
    });
    await cloud.start("tencentcloud-windows", "test");
    const { ActivatedWindowsServer } = await import("../../components");
    const activation = {
        tat: { delivery: "tat" as const },
        ssh: { delivery: "ssh" as const, sshAllowedCidrs: ["10.0.0.0/8"] },
        secretPassword: {},
        agentNeverOnline: { delivery: "tat" as const, tatAgentTimeoutSeconds: 2, tatAgentPollSeconds: 1 },
        tatCarrier: { delivery: "tat" as const },
        sshCarrier: { delivery: "ssh" as const, sshAllowedCidrs: ["10.0.0.0/8"] },
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
