/**
 * The PowerShell carrier that every delivery uses for the batch script. It makes the server
 * folder safe (`serverFolder.ts`), writes the script there byte for byte and runs it with the
 * 64-bit cmd.exe by full path.
 *
 * The script travels packed (`packed.ts`). Each version of the script has a file of its own,
 * named after its hash (`activate-<hash>.cmd`), because cmd.exe re-reads a running batch file line
 * by line: a newer script (a library upgrade, changed settings) never replaces the file that a run
 * of an older one is still executing. A version's file is written only when it is missing (or its
 * bytes differ, which only an administrator could have caused), never in place: the bytes go to a
 * new file of a unique name that is then moved into place. The file of a version no carrier started
 * for {@link OLD_SCRIPT_DAYS} days is deleted: no run lasts that long (TAT's longest timeout is a day).
 *
 * TAT starts the carrier with a UTF-8 console (code page 65001), which cmd.exe inherits; cmd.exe
 * of Windows Server 2008 (R2) is reported to stop or misread batch files under 65001, so the carrier
 * puts the console back on the system's OEM code page first (the script is ASCII, so any code page
 * that keeps ASCII reads it alike).
 *
 * Every step runs under `$ErrorActionPreference = 'Stop'` inside one `try`: whatever fails, the
 * carrier prints a result line of its own (status `CarrierFailed`, root cause `carrier`, and
 * `carrierError`: the step and PowerShell's error text; or `FolderBlocked` when an untrusted server
 * folder could not be moved aside) instead of ending with PowerShell's exit 1, which TAT would
 * report as FAILED (the attachment then polls until its create timeout).
 */
import { createHash } from "crypto";
import { CARRIER_FAILED, ExitCodeInfo, FOLDER_BLOCKED, TRANSIENT_EXIT_CODE_RANGE } from "../activation/exitCodes";
import { SERVER_DIR } from "../activation/script";
import { RESULT_SCHEMA } from "../activation/scriptReport";
import { EXPAND_PACKED_FUNCTION, expandPacked } from "./packed";
import { FOLDER_STEPS, LEGACY_RESULT_STATEMENT, renderSecureServerFolder } from "./serverFolder";

/** Days after which the file of a script version that no carrier started is deleted. */
export const OLD_SCRIPT_DAYS = 2;

/** A short, stable hash of a script, used in file and resource names and in triggers. */
export function scriptHash(content: string): string {
    return createHash("sha256").update(content).digest("hex").slice(0, 12);
}

/** Where carriers write `script` on the server: a file per version, named after its hash. */
export function scriptPath(script: string): string {
    return `${SERVER_DIR}\\activate-${scriptHash(script)}.cmd`;
}

/** How the carrier ends. */
export type CarrierMode =
    /** cloudbase-init: exit 1002 on a transient failure (run again at next boot), else the script's code. */
    | "userData"
    /** TAT and SSH: always exit 0 (a TAT invocation then ends as SUCCESS); the result travels in the output. */
    | "report";

/**
 * The argument of one run of the script: none (activate), `/check`
 * (report the first-boot run) or `/diagnose` (read-only).
 */
export type ScriptArguments = "" | "/check" | "/diagnose";

/** The exit code that asks cloudbase-init to run the user data again at the next boot, without rebooting. */
export const CLOUDBASE_INIT_RUN_AGAIN = 1002;

/**
 * `$sys`: the real System32. A 32-bit PowerShell (TAT agents up to 0.1.16 were 32-bit) sees
 * SysWOW64 there; `Sysnative` is how a 32-bit process reaches the 64-bit folder.
 */
export const SYSTEM_FOLDER_STATEMENT =
    '$sys = "$env:SystemRoot\\System32"; if ([IntPtr]::Size -eq 4 -and (Test-Path -LiteralPath "$env:SystemRoot\\Sysnative")) { $sys = "$env:SystemRoot\\Sysnative" }';

/**
 * `Test-Same <path> <bytes>`: whether the file holds exactly these bytes. `Write-New <path> <bytes>`:
 * the bytes go to a fresh file of a unique name, which then takes the place of `<path>` (nothing is
 * written in place); when another carrier put the same bytes there first, theirs is kept.
 */
export const WRITE_NEW_FUNCTION = [
    "function Test-Same([string]$Path, [byte[]]$Bytes) { (Test-Path -LiteralPath $Path) -and ([Convert]::ToBase64String([IO.File]::ReadAllBytes($Path)) -eq [Convert]::ToBase64String($Bytes)) }",
    "function Write-New([string]$Path, [byte[]]$Bytes) { $t = $Path + '.' + [Guid]::NewGuid().ToString('N') + '.new'; [IO.File]::WriteAllBytes($t, $Bytes); " +
        "try { if (-not (Test-Same $Path $Bytes)) { [IO.File]::Delete($Path); [IO.File]::Move($t, $Path) } } catch { if (-not (Test-Same $Path $Bytes)) { throw } } finally { [IO.File]::Delete($t) } }",
].join("\n");

/** The statement that writes the script: exactly these bytes, only when its file is missing or differs. */
export const WRITE_STATEMENT = "if (-not (Test-Same $p $s)) { Write-New $p $s }";

/**
 * Marks this version's file as started now, then deletes the files of versions that no carrier
 * started for {@link OLD_SCRIPT_DAYS} days, and what an interrupted write left; a file that cannot
 * be deleted is left for next time.
 */
export const PRUNE_STATEMENT =
    `[IO.File]::SetLastWriteTimeUtc($p, [DateTime]::UtcNow); $old = [DateTime]::UtcNow.AddDays(-${OLD_SCRIPT_DAYS}); ` +
    "foreach ($f in @(Get-ChildItem -LiteralPath $d -Force | Where-Object { ($_.Name -like 'activate-*.cmd' -or $_.Name -like '*.new') -and $_.FullName -ne $p -and $_.LastWriteTimeUtc -lt $old })) { try { [IO.File]::Delete($f.FullName) } catch {} }";

/**
 * Puts the console back on the system's OEM code page when it is UTF-8 (as TAT leaves it), before
 * cmd.exe inherits it; without a console (cloudbase-init) the setter fails and nothing changes.
 */
export const CODE_PAGE_STATEMENT =
    "if ([Console]::OutputEncoding.CodePage -eq 65001) { try { [Console]::OutputEncoding = [Text.Encoding]::GetEncoding([Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage) } catch {} }";

/** The carrier's steps, as `carrierError` names them. */
export const CARRIER_STEPS = {
    ...FOLDER_STEPS,
    write: "writing the script",
    run: "running the script",
} as const;

/** The value of `carrierError` in {@link carrierFailureLine}'s template, where the carrier puts the escaped error. */
const ERROR_SLOT = "\u0000";

/**
 * The carrier's own result line, in the script's format, with `error`
 * as its `carrierError`; `outcome` is CarrierFailed or FolderBlocked.
 */
export function carrierFailureLine(error: string, outcome: ExitCodeInfo = CARRIER_FAILED): string {
    return JSON.stringify({
        activation: RESULT_SCHEMA,
        status: outcome.status,
        exitCode: outcome.code,
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
        rootCause: outcome.code === FOLDER_BLOCKED.code ? "serverFolderBlocked" : "carrier",
        checks: {},
        carrierError: error,
    });
}

/** The text of {@link carrierFailureLine} for `outcome` before and after the error. */
function failureLineParts(outcome: ExitCodeInfo): string[] {
    return carrierFailureLine(ERROR_SLOT, outcome).split(JSON.stringify(ERROR_SLOT).slice(1, -1));
}

/**
 * The `catch` of the carrier: `$e` is the step and the error text with every character outside
 * printable ASCII, `"` and `\` written as a JSON `\uXXXX` escape (PowerShell 2.0 has no
 * ConvertTo-Json), then the result line, written to stdout as one line: FolderBlocked, ending with
 * `blockedExitCode`, when an untrusted folder could not be moved aside (a later run moves it),
 * else CarrierFailed, ending with `exitCode`.
 */
export function renderCarrierCatch(exitCode: number, blockedExitCode: number): string {
    const [before, after] = failureLineParts(CARRIER_FAILED);
    const [blockedBefore, blockedAfter] = failureLineParts(FOLDER_BLOCKED);
    return [
        "} catch {",
        "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })",
        `if ($step -eq '${FOLDER_STEPS.moveAside}') { [Console]::Out.WriteLine('${blockedBefore}' + $e + '${blockedAfter}'); exit ${blockedExitCode} }`,
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
export function checkScript(script: string): void {
    if (/[^\x20-\x7e\r\n]/.test(script) || /\r(?!\n)|(?<!\r)\n/.test(script)) {
        throw new Error("the activation script must be printable ASCII with CRLF line ends");
    }
}

/** The statement that holds the script's bytes in `$s` (needs {@link EXPAND_PACKED_FUNCTION}). */
function renderScriptBytes(script: string): string {
    checkScript(script);
    return `$s = ${expandPacked(Buffer.from(script, "latin1"))}`;
}

/**
 * The carrier's statements after the bytes of `script` are in `$s`: secure the folder, write `$s` to
 * its {@link scriptPath}, run it with `scriptArguments`, then run `then` (more statements, before the
 * carrier exits, outside its `try`: they must catch their own errors).
 */
export function renderCarrierBody(
    script: string,
    mode: CarrierMode,
    scriptArguments: ScriptArguments = "",
    then?: string,
): string {
    const { first, last } = TRANSIENT_EXIT_CODE_RANGE;
    const exit =
        mode === "report"
            ? ["exit 0"]
            : [`if ($code -ge ${first} -and $code -le ${last}) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`, "exit $code"];
    return [
        ...prelude(),
        `$step = '${CARRIER_STEPS.write}'`,
        `$p = '${scriptPath(script)}'`,
        WRITE_STATEMENT,
        // First boot finds no older version to prune and starts without a UTF-8 console.
        ...(mode === "report" ? [PRUNE_STATEMENT] : []),
        ...(scriptArguments === "/check" ? [LEGACY_RESULT_STATEMENT] : []),
        `$step = '${CARRIER_STEPS.run}'`,
        ...(mode === "report" ? [CODE_PAGE_STATEMENT] : []),
        `& "$sys\\cmd.exe" /c $p${scriptArguments ? " " + scriptArguments : ""}`,
        "$code = $LASTEXITCODE",
        mode === "report"
            ? renderCarrierCatch(0, 0)
            : renderCarrierCatch(CARRIER_FAILED.code, CLOUDBASE_INIT_RUN_AGAIN),
        ...(then === undefined ? [] : [then]),
        ...exit,
    ].join("\n");
}

/**
 * The whole carrier as TAT and SSH run it, in plain statements: `Expand-Packed`, the script's bytes,
 * then {@link renderCarrierBody}. Throws unless the script is printable ASCII with CRLF line ends.
 */
export function renderCarrier(
    script: string,
    mode: CarrierMode,
    scriptArguments: ScriptArguments = "",
    then?: string,
): string {
    return [
        EXPAND_PACKED_FUNCTION,
        renderScriptBytes(script),
        renderCarrierBody(script, mode, scriptArguments, then),
    ].join("\n");
}
