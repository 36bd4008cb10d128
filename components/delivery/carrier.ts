/**
 * The PowerShell carrier that user data and TAT use to deliver the batch script: it writes the
 * script byte for byte to disk and runs it with cmd.exe. The script travels inside a literal
 * here-string (`@'...'@`), where PowerShell expands nothing, so it arrives unchanged; its size
 * grows by a few hundred bytes instead of the third that base64 would add.
 */
import { TRANSIENT_EXIT_CODE_RANGE } from "../activation/exitCodes";
import { SERVER_DIR } from "../activation/script";

/** Where carriers write the script on the server. */
export const SCRIPT_PATH = `${SERVER_DIR}\\activate.cmd`;

/** How the carrier ends. */
export type CarrierMode =
    /** cloudbase-init: exit 1002 on a transient failure (run again at next boot), else the script's code. */
    | "userData"
    /** TAT: always exit 0 so the invocation ends as SUCCESS; the result travels in the output. */
    | "tat";

/** The exit code that asks cloudbase-init to run the user data again at the next boot, without rebooting. */
export const CLOUDBASE_INIT_RUN_AGAIN = 1002;

/**
 * Returns PowerShell statements that write `script` to {@link SCRIPT_PATH} (CRLF line endings,
 * ASCII) and run it with `arguments`. Throws if the script could close the here-string.
 */
export function renderCarrier(script: string, mode: CarrierMode, scriptArguments: "" | "/check" = ""): string {
    if (/(^|\n)'@/.test(script) || /[^\x09\x0a\x0d\x20-\x7e]/.test(script)) {
        throw new Error("the activation script must be printable ASCII and must not contain a line starting with '@");
    }
    const body = script.replace(/\r\n/g, "\n").replace(/\n$/, "");
    const { first, last } = TRANSIENT_EXIT_CODE_RANGE;
    const exit =
        mode === "tat"
            ? "exit 0"
            : `if ($code -ge ${first} -and $code -le ${last}) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }\nexit $code`;
    return [
        "$ErrorActionPreference = 'Stop'",
        "$script = @'",
        body,
        "'@",
        `$path = '${SCRIPT_PATH}'`,
        "[IO.Directory]::CreateDirectory([IO.Path]::GetDirectoryName($path)) | Out-Null",
        "[IO.File]::WriteAllText($path, (($script -split \"`r?`n\") -join \"`r`n\") + \"`r`n\", [Text.Encoding]::ASCII)",
        `& cmd.exe /c $path${scriptArguments ? " " + scriptArguments : ""}`,
        "$code = $LASTEXITCODE",
        exit,
    ].join("\n");
}
