/**
 * Reads back what a PowerShell carrier writes. PowerShell cannot run here, so this applies what
 * the carrier's statements do: `$s = (Expand-Packed '<packed>')`, where Expand-Packed (pinned word
 * for word by the tests) turns `!` and `"` back into `<` and `>`, reads each 5 characters as a
 * base-85 number whose digits are the character codes minus 40, writes it as 4 little-endian bytes,
 * and inflates the raw deflate of what it wrote; `$s` is written unchanged (`WriteAllBytes`). A
 * carrier that did anything else to the bytes would fail the tests.
 */
import { inflateRawSync } from "zlib";

/**
 * A regular expression source for one packed literal's text: `(` to `|` without `<` and `>`, and `!` and `"` for them.
 */
export const PACKED_TEXT = `[!"(-;=?-|]`;

/** The bytes of a packed literal, as Expand-Packed returns them. */
export function expanded(literal: string): Buffer {
    if (literal.length % 5 !== 0) {
        throw new Error(`a packed literal of ${literal.length} characters is not whole groups of 5`);
    }
    const bytes = Buffer.alloc((literal.length / 5) * 4);
    for (let i = 0; i < literal.length; i += 5) {
        let value = 0;
        for (const c of literal
            .slice(i, i + 5)
            .replace(/!/g, "<")
            .replace(/"/g, ">")) {
            const digit = c.charCodeAt(0) - 40;
            if (digit < 0 || digit > 84) {
                throw new Error(`${JSON.stringify(c)} is not a digit of the packed text`);
            }
            value = value * 85 + digit;
        }
        bytes.writeUInt32LE(value, (i / 5) * 4);
    }
    return inflateRawSync(bytes);
}

/**
 * The bytes of the user data's `$u` literal: the statements, a
 * NUL byte, then the script's bytes (none without a script).
 */
function userDataStatements(userData: string): [string, string] {
    const m = userData.match(new RegExp(`^\\$u = \\(Expand-Packed '(${PACKED_TEXT}*)'\\)$`, "m"));
    if (m === null) {
        throw new Error("the user data holds no packed statements");
    }
    const bytes = expanded(m[1]);
    const nul = bytes.indexOf(0);
    if (nul < 0) {
        throw new Error("the user data's statements end without a NUL byte");
    }
    return [bytes.subarray(0, nul).toString("latin1"), bytes.subarray(nul + 1).toString("latin1")];
}

/** The batch script a carrier (or user data) writes to disk, as text (the script is ASCII). */
export function carriedScript(carrier: string): string {
    if (/^\$u = /m.test(carrier)) {
        const script = userDataStatements(carrier)[1];
        if (script === "") {
            throw new Error("the user data carries no script");
        }
        return script;
    }
    const literals = [...carrier.matchAll(new RegExp(`^\\$s = \\(Expand-Packed '(${PACKED_TEXT}*)'\\)$`, "gm"))];
    if (literals.length !== 1) {
        throw new Error(`expected one packed script in the carrier, found ${literals.length}`);
    }
    return expanded(literals[0][1]).toString("latin1");
}

/** The statements the user data's loader dot-sources, unpacked (before the NUL byte of `$u`). */
export function userDataBody(userData: string): string {
    return userDataStatements(userData)[0];
}

/**
 * The user data as PowerShell runs it: the loader's statements,
 * then the packed statements that its last line dot-sources.
 */
export function userDataAsRun(userData: string): string {
    return `${userData.replace(/^<\/?powershell>$/gm, "")}\n${userDataBody(userData)}`;
}

/**
 * The statement of the carrier's catch that escapes the error
 * for JSON (pinned: the tests fail if the carrier's differs).
 */
const ESCAPE_STATEMENT =
    "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })";

/**
 * What a carrier's catch prints when `$step + ': ' + $_` is `error`: applies the pinned escape
 * statement (every UTF-16 unit outside printable ASCII, `"` and `\` as `\uXXXX`) and the catch's
 * `[Console]::Out.WriteLine('<before>' + $e + '<after>')`: the FolderBlocked one when the step (the
 * text before the first `: `) is the one the catch's `if` names, else the CarrierFailed one; both read
 * from the catch itself.
 */
export function printedCarrierFailure(catchText: string, error: string): string {
    const lines = catchText.split("\n");
    if (lines[1] !== ESCAPE_STATEMENT) {
        throw new Error(`the carrier's catch does not escape as pinned: ${lines[1]}`);
    }
    const blocked = lines[2].match(
        /^if \(\$step -eq '([^']*)'\) \{ \[Console\]::Out\.WriteLine\('([^']*)' \+ \$e \+ '([^']*)'\); exit \d+ \}$/,
    );
    const write = lines[3].match(/^\[Console\]::Out\.WriteLine\('([^']*)' \+ \$e \+ '([^']*)'\)$/);
    if (blocked === null || write === null) {
        throw new Error(`the carrier's catch does not print one line: ${lines.slice(2, 4).join(" | ")}`);
    }
    const [before, after] =
        error.slice(0, error.indexOf(": ")) === blocked[1] ? [blocked[2], blocked[3]] : [write[1], write[2]];
    const escaped = [...Array(error.length).keys()]
        .map((i) => error.charCodeAt(i))
        .map((c) =>
            c < 32 || c > 126 || c === 34 || c === 92
                ? `\\u${c.toString(16).padStart(4, "0")}`
                : String.fromCharCode(c),
        )
        .join("");
    return before + escaped + after;
}
