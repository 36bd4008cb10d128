/**
 * State that belongs to one deployment: caches (image lists), shared resources (TAT commands,
 * keep-activated invokers) and the batched agent polling.
 *
 * One deployment can reach the component through many runtime contexts, and one process can run
 * many deployments:
 * - a Python, Go, C# or YAML program calls the component through the plugin: the engine sends one
 *   `Construct` call per server, and `@pulumi/pulumi` runs each in a new runtime store
 *   (`provider/server.js`, `construct` -> `withLocalStorage`) pointed at the same engine;
 * - the Automation API runs each inline program in a store of its own (`automation/server.js`),
 *   one after another or at the same time, each against an engine of its own;
 * - users' unit tests call `setMocks` once per test file in one process and one store: each call
 *   is a new deployment with a new mock monitor.
 *
 * So a program run keeps its state on its own stack resource (`pulumi.runtime.getStackResource()`,
 * set for each run by `runInPulumiStack`): an Automation API process that runs one stack again and
 * again gets a new state each time, even when the engine's resource monitor listens on a port an
 * earlier run had (the kernel hands ports out again), and the state goes with the run. Construct
 * calls have no stack resource: they share the state of the engine connection their store's settings
 * point at (the resource monitor's address, with the engine's address, organization, project, stack
 * and preview flag; a provider plugin process serves one deployment), and the mock monitor object
 * itself under `setMocks`. Two Construct calls of one deployment share state; two deployments never do.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * The parts of `@pulumi/pulumi`'s runtime store read here (runtime/state.js and settings.js, throughout 3.x:
 * the same in 3.238.0, the lowest supported, and 3.276.0). No public API gives the monitor address, so
 * test/sdkVersions.test.ts runs the component and plugin tests against the lowest and the newest SDK.
 */
interface RuntimeStore {
    settings: {
        options: {
            monitorAddr?: string;
            engineAddr?: string;
            organization?: string;
            project?: string;
            stack?: string;
            dryRun?: boolean;
        };
        monitor?: object;
    };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState: { getStore(): RuntimeStore } = require("@pulumi/pulumi/runtime/state");

/** The monitor address `setMocks` puts in the settings (runtime/settings.js, `setMockOptions`). */
const MOCK_MONITOR_ADDRESS = "mock";

/**
 * State of deployments run by an engine, by connection; kept
 * for the life of the process (a few entries per deployment).
 */
const byConnection = new Map<string, Map<string, unknown>>();
/**
 * State of program runs by stack resource, of mock deployments by
 * mock monitor object (and of a store with no engine yet, by store).
 */
const byObject = new WeakMap<object, Map<string, unknown>>();

/** The state kept on `owner`, made on first use. */
function stateOf(owner: object): Map<string, unknown> {
    let state = byObject.get(owner);
    if (state === undefined) {
        state = new Map();
        byObject.set(owner, state);
    }
    return state;
}

/** The state map of the deployment the current runtime store belongs to. */
function deploymentState(): Map<string, unknown> {
    const stack = pulumi.runtime.getStackResource();
    if (stack !== undefined) {
        return stateOf(stack);
    }
    const store = runtimeState.getStore();
    const { options, monitor } = store.settings;
    if (
        options.monitorAddr !== undefined &&
        options.monitorAddr !== "" &&
        options.monitorAddr !== MOCK_MONITOR_ADDRESS
    ) {
        const key = JSON.stringify([
            options.monitorAddr,
            options.engineAddr,
            options.organization,
            options.project,
            options.stack,
            options.dryRun,
        ]);
        let state = byConnection.get(key);
        if (state === undefined) {
            state = new Map();
            byConnection.set(key, state);
        }
        return state;
    }
    return stateOf(monitor ?? store);
}

/** The value of `key` for the current deployment, made by `create` on first use. */
export function perDeployment<T>(key: string, create: () => T): T {
    const state = deploymentState();
    if (!state.has(key)) {
        state.set(key, create());
    }
    return state.get(key) as T;
}

/**
 * What identifies a provider in the stack, from its URN: "" for the default provider (`undefined`);
 * the provider's resource name for one declared at the top of the program (the key shared resources
 * have always carried, so upgrading renames nothing); for one declared inside a component, its name
 * and 8 hex digits of its URN: two providers of one name under different parents are two providers
 * (a URN names its parents' types, and the engine refuses two resources of one URN).
 */
export function providerKeyOfUrn(urn: string): string {
    const [, , qualifiedType, name] = urn.split("::");
    if (!qualifiedType.includes("$")) {
        return name;
    }
    return `${name}-${createHash("sha256").update(urn).digest("hex").slice(0, 8)}`;
}

/** {@link providerKeyOfUrn} of `provider`, once its URN is known (a URN is known in preview too). */
export function providerKey(provider: pulumi.ProviderResource | undefined): Promise<string> {
    if (provider === undefined) {
        return Promise.resolve("");
    }
    return new Promise<string>((resolve) => provider.urn.apply(resolve)).then(providerKeyOfUrn);
}

/** The organization, or "" where the runtime has none (unit tests under `setMocks` without one). */
function organization(): string {
    try {
        return pulumi.getOrganization();
    } catch {
        return "";
    }
}

/**
 * A short hash (8 hex digits) of the organization, project, stack and provider key: part of the
 * cloud-side name of every account-wide resource the component creates. Tencent refuses a second TAT
 * command whose name is taken in the region (`InvalidParameterValue.CommandNameDuplicated`), so two
 * stacks of one account (dev and prod, two projects) must never pick the same name.
 */
export function accountNameTag(providerKeyValue: string): string {
    const identity = [organization(), pulumi.getProject(), pulumi.getStack(), providerKeyValue].join("/");
    return createHash("sha256").update(identity).digest("hex").slice(0, 8);
}
