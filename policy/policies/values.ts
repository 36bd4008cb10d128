/**
 * Reading resource properties the way the policy engine hands them over, without tripping on
 * values that are unknown during `pulumi preview`.
 *
 * `@pulumi/policy` wraps `props` in a proxy that throws `UnknownValueError` as soon as a policy
 * reads a value that is not known yet (an output of a resource that does not exist yet, such as
 * the `osName` of a new Instance). An uncaught `UnknownValueError` makes the engine skip the whole
 * policy with an advisory note, so for a stack policy one new Instance would hide every other
 * violation in the stack. Every policy here reads properties only through {@link read}, which turns
 * an unknown into the {@link UNKNOWN} marker instead.
 */

// The proxy module is internal to @pulumi/policy (pinned to 1.21.0); its declaration file exports
// nothing, so its shape is declared here. The sentinel strings are the engine's wire values for
// unknowns (the same in every Pulumi SDK); they only show up when a value is read past the proxy.
interface ProxyModule {
    UnknownValueError: new (...args: never[]) => Error;
    unknownBooleanValue: string;
    unknownNumberValue: string;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownAssetValue: string;
    unknownArchiveValue: string;
    unknownObjectValue: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module that declares no exports
const proxyModule: ProxyModule = require("@pulumi/policy/proxy");

const SENTINELS = new Set<unknown>([
    proxyModule.unknownBooleanValue,
    proxyModule.unknownNumberValue,
    proxyModule.unknownStringValue,
    proxyModule.unknownArrayValue,
    proxyModule.unknownAssetValue,
    proxyModule.unknownArchiveValue,
    proxyModule.unknownObjectValue,
]);

/** Marks a value that is not known yet (during preview). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** True for an `UnknownValueError` thrown by the engine's props proxy. */
export function isUnknownValueError(e: unknown): boolean {
    return e instanceof proxyModule.UnknownValueError;
}

/**
 * Reads `obj[key]`; returns {@link UNKNOWN} when the engine marks the value unknown, `undefined`
 * when `obj` is not an object or the key is absent, else the value (still proxied when it is an
 * object or array, so nested reads must go through `read` too).
 */
export function read(obj: unknown, key: string | number): unknown {
    if (obj === UNKNOWN) {
        return UNKNOWN;
    }
    if (obj === null || typeof obj !== "object") {
        return undefined;
    }
    let value: unknown;
    try {
        value = (obj as Record<string | number, unknown>)[key];
    } catch (e) {
        if (isUnknownValueError(e)) {
            return UNKNOWN;
        }
        throw e;
    }
    return SENTINELS.has(value) ? UNKNOWN : value;
}

/**
 * The items of an array property: {@link UNKNOWN} when the array is unknown,
 * `[]` when absent or not an array; unknown items come back as {@link UNKNOWN}.
 */
export function readItems(obj: unknown, key: string): unknown[] | typeof UNKNOWN {
    const list = read(obj, key);
    if (list === UNKNOWN) {
        return UNKNOWN;
    }
    if (!Array.isArray(list)) {
        return [];
    }
    const items: unknown[] = [];
    const length = list.length;
    for (let i = 0; i < length; i++) {
        items.push(read(list, i));
    }
    return items;
}

/** `value` when it is a known string, else `undefined` (absent, unknown or another type). */
export function knownString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}
