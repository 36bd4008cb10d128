/**
 * Runs one measurement of the benchmark (test/bench/child.ts) in a fresh Node process: the component
 * caches invokes and TAT commands per deployment, and a fresh heap gives a clean peak.
 */
import { spawn } from "child_process";
import * as path from "path";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");
const CHILD = path.join(__dirname, "child.ts");

/**
 * The sides the evaluation compares: the component, bare instances,
 * and bare instances each inside an empty component (the floor).
 */
export type Side = "component" | "bare" | "emptyComponent";

/** A child's JSON result and the whole process' wall time. */
export interface ChildRun<T> {
    result: T;
    processMs: number;
}

/** Runs test/bench/child.ts with `args` in a fresh Node process and parses its JSON line. */
export function child<T>(args: string[], nodeFlags: string[] = []): Promise<ChildRun<T>> {
    return new Promise((resolve, reject) => {
        const t0 = Date.now();
        const p = spawn(process.execPath, [...nodeFlags, "--import", "tsx", CHILD, ...args], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        p.stdout.on("data", (d) => (stdout += d));
        p.stderr.on("data", (d) => (stderr += d));
        p.on("error", reject);
        p.on("close", (code) => {
            const line = stdout.split("\n").find((l) => l.startsWith("{"));
            if (code !== 0 || line === undefined) {
                reject(new Error(`bench child ${args.join(" ")} exited ${code}: ${stderr.trim() || stdout.trim()}`));
                return;
            }
            resolve({ result: JSON.parse(line) as T, processMs: Date.now() - t0 });
        });
    });
}
