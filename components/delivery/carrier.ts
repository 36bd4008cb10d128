/**
 * The PowerShell carrier that every delivery uses for the batch script. It makes the server
 * folder safe (`serverFolder.ts`), writes the script there byte for byte and runs it with the
 * 64-bit cmd.exe by full path.
 *
 * The script travels packed (`packed.ts`). The bytes are written unchanged, and only when the file
 * on disk differs, because cmd.exe re-reads a running batch file line by line: rewriting it under a
 * run that is still going (the first-boot run, while a later check or delivery arrives) would cut
 * that run short. A file is never written in place: its bytes go to a new file that is then moved
 * over it, so a hard link planted in the folder earlier never carries a write to another file.
 *
 * Every step runs under `$ErrorActionPreference = 'Stop'` inside one `try`: whatever fails, the
 * carrier prints a result line of its own (status `CarrierFailed`, root cause `carrier`, and
 * `carrierError`: the step and PowerShell's error text) instead of ending with PowerShell's exit 1,
 * which TAT would report as FAILED (the attachment then polls until its create timeout).
 */
import { CARRIER_FAILED, TRANSIENT_EXIT_CODE_RANGE } from "../activation/exitCodes";
import { RESULT_SCHEMA, SERVER_DIR } from "../activation/script";
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

/** The argument of one run of the script: none (activate), `/check` (report the first-boot run) or `/diagnose` (read-only). */
export type ScriptArguments = "" | "/check" | "/diagnose";

/** The exit code that asks cloudbase-init to run the user data again at the next boot, without rebooting. */
export const CLOUDBASE_INIT_RUN_AGAIN = 1002;

/**
 * `$sys`: the real System32. A 32-bit PowerShell (TAT agents up to 0.1.16 were 32-bit) sees
 * SysWOW64 there; `Sysnative` is how a 32-bit process reaches the 64-bit folder.
 */
export const SYSTEM_FOLDER_STATEMENT =
    "$sys = \"$env:SystemRoot\\System32\"; if ([IntPtr]::Size -eq 4 -and (Test-Path -LiteralPath \"$env:SystemRoot\\Sysnative\")) { $sys = \"$env:SystemRoot\\Sysnative\" }";

/** `Write-New <path> <bytes>`: the bytes go to a fresh `<path>.new`, which then replaces `<path>` (never written in place). */
export const WRITE_NEW_FUNCTION =
    "function Write-New([string]$Path, [byte[]]$Bytes) { $t = $Path + '.new'; [IO.File]::Delete($t); [IO.File]::WriteAllBytes($t, $Bytes); [IO.File]::Delete($Path); [IO.File]::Move($t, $Path) }";

/** The statement that writes the script: exactly these bytes, only when the file differs. */
export const WRITE_STATEMENT =
    "if (-not (Test-Path -LiteralPath $p) -or [Convert]::ToBase64String([IO.File]::ReadAllBytes($p)) -ne [Convert]::ToBase64String($s)) { Write-New $p $s }";

/** The carrier's steps, as `carrierError` names them. */
export const CARRIER_STEPS = {
    folder: "securing the server folder",
    write: "writing the script",
    run: "running the script",
} as const;

/** The value of `carrierError` in {@link carrierFailureLine}'s template, where the carrier puts the escaped error. */
const ERROR_SLOT = "\u0000";

/** The carrier's own result line, in the script's format, with `error` as its `carrierError`. */
export function carrierFailureLine(error: string): string {
    return JSON.stringify({
        activation: RESULT_SCHEMA,
        status: CARRIER_FAILED.status,
        exitCode: CARRIER_FAILED.code,
        licenseStatus: -1,
        kmsHost: "",
        kmsPort: 0,
        attempts: 0,
        lastErrorCode: 0,
        errorClass: "none",
        alreadyLicensed: false,
        clockOffsetSeconds: null,
        osBuild: 0,
        osVersion: "unknown",
        edition: "Other",
        rootCause: "carrier",
        checks: {},
        carrierError: error,
    });
}

/**
 * The `catch` of the carrier: `$e` is the step and the error text with every character outside
 * printable ASCII, `"` and `\` written as a JSON `\uXXXX` escape (PowerShell 2.0 has no
 * ConvertTo-Json), then the result line, written to stdout as one line.
 */
export function renderCarrierCatch(exitCode: number): string {
    const [before, after] = carrierFailureLine(ERROR_SLOT).split(JSON.stringify(ERROR_SLOT).slice(1, -1));
    return [
        "} catch {",
        "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })",
        `[Console]::Out.WriteLine('${before}' + $e + '${after}')`,
        `exit ${exitCode}`,
        "}",
    ].join("\n");
}

/** The start of every carrier body: `$sys`, then, inside the `try`, the secured folder and `Write-New`. */
function prelude(): string[] {
    return [
        "$ErrorActionPreference = 'Stop'",
        SYSTEM_FOLDER_STATEMENT,
        `$step = '${CARRIER_STEPS.folder}'`,
        "try {",
        renderSecureServerFolder(),
        WRITE_NEW_FUNCTION,
    ];
}

/**
 * A carrier body without a script, for user data that only runs the user's first-boot PowerShell:
 * secures the server folder, then runs `then` (which may use `$sys` and `Write-New`); a failure is
 * printed (cloudbase-init's log) and the user data ends normally.
 */
export function renderFolderCarrierBody(then: string): string {
    return [...prelude(), then, "} catch { 'firstBootPowerShell did not run: ' + $step + ': ' + $_ }"].join("\n");
}

/** Throws unless `script` is printable ASCII with CRLF line ends (what the carriers may carry). */
function checkScript(script: string): void {
    if (/[^\x20-\x7e\r\n]/.test(script) || /\r(?!\n)|(?<!\r)\n/.test(script)) {
        throw new Error("the activation script must be printable ASCII with CRLF line ends");
    }
}

/** The statement that holds the script's bytes in `$s` (needs {@link EXPAND_PACKED_FUNCTION}). */
export function renderScriptBytes(script: string): string {
    checkScript(script);
    return `$s = ${expandPacked(Buffer.from(script, "latin1"))}`;
}

/**
 * The carrier's statements after the script's bytes are in `$s`: secure the folder, write `$s` to
 * {@link SCRIPT_PATH}, run it with `scriptArguments`, then run `then` (more statements, before the
 * carrier exits, outside its `try`: they must catch their own errors).
 */
export function renderCarrierBody(mode: CarrierMode, scriptArguments: ScriptArguments = "", then?: string): string {
    const { first, last } = TRANSIENT_EXIT_CODE_RANGE;
    const exit =
        mode === "report" ? ["exit 0"] : [`if ($code -ge ${first} -and $code -le ${last}) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`, "exit $code"];
    return [
        ...prelude(),
        `$step = '${CARRIER_STEPS.write}'`,
        `$p = '${SCRIPT_PATH}'`,
        WRITE_STATEMENT,
        `$step = '${CARRIER_STEPS.run}'`,
        `& "$sys\\cmd.exe" /c $p${scriptArguments ? " " + scriptArguments : ""}`,
        "$code = $LASTEXITCODE",
        renderCarrierCatch(mode === "report" ? 0 : CARRIER_FAILED.code),
        ...(then === undefined ? [] : [then]),
        ...exit,
    ].join("\n");
}

/**
 * The whole carrier as TAT and SSH run it, in plain statements: `Expand-Packed`, the script's bytes,
 * then {@link renderCarrierBody}. Throws unless the script is printable ASCII with CRLF line ends.
 */
export function renderCarrier(script: string, mode: CarrierMode, scriptArguments: ScriptArguments = "", then?: string): string {
    return [EXPAND_PACKED_FUNCTION, renderScriptBytes(script), renderCarrierBody(mode, scriptArguments, then)].join("\n");
}
