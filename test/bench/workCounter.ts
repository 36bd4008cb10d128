/**
 * Counts the Pulumi SDK's per-resource work while a bench program runs: the promises it records a
 * stack trace for (`runtime/debuggable.js`, `debuggablePromise`: one `new Error().stack`, source-mapped,
 * per promise; the largest cost per resource) and the `apply` calls on outputs (`output.js`,
 * `OutputImpl.prototype.apply`). Both are patched in place, so a process that installs the counter
 * runs slower: its timings are not figures.
 */
type DebuggableModule = { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown> };
type OutputModule = { Output: { prototype: { apply: (...args: unknown[]) => unknown } } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable: DebuggableModule = require("@pulumi/pulumi/runtime/debuggable");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const outputModule: OutputModule = require("@pulumi/pulumi/output");

/** What the SDK did since the counter was installed. */
export interface WorkCounts {
    /** Promises the SDK recorded a stack trace for. */
    stackTraces: number;
    /** `apply` calls on outputs (the SDK's own and the program's). */
    applies: number;
}

/** Patches the SDK to count its work; returns a function that reads the counts so far. */
export function installWorkCounter(): () => WorkCounts {
    const counts: WorkCounts = { stackTraces: 0, applies: 0 };
    const debuggablePromise = debuggable.debuggablePromise;
    debuggable.debuggablePromise = (p, ctx) => {
        counts.stackTraces++;
        return debuggablePromise(p, ctx);
    };
    const apply = outputModule.Output.prototype.apply;
    outputModule.Output.prototype.apply = function (this: unknown, ...args: unknown[]) {
        counts.applies++;
        return apply.apply(this, args);
    };
    return () => ({ ...counts });
}
