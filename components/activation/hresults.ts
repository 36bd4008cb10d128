/**
 * The slmgr `-ato` results the activation script tells apart (FACTS §4). `slmgr.vbs` exits with
 * the HRESULT as a signed 32-bit exit code, so the script compares `%errorlevel%` with `exitCode`.
 */
import { ExitCodeName } from "./exitCodes";

/** How the script reacts to an `-ato` failure. */
export type ErrorClass =
    /** No KMS answered: resync the clock (0xC004F074 can hide a skew), move to the next host, back off. */
    | "kmsUnreachable"
    /** The KMS refused our clock: resync, then retry. */
    | "clockSkew"
    /** The licensing service was stopped or disabled: enable and start sppsvc, then retry. */
    | "serviceStopped"
    /** The KMS has too few clients yet: retry later. */
    | "kmsCountLow"
    /** Not elevated or refused: stop at once. */
    | "accessDenied"
    /** The key cannot be activated by KMS: stop at once. */
    | "keyRejected";

/** One HRESULT the script recognises. */
export interface KnownHresult {
    /** The HRESULT as Microsoft writes it, e.g. `0xC004F074`. */
    hex: string;
    /** The same value as `%errorlevel%` shows it (signed 32-bit). */
    exitCode: number;
    /** The reaction class. */
    errorClass: ErrorClass;
    /** Microsoft's meaning in a few words. */
    meaning: string;
}

function known(hex: string, errorClass: ErrorClass, meaning: string): KnownHresult {
    return { hex, exitCode: parseInt(hex, 16) | 0, errorClass, meaning };
}

/** Every HRESULT the script classifies; any other non-zero exit code is retried as "unknown". */
export const KNOWN_HRESULTS: readonly KnownHresult[] = [
    known("0xC004F074", "kmsUnreachable", "no Key Management Service could be contacted"),
    known("0x8007232B", "kmsUnreachable", "the KMS DNS name does not exist"),
    known("0x800705B4", "kmsUnreachable", "the operation timed out"),
    known("0xC004F06C", "clockSkew", "the request timestamp is invalid (clock skew with the KMS)"),
    known("0x80070426", "serviceStopped", "the licensing service is not started"),
    known("0x80070422", "serviceStopped", "the licensing service is disabled"),
    known("0xC004F038", "kmsCountLow", "the KMS count is too low"),
    known("0x80070005", "accessDenied", "access denied"),
    known("0xC004F025", "accessDenied", "the action requires elevated privileges"),
    known("0xC004F035", "keyRejected", "the key cannot be activated by a KMS (not a volume license key)"),
    known("0xC004C003", "keyRejected", "the product key is blocked"),
    known("0xC004F050", "keyRejected", "the product key is invalid"),
    known("0xC004F069", "keyRejected", "the SKU cannot be activated (evaluation or wrong edition)"),
];

/**
 * The exit code the script ends with when no attempt succeeded and
 * the last one failed with `errorClass` (also for a failed `-ipk`).
 */
export const EXHAUSTED_EXIT: Record<ErrorClass | "unknown" | "unverified", ExitCodeName> = {
    kmsUnreachable: "kmsUnreachable",
    clockSkew: "clockSkew",
    serviceStopped: "serviceNotRunning",
    kmsCountLow: "kmsCountTooLow",
    unknown: "retriesExhausted",
    unverified: "notLicensedAfterActivation",
    accessDenied: "accessDenied",
    keyRejected: "keyRejected",
};

/** Formats an exit code as an HRESULT, e.g. -1073418124 -> `0xC004F074`. */
export function toHresult(exitCode: number): string {
    return "0x" + (exitCode >>> 0).toString(16).toUpperCase().padStart(8, "0");
}
