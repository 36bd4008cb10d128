/**
 * One server deployed twice, the second time with changed arguments, for the day-two acts that
 * make `pulumi up` fail (a failing registration must end the process, as it ends a real
 * deployment): `node --import tsx dayTwoProgram.ts '<first args JSON>' '<second args JSON>' [state]`.
 * Between the two deployments the instance is put in `state` (default RUNNING). Prints
 * `second deployment: <change>` when the second deployment succeeds.
 */
import { MockCloud, valueOf } from "./mockCloud";
import { deploy, SERVER_ARGS } from "./deploy";

const base = SERVER_ARGS;

async function main(first: Record<string, unknown>, second: Record<string, unknown>, state: string): Promise<void> {
    const cloud = new MockCloud();
    const program = (extra: Record<string, unknown>) => async (lib: typeof import("../../components")) =>
        valueOf(new lib.ActivatedWindowsServer("act1", { ...base, ...extra } as never).instanceId);
    const id = (await deploy(cloud, program(first))).result;
    cloud.setInstanceState(id, state);
    await deploy(cloud, program(second));
    console.log(`second deployment: ${cloud.resources.find((r) => r.name === "act1-instance")!.change}`);
}

if (require.main === module) {
    void main(JSON.parse(process.argv[2]), JSON.parse(process.argv[3]), process.argv[4] ?? "RUNNING");
}
