/**
 * WindowsActivation programs that must fail, as a real deployment's program would make `pulumi up`
 * fail: run as `node --import tsx failingFleetProgram.ts <case>`, each must exit non-zero with the
 * component's message. At exit the program prints `registered: <types>` (what reached the engine)
 * and `invoked: <instance IDs>` (where TAT ran something).
 *
 * - `failedFleet`: 250 instances, activation fails on the three of {@link FLEET_FAILURES};
 * - `refused` (with `strict: true`): two good instances beside a Linux one, one of a custom image,
 *   one of an image no longer listed (a Windows OS name: it would run), and one that does not exist;
 * - `badId`: a malformed instance ID arriving as an output (as from a stack reference).
 */
import * as pulumi from "@pulumi/pulumi";
import { LICENSED_LINE, MockCloud } from "./mockCloud";
import { FAILED_LINE } from "./failingProgram";

/** The cases this program knows. */
export type FailingFleetCase = "failedFleet" | "refused" | "badId";

/** failedFleet: the index (in 250) of each failing instance, and the root cause its diagnosis names. */
export const FLEET_FAILURES: ReadonlyMap<number, string> = new Map([
    [3, "kmsPort"],
    [117, "clockSkew"],
    [249, "serviceDisabled"],
]);

/** The ID the program looks up for the `refused` case that does not exist. */
export const MISSING_INSTANCE = "ins-zz999999";

/** The instances of each case, made in a fresh cloud (the same IDs every time). */
export function fleetOf(cloud: MockCloud, which: FailingFleetCase): string[] {
    switch (which) {
        case "failedFleet":
            return cloud.addExistingInstances(250);
        case "refused":
            return [
                ...cloud.addExistingInstances(2),
                ...cloud.addExistingInstances(1, "img-linux001"),
                ...cloud.addExistingInstances(1, "img-custom01"),
                ...cloud.addExistingInstances(1, "img-retired9"),
                MISSING_INSTANCE,
            ];
        case "badId":
            return [...cloud.addExistingInstances(1), "ins-1"];
    }
}

async function main(which: FailingFleetCase): Promise<void> {
    const cloud = new MockCloud();
    const ids = fleetOf(cloud, which);
    const failing = new Map([...FLEET_FAILURES].map(([i, cause]) => [ids[i], cause]));
    cloud.tatOutput = (_, target) => {
        const cause = failing.get(target.instanceId);
        const line =
            cause === undefined ? LICENSED_LINE : FAILED_LINE.replace('"rootCause":"none"', `"rootCause":"${cause}"`);
        return Buffer.from(`${line}\r\n`).toString("base64");
    };
    process.on("exit", () => {
        console.log(`registered: ${[...new Set(cloud.resources.map((r) => r.type))].join(",")}`);
        console.log(`invoked: ${[...cloud.invocations.keys()].join(",")}`);
    });
    await cloud.start("tencentcloud-windows", "test");
    const { WindowsActivation } = await import("../../components");
    new WindowsActivation(`failing-${which}`, {
        instanceIds: which === "badId" ? pulumi.output(ids) : ids,
        strict: which === "refused" ? true : undefined,
    });
}

if (require.main === module) {
    void main(process.argv[2] as FailingFleetCase);
}
