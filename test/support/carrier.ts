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

/** The statements the user data's loader dot-sources, unpacked (the loader's last line). */
export function userDataBody(userData: string): string {
    const m = userData.match(/^\. \(\[ScriptBlock\]::Create\(\[Text\.Encoding\]::ASCII\.GetString\(\(Expand-Packed '([A-Za-z0-9+/=]*)'\)\)\)\)$/m);
    if (m === null) {
        throw new Error("the user data dot-sources no packed body");
    }
    return expanded(m[1]).toString("latin1");
}

/** The user data as PowerShell runs it: the loader's statements, then the packed body that its last line dot-sources. */
export function userDataAsRun(userData: string): string {
    return `${userData.replace(/^<\/?powershell>$/gm, "")}\n${userDataBody(userData)}`;
}

/** The statement of the carrier's catch that escapes the error for JSON (pinned: the tests fail if the carrier's differs). */
const ESCAPE_STATEMENT =
    "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })";

/**
 * What a carrier's catch prints when `$step + ': ' + $_` is `error`: applies the pinned escape
 * statement (every UTF-16 unit outside printable ASCII, `"` and `\` as `\uXXXX`) and the catch's
 * `[Console]::Out.WriteLine('<before>' + $e + '<after>')`, read from the catch itself.
 */
export function printedCarrierFailure(catchText: string, error: string): string {
    const lines = catchText.split("\n");
    if (lines[1] !== ESCAPE_STATEMENT) {
        throw new Error(`the carrier's catch does not escape as pinned: ${lines[1]}`);
    }
    const write = lines[2].match(/^\[Console\]::Out\.WriteLine\('([^']*)' \+ \$e \+ '([^']*)'\)$/);
    if (write === null) {
        throw new Error(`the carrier's catch does not print one line: ${lines[2]}`);
    }
    const escaped = [...Array(error.length).keys()]
        .map((i) => error.charCodeAt(i))
        .map((c) => (c < 32 || c > 126 || c === 34 || c === 92 ? `\\u${c.toString(16).padStart(4, "0")}` : String.fromCharCode(c)))
        .join("");
    return write[1] + escaped + write[2];
}
