/**
 * Builds policy arguments shaped the way @pulumi/policy's analyzer server builds them from the
 * engine's requests (see policy/node_modules/@pulumi/policy/server.js): props wrapped in the same
 * unknown-checking proxy, a `getConfig` that returns the policy's config, a `notApplicable` that
 * throws, and, for stack policies, resources linked to their parent objects.
 */
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
} from "../../policy/node_modules/@pulumi/policy";
import { unknownCheckingProxy } from "../../policy/node_modules/@pulumi/policy";

// The engine's wire value for an unknown string (what a new Instance's osName is during preview).
// Taken from the library so the tests use exactly what the analyzer server would see.
type ProxyModule = { unknownStringValue: string; unknownArrayValue: string; unknownBooleanValue: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module that declares no exports
const proxyModule: ProxyModule = require("../../policy/node_modules/@pulumi/policy/proxy");

/** An unknown string value, as the engine sends it during preview. */
export const UNKNOWN_STRING = proxyModule.unknownStringValue;
/** An unknown array value. */
export const UNKNOWN_ARRAY = proxyModule.unknownArrayValue;
/** An unknown boolean value. */
export const UNKNOWN_BOOLEAN = proxyModule.unknownBooleanValue;

/** Type token of the component. */
export const COMPONENT = "tencentcloud-windows:index:ActivatedWindowsServer";
/** Type token of the CVM. */
export const INSTANCE = "tencentcloud:index/instance:Instance";

const STACK = "urn:pulumi:dev::tencentcloud-windows::";

/** URN of a resource whose ancestors have the given types (outermost first). */
export function urnOf(type: string, name: string, ancestorTypes: string[] = []): string {
    return `${STACK}${[...ancestorTypes, type].join("$")}::${name}`;
}

/** A violation as reported to `reportViolation`. */
export interface Violation {
    message: string;
    urn?: string;
}

/** A `reportViolation` that records what it gets. */
export function recorder(): { report: ReportViolation; violations: Violation[] } {
    const violations: Violation[] = [];
    return {
        report: (message, urn) => violations.push(urn === undefined ? { message } : { message, urn }),
        violations,
    };
}

function notApplicable(reason?: string): never {
    throw new Error(`not applicable: ${reason ?? ""}`);
}

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/** Arguments of a resource validation for one resource's inputs. */
export function resourceArgs(
    type: string,
    name: string,
    props: Record<string, unknown>,
    config: object = {},
): ResourceValidationArgs {
    const proxied = unknownCheckingProxy(props);
    return {
        type,
        name,
        urn: urnOf(type, name),
        props: proxied,
        opts: { ...OPTIONS },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

/** A resource of a stack under test: `parent` names another resource of the same list. */
export interface StackResourceSpec {
    type: string;
    name: string;
    props?: Record<string, unknown>;
    parent?: string;
}

/** Arguments of a stack validation over `specs` (resources linked to their parents, as the engine does). */
export function stackArgs(specs: StackResourceSpec[], config: object = {}): StackValidationArgs {
    const byName = new Map(specs.map((s) => [s.name, s]));
    const ancestors = (s: StackResourceSpec): string[] => {
        const types: string[] = [];
        for (let p = s.parent && byName.get(s.parent); p; p = p.parent ? byName.get(p.parent) : undefined) {
            types.unshift(p.type);
        }
        return types;
    };
    const resources = specs.map((s): PolicyResource => ({
        type: s.type,
        name: s.name,
        urn: urnOf(s.type, s.name, ancestors(s)),
        props: unknownCheckingProxy(s.props ?? {}),
        opts: { ...OPTIONS },
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    }));
    const resourceByName = new Map(resources.map((r) => [r.name, r]));
    specs.forEach((s, i) => {
        if (s.parent !== undefined) {
            const parent = resourceByName.get(s.parent);
            if (!parent) {
                throw new Error(`test setup: no resource named ${s.parent}`);
            }
            resources[i].parent = parent;
            resources[i].opts.parent = parent.urn;
        }
    });
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}
