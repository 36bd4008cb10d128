/**
 * Reads back what a PowerShell carrier writes: the body of its literal here-string (`@'` ... `'@`),
 * split on line breaks and joined with CRLF plus a final CRLF, as the carrier's
 * `($script -split "`r?`n") -join "`r`n"` + "`r`n" does. PowerShell cannot run here, so the
 * tests apply PowerShell's here-string rules: the body starts after the line `$x = @'` and ends
 * before the first line that starts with `'@`.
 */
export function extractHereStringScript(carrier: string): string {
    const lines = carrier.split(/\r?\n/);
    const start = lines.findIndex((l) => /^\$script = @'$/.test(l));
    const end = lines.findIndex((l, i) => i > start && l.startsWith("'@"));
    if (start < 0 || end < 0) {
        throw new Error("no here-string in the carrier");
    }
    return lines.slice(start + 1, end).join("\r\n") + "\r\n";
}
