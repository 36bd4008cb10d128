/**
 * Reads back what a PowerShell carrier writes. PowerShell cannot run here, so this applies what
 * the carrier's statements do: `$s = (Expand-Packed '<base64>')`, where Expand-Packed (pinned word
 * for word by the tests) inflates the raw deflate of the base64 literal, and `$s` is written
 * unchanged (`WriteAllBytes`). A carrier that did anything else to the bytes would fail the tests.
 */
import { inflateRawSync } from "zlib";

/** The bytes of a packed literal, as Expand-Packed returns them. */
export function expanded(literal: string): Buffer {
    return inflateRawSync(Buffer.from(literal, "base64"));
}

/** The batch script a carrier writes to disk, as text (the script is ASCII). */
export function carriedScript(carrier: string): string {
    const literals = [...carrier.matchAll(/^\$s = \(Expand-Packed '([A-Za-z0-9+/=]*)'\)$/gm)];
    if (literals.length !== 1) {
        throw new Error(`expected one packed script in the carrier, found ${literals.length}`);
    }
    return expanded(literals[0][1]).toString("latin1");
}
