/**
 * Validation of user-supplied values. Every value that reaches a Windows script or a remote
 * command passes one of these rules first, so no batch or PowerShell metacharacter can get in.
 * Each rule throws an {@link ArgumentError} that names the field and the rule, never the value
 * (a rejected password must not end up in a log).
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * A user-supplied argument broke a rule; `field` names the argument, the message the rule. It is a
 * `pulumi.InputPropertyError`, so a program in another language (a Construct call through the plugin)
 * gets the property path and the rule as the engine shows invalid inputs.
 */
export class ArgumentError extends pulumi.InputPropertyError {
    /** Dotted path of the offending argument, e.g. `activation.kmsHost`. */
    public readonly field: string;

    constructor(field: string, rule: string) {
        super({ propertyPath: field, reason: `${rule}.` });
        this.message = `Invalid argument '${field}': ${rule}.`;
        this.name = "ArgumentError";
        this.field = field;
    }
}

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted IPv4 address such as `10.0.0.4`. */
function isIpv4(value: string): boolean {
    return IPV4.test(value);
}

/** True for a DNS name of ASCII letters, digits and hyphens (at most 253 characters, no trailing dot). */
function isDnsName(value: string): boolean {
    if (value.length === 0 || value.length > 253) {
        return false;
    }
    const labels = value.split(".");
    return labels.every((label) => DNS_LABEL.test(label)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** Requires a string that is a DNS name or an IPv4 address. */
export function requireHost(field: string, value: unknown): string {
    if (typeof value !== "string" || !(isIpv4(value) || isDnsName(value))) {
        throw new ArgumentError(
            field,
            "must be a DNS name (letters, digits, '-' and '.', at most 253 characters) or an IPv4 address",
        );
    }
    return value;
}

/** Requires a non-empty list of at most `max` hosts, each a DNS name or IPv4 address. */
export function requireHostList(field: string, value: unknown, min: number, max: number): string[] {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
        throw new ArgumentError(field, `must be a list of ${min} to ${max} hosts`);
    }
    return Array.from(value, (host, i) => requireHost(`${field}[${i}]`, host));
}

/**
 * Requires a list of `min` to `max` NTP peers: each a host,
 * optionally followed by a comma and w32time flags (`0x1` to `0xF`).
 */
export function requireNtpPeerList(field: string, value: unknown, min: number, max: number): string[] {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
        throw new ArgumentError(field, `must be a list of ${min} to ${max} NTP servers`);
    }
    return Array.from(value, (peer, i) => {
        const parts = typeof peer === "string" ? peer.split(",") : [];
        const host = parts[0] ?? "";
        const flagsOk = parts.length === 1 || (parts.length === 2 && /^0x[1-9a-fA-F]$/.test(parts[1]));
        if (!flagsOk || !(isIpv4(host) || isDnsName(host))) {
            throw new ArgumentError(
                `${field}[${i}]`,
                "must be a DNS name (letters, digits, '-' and '.', at most 253 characters) or an IPv4 address, optionally followed by a comma and w32time flags from 0x1 to 0xF (e.g. time.example.com,0x9)",
            );
        }
        return peer as string;
    });
}

/** The fields of a 5-field cron and their ranges: minute, hour, day of month, month, day of week (0 or 7: Sunday). */
const CRON_FIELDS: [number, number][] = [
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 7],
];

/** True when `part` is `*`, `*` + `/step`, or a list of numbers and ranges (`a-b`, `a-b/step`) within [min, max]. */
function cronFieldOk(part: string, min: number, max: number): boolean {
    const inRange = (n: string) => /^\d{1,2}$/.test(n) && Number(n) >= min && Number(n) <= max;
    return part.split(",").every((item) => {
        const m = item.match(/^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/);
        if (m === null || (m[4] !== undefined && (Number(m[4]) < 1 || (m[1] !== "*" && m[3] === undefined)))) {
            return false;
        }
        return (
            m[1] === "*" || (inRange(m[2]) && (m[3] === undefined || (inRange(m[3]) && Number(m[3]) >= Number(m[2]))))
        );
    });
}

/** Requires a 5-field cron (minute hour day-of-month month day-of-week) of numbers, `*`, ranges, lists and steps. */
export function requireCron(field: string, value: unknown): string {
    const parts = typeof value === "string" ? value.split(" ") : [];
    if (parts.length !== 5 || !parts.every((part, i) => cronFieldOk(part, ...CRON_FIELDS[i]))) {
        throw new ArgumentError(
            field,
            "must be a 5-field cron: minute (0-59), hour (0-23), day of month (1-31), month (1-12), day of week (0-7), each a number, '*', a range a-b, a list a,b or a step */n, separated by single spaces",
        );
    }
    return value as string;
}

/** Requires a whole number in `[min, max]`. */
export function requireInteger(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new ArgumentError(field, `must be a whole number from ${min} to ${max}`);
    }
    return value;
}

/** Requires a boolean. */
export function requireBoolean(field: string, value: unknown): boolean {
    if (typeof value !== "boolean") {
        throw new ArgumentError(field, "must be true or false");
    }
    return value;
}

/** Requires one of the listed strings. */
export function requireOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        throw new ArgumentError(field, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
    }
    return value as T;
}

/** Requires an IPv4 CIDR block such as `203.0.113.0/24`. */
export function requireCidr(field: string, value: unknown): string {
    const parts = typeof value === "string" ? value.split("/") : [];
    const ok = parts.length === 2 && isIpv4(parts[0]) && /^(3[0-2]|[12]?\d)$/.test(parts[1]);
    if (!ok) {
        throw new ArgumentError(field, "must be an IPv4 CIDR block such as 203.0.113.0/24");
    }
    return value as string;
}

/** Windows computer name rule from Tencent's Instance API: 2-15 letters, digits or '-', not all digits. */
export function requireWindowsHostname(field: string, value: unknown): string {
    if (typeof value !== "string" || !/^[A-Za-z0-9-]{2,15}$/.test(value) || /^\d+$/.test(value)) {
        throw new ArgumentError(field, "must be 2 to 15 letters, digits or '-', not all digits, with no '.'");
    }
    return value;
}

/** The special characters Tencent allows in a Windows instance password. */
export const WINDOWS_PASSWORD_SPECIALS = "()`~!@#$%^&*-+=|{}[]:;',.?/";

/**
 * Windows instance password rule: 12-30 characters from lower case, upper case, digits and
 * {@link WINDOWS_PASSWORD_SPECIALS}, with at least three of those four classes.
 */
export function requireWindowsPassword(field: string, value: unknown): string {
    const rule = `must be 12 to 30 characters of letters, digits and ${WINDOWS_PASSWORD_SPECIALS}, using at least 3 of: lower case, upper case, digits, special characters`;
    if (typeof value !== "string" || value.length < 12 || value.length > 30) {
        throw new ArgumentError(field, rule);
    }
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/];
    let special = false;
    for (const ch of value) {
        if (WINDOWS_PASSWORD_SPECIALS.includes(ch)) {
            special = true;
        } else if (!classes.some((c) => c.test(ch))) {
            throw new ArgumentError(field, rule);
        }
    }
    const used = classes.filter((c) => c.test(value)).length + (special ? 1 : 0);
    if (used < 3) {
        throw new ArgumentError(field, rule);
    }
    return value;
}

/**
 * Applies `rule` to an input: at once when the value is plain (so a bad value stops the program
 * before any resource is registered), or inside the output when it is only known later (a
 * secret from config), in which case resources that consume the result are never created.
 */
export function validateInput<T>(input: pulumi.Input<T>, rule: (value: unknown) => T): pulumi.Input<T> {
    if (pulumi.Output.isInstance(input) || input instanceof Promise) {
        return pulumi.output(input).apply((value) => rule(value));
    }
    return rule(input);
}
