/**
 * Runs a program as one deployment of a stack against a mock cloud, the way the Automation API runs
 * an inline program: in a runtime context (store) of its own, so that several deployments can run
 * in one process, one after another or at the same time. The cloud keeps the stack's state between
 * deployments.
 */
import * as pulumi from "@pulumi/pulumi";
import { MockCloud } from "./mockCloud";

/** What is used here of the runtime's internal state module. */
interface RuntimeStateModule {
    withLocalStorage<T>(callback: () => Promise<T>): Promise<T>;
    getStore(): { settings: { options: { monitorAddr?: string } } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: not in the package's exports
const runtimeState: RuntimeStateModule = require("@pulumi/pulumi/runtime/state");

/** The library, loaded once for the whole process (its caches must still be per deployment). */
export type Library = typeof import("../../components");

/** The arguments of a 2022 server in the mock cloud's VPC that the component tests declare, before their own. */
export const SERVER_ARGS = {
    availabilityZone: "ap-guangzhou-3",
    instanceType: "S5.MEDIUM4",
    vpcId: "vpc-1",
    subnetId: "subnet-1",
    password: "Day(Two)Passw0rd",
    windowsVersion: "2022" as const,
};

/** What a deployment gave back. */
export interface Deployment<T> {
    /** What the program returned. */
    result: T;
    /** The URNs this deployment deleted from the stack. */
    deleted: string[];
}

/**
 * Runs `program` as a deployment (an update, or a preview) of `cloud`'s stack. With `monitorAddress`
 * the runtime's settings name that resource monitor address, as a real engine's do (an Automation API
 * process can be given the same local port again for a later run).
 */
export function deploy<T>(
    cloud: MockCloud,
    program: (lib: Library) => Promise<T>,
    options: { preview?: boolean; stack?: string; monitorAddress?: string } = {},
): Promise<Deployment<T>> {
    return runtimeState.withLocalStorage(async () => {
        await cloud.start("tencentcloud-windows", options.stack ?? "test", options.preview ?? false);
        if (options.monitorAddress !== undefined) {
            runtimeState.getStore().settings.options.monitorAddr = options.monitorAddress;
        }
        const lib: Library = await import("../../components");
        const result = await program(lib);
        await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        return { result, deleted: cloud.finish() };
    });
}

/**
 * Runs `deployment` and returns the warnings the program logged meanwhile (under mocks, Pulumi's
 * `log.warn` has no engine and writes `warning: [runtime] <message>` to the console instead).
 */
export async function withWarnings<T>(deployment: () => Promise<T>): Promise<{ value: T; warnings: string[] }> {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) =>
        warnings.push(
            args
                .map(String)
                .join(" ")
                .replace(/^warning: \[runtime\] /, ""),
        );
    try {
        return { value: await deployment(), warnings };
    } finally {
        console.warn = original;
    }
}
