/**
 * State that belongs to one deployment. The Automation API runs inline programs one after
 * another, or at the same time, in one process: a module-level cache would hand one deployment's
 * image list or TAT command to the next. Pulumi keeps each deployment's runtime state in a store
 * of its own (an AsyncLocalStorage context); the component keys its caches on that store, as
 * `@pulumi/pulumi`'s own per-deployment caches do.
 */
import * as pulumi from "@pulumi/pulumi";

// The per-deployment store is internal to @pulumi/pulumi (runtime/state.js, present throughout 3.x).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): object } = require("@pulumi/pulumi/runtime/state");

const states = new WeakMap<object, Map<string, unknown>>();

/** The value of `key` for the current deployment, made by `create` on first use. */
export function perDeployment<T>(key: string, create: () => T): T {
    const store = runtimeState.getStore();
    let state = states.get(store);
    if (state === undefined) {
        state = new Map();
        states.set(store, state);
    }
    if (!state.has(key)) {
        state.set(key, create());
    }
    return state.get(key) as T;
}

/**
 * A short, stable key for a provider, for shared resources and cached invokes: "" for the default
 * provider, else the provider's own resource name (unique in a stack), so the same program always
 * gives the same names whatever order providers are first used in.
 */
export function providerKey(provider: pulumi.ProviderResource | undefined): string {
    if (provider === undefined) {
        return "";
    }
    const name = (provider as unknown as { __name?: string }).__name;
    if (name === undefined) {
        throw new Error("a provider without a resource name was passed to the component");
    }
    return name;
}
