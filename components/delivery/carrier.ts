/**
 * The PowerShell carrier that every delivery uses for the batch script. It makes the server
 * folder safe (`serverFolder.ts`), writes the script there byte for byte and runs it with
 * cmd.exe by full path.
 *
 * The script travels packed (`packed.ts`). The bytes are written with `WriteAllBytes`, unchanged;
 * and only when the file on disk differs, because cmd.exe re-reads a running batch file line by
 * line: rewriting it under a run that is still going (the first-boot run, while a later check or
 * delivery arrives) would cut that run short.
 */
import { TRANSIENT_EXIT_CODE_RANGE } from "../activation/exitCodes";
import { SERVER_DIR } from "../activation/script";
import { EXPAND_PACKED_FUNCTION, expandPacked } from "./packed";
import { renderSecureServerFolder } from "./serverFolder";

/** Where carriers write the script on the server. */
export const SCRIPT_PATH = `${SERVER_DIR}\\activate.cmd`;

/** How the carrier ends. */
export type CarrierMode =
    /** cloudbase-init: exit 1002 on a transient failure (run again at next boot), else the script's code. */
    | "userData"
    /** TAT and SSH: always exit 0 (a TAT invocation then ends as SUCCESS); the result travels in the output. */
    | "report";

/** The exit code that asks cloudbase-init to run the user data again at the next boot, without rebooting. */
export const CLOUDBASE_INIT_RUN_AGAIN = 1002;

/** The statement that writes the script: exactly these bytes, only when the file differs. */
export const WRITE_STATEMENT =
    "if (-not (Test-Path -LiteralPath $p) -or [Convert]::ToBase64String([IO.File]::ReadAllBytes($p)) -ne [Convert]::ToBase64String($s)) { [IO.File]::WriteAllBytes($p, $s) }";

/**
 * Returns PowerShell statements that write `script` to {@link SCRIPT_PATH}, run it with
 * `scriptArguments`, then run `then` (more statements, before the carrier exits). Throws unless the
 * script is printable ASCII with CRLF line ends.
 */
export function renderCarrier(script: string, mode: CarrierMode, scriptArguments: "" | "/check" = "", then?: string): string {
    if (/[^\x20-\x7e\r\n]/.test(script) || /\r(?!\n)|(?<!\r)\n/.test(script)) {
        throw new Error("the activation script must be printable ASCII with CRLF line ends");
    }
    const { first, last } = TRANSIENT_EXIT_CODE_RANGE;
    const exit =
        mode === "report" ? ["exit 0"] : [`if ($code -ge ${first} -and $code -le ${last}) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`, "exit $code"];
    return [
        "$ErrorActionPreference = 'Stop'",
        renderSecureServerFolder(),
        EXPAND_PACKED_FUNCTION,
        `$s = ${expandPacked(Buffer.from(script, "latin1"))}`,
        `$p = '${SCRIPT_PATH}'`,
        WRITE_STATEMENT,
        `& "$env:SystemRoot\\System32\\cmd.exe" /c $p${scriptArguments ? " " + scriptArguments : ""}`,
        "$code = $LASTEXITCODE",
        ...(then === undefined ? [] : [then]),
        ...exit,
    ].join("\n");
}
