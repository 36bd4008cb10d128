/**
 * Reads back what a PowerShell carrier writes. PowerShell cannot run here, so this applies what
 * the carrier's statements do, step by step: the single-quoted base64 literal passed to
 * `[Convert]::FromBase64String`, inflated as raw deflate (`DeflateStream`), written unchanged
 * (`WriteAllBytes`). The tests pin those statements word for word, so a carrier that did
 * anything else to the bytes would fail them.
 */
import { inflateRawSync } from "zlib";

/** The batch script a carrier writes to disk, as text (the script is ASCII). */
export function carriedScript(carrier: string): string {
    const literals = [...carrier.matchAll(/DeflateStream\(\(New-Object IO\.MemoryStream\(, \[Convert\]::FromBase64String\('([A-Za-z0-9+/=]*)'\)/g)];
    if (literals.length !== 1) {
        throw new Error(`expected one packed script in the carrier, found ${literals.length}`);
    }
    return inflateRawSync(Buffer.from(literals[0][1], "base64")).toString("latin1");
}
