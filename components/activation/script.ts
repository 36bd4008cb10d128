/**
 * Renders the one activation script: a Windows batch file that every delivery (user data, TAT,
 * SSH) carries unchanged. It syncs the clock, points Windows at the KMS and activates it, then
 * prints one JSON line with the result and exits with a code from `exitCodes.ts`. This file
 * renders the start and the activation run's steps, and puts the script together from its sections,
 * which live beside it: `scriptReport.ts` (the endings and the report), `scriptDiagnosis.ts` (the
 * diagnosis and `/diagnose`), `scriptCheck.ts` (`/check`); and the subroutines: `scriptStatus.ts`
 * (build, edition, license status), `scriptClock.ts` (services, clock), `scriptKms.ts` (slmgr),
 * `scriptLock.ts` (a lock and files per run mode).
 *
 * The script keeps to the plain subset of batch that Windows' cmd.exe (2008 R2 to 2025) and
 * Wine 8's cmd.exe, on which the tests run it, execute the same way:
 * - no parenthesised blocks and no delayed expansion: every variable is read on its own line,
 *   control flow is `goto` and `call :label` with arguments;
 * - at most one `if` per line (Wine reports "Syntax error" on `if A if B ...`);
 * - no `exit /b` inside a `for` body (Wine does not stop the loop) and no `&&` after a pipe in a
 *   `for` body: results are read from `errorlevel` on the next line;
 * - `for /f` output is passed through a second `for /f` over the value, which drops the stray
 *   CR that wmic leaves at the end of each line (a CR inside an `if` comparison is a syntax
 *   error in Wine and a silent mismatch on Windows);
 * - no `findstr` (Wine 8's answers errorlevel 0 to everything), no `find /i`, no `!VAR:~0,1!`,
 *   no `tokens=1*`: plain case-sensitive `find` and `for` value comparisons are used;
 * - wmic's output is piped through `find`, never redirected to a file: Windows writes UTF-16 to
 *   files and Wine's `type` cannot convert it back;
 * - values read from WMI are compared only as FOR variables (`if /i "%%b"==...`), never expanded
 *   with `%...%`, so a stray quote or `&` in them cannot change the script;
 * - no `cscript //T:` (Wine's cscript rejects it);
 * - no `timeout.exe` (absent in Wine; it also fails when stdin is redirected, as it is under
 *   cloudbase-init and TAT): waits are `ping -n N 127.0.0.1`;
 * - slmgr's text is localized and never parsed: only its exit code (the HRESULT) and the WMI
 *   `LicenseStatus` value are read; a tool's failure is `if not "%errorlevel%"=="0"`, because
 *   slmgr and w32tm fail with negative HRESULTs that `if errorlevel 1` does not see;
 * - every tool is called by full path from `%SystemRoot%\System32`, the working directory
 *   (see `batch.ts`).
 * Every user value reaches the script only after `resolveActivationScriptOptions` has checked
 * it against a rule that admits no batch metacharacter.
 */
import { SLMGR, SYSTEM32, tool } from "./batch";
import { KNOWN_HRESULTS } from "./hresults";
import { MIN_SUPPORTED_BUILD } from "./kmsClientKeys";
import {
    ActivationScriptOptions,
    ResolvedActivationScriptOptions,
    ntpHost,
    ntpPeer,
    resolveActivationScriptOptions,
} from "./options";
import { MAX_DELAY_FACTOR, diagnoseWorstCaseSeconds, worstCaseSeconds } from "./schedule";
import { checkModeLines } from "./scriptCheck";
import { W32TIME_CONFIG_KEY, clockLines, ensureServiceLines } from "./scriptClock";
import { VBSCRIPT_FILES, diagnoseModeLines, diagnosisLines, scriptHostLines } from "./scriptDiagnosis";
import { installKeyLines, kmsHostLines } from "./scriptKms";
import { RUN_MODES, lockLines, lockName } from "./scriptLock";
import { endingLines, reportLines, resultLineLines } from "./scriptReport";
import { detectOsLines, domainMemberLines, matchHostLines, readStatusLines } from "./scriptStatus";

/**
 * The server folder (`%SystemRoot%\\TencentCloudWindows`): the script, its logs, status and result
 * files. Only SYSTEM, Administrators and TrustedInstaller can create anything in `%SystemRoot%`
 * itself, so no ordinary user can make this folder before the carrier does (docs/security.md).
 */
export const SERVER_DIR = "C:\\Windows\\TencentCloudWindows";

/** Where the script writes its log on the server. */
export const ACTIVATION_LOG_PATH = `${SERVER_DIR}\\activation.log`;

/** Renders the activation batch script (CRLF line endings) for the given options. */
export function renderActivationScript(options?: ActivationScriptOptions): string {
    const o = resolveActivationScriptOptions(options);
    const hosts = [o.kmsHost, ...o.fallbackKmsHosts];
    const lines: string[] = [
        ...startLines(o, hosts),
        "",
        ...activationRunLines(o.installKmsClientKey),
        "",
        ...endingLines(),
        "",
        ...reportLines(),
        "",
        ...diagnoseModeLines(),
        "",
        ...checkModeLines(),
        "",
        // ---- subroutines ----
        "",
        ...subroutineLines(o.installKmsClientKey, hosts),
    ];
    return lines.join("\r\n") + "\r\n";
}

/**
 * The start every mode shares: the settings and every state variable's first value, then the turn
 * to `/check` (before anything is written), the server folder, and the turn to `/diagnose`.
 */
function startLines(o: ResolvedActivationScriptOptions, hosts: string[]): string[] {
    return [
        "@echo off",
        "rem tencentcloud-windows KMS activation (generated)",
        "setlocal EnableExtensions DisableDelayedExpansion",
        `set "${SYSTEM32.slice(1, -1)}=%SystemRoot%\\System32"`,
        `cd /d "${SYSTEM32}"`,
        `set "KMS_PORT=${o.kmsPort}"`,
        `set "KMS_HOST_COUNT=${hosts.length}"`,
        ...hosts.map((host, i) => `set "KMS_HOST_${i + 1}=${host}"`),
        `set "NTP_PEERS=${o.ntpServers.map(ntpPeer).join(" ")}"`,
        `set "NTP_HOST=${ntpHost(o.ntpServers[0])}"`,
        `set "MAX_ATTEMPTS=${o.maxAttempts}"`,
        `set "DELAY=${o.retryDelaySeconds}"`,
        `set "MAX_DELAY=${o.retryDelaySeconds * MAX_DELAY_FACTOR}"`,
        'set "LOG_DIR=%SystemRoot%\\TencentCloudWindows"',
        // Nowhere until the run holds its mode's lock (`:use_files`, scriptLock.ts).
        'set "LOG=nul"',
        'set "STATUS_FILE=nul"',
        'set "RESULT_FILE=%LOG_DIR%\\result.json"',
        'set "LIMITS_FILE=%LOG_DIR%\\clock-limits.txt"',
        `set "RUN_LOCK=%LOG_DIR%\\${lockName("activation")}"`,
        `set "LOCK_STALE_MINUTES=${Math.ceil(worstCaseSeconds(o) / 60)}"`,
        `set "DIAGNOSE_STALE_MINUTES=${Math.ceil(diagnoseWorstCaseSeconds() / 60)}"`,
        `set "W32_KEY=${W32TIME_CONFIG_KEY}"`,
        'set "NT_KEY=HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"',
        ...KNOWN_HRESULTS.map((h) => `set "HR_${h.exitCode}=${h.errorClass}"`),
        'set "ATTEMPTS=0"',
        'set "LAST_ERROR=0"',
        'set "ERROR_CLASS=none"',
        'set "ALREADY=false"',
        'set "CLOCK_OFFSET=null"',
        'set "TIME_SOURCE=unchanged"',
        'set "LOCKED=no"',
        'set "LIMITS_LIFTED=no"',
        'set "LICENSE_STATUS="',
        'set "HOST_INDEX=1"',
        'set "CUR_HOST=%KMS_HOST_1%"',
        // /check writes nothing, not even the folder.
        'if /i "%~1"=="/check" goto check_only',
        // A folder the script creates itself is closed to everyone but SYSTEM and Administrators
        // (the carriers create and repair it before they write the script into it).
        'if exist "%LOG_DIR%\\" goto dir_ready',
        'mkdir "%LOG_DIR%"',
        `${tool("icacls")} "%LOG_DIR%" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F >nul 2>&1`,
        ":dir_ready",
        'if /i "%~1"=="/diagnose" goto diagnose_only',
    ];
}

/**
 * The activation run, step by step: the version, the lock and the log; the fast path when already
 * licensed; the services and the clock; optionally the KMS client key; then `slmgr -ato` with retries,
 * back-off and host fallback. Each way out is a `goto end_<outcome>` (`scriptReport.ts`).
 */
function activationRunLines(installKmsClientKey: boolean): string[] {
    return [
        // 1. Version and edition, from the registry (language-neutral); then one run at a time, and
        // only then a log: a run that finds another one writes no file.
        "call :detect_os",
        `call :take_lock ${RUN_MODES.activation} %LOCK_STALE_MINUTES%`,
        "if errorlevel 1 goto end_busy",
        `call :use_files ${RUN_MODES.activation}`,
        'call :log "start: KMS %KMS_HOST_1%:%KMS_PORT%, NTP %NTP_PEERS%"',
        "call :log_os",
        'if exist "%LIMITS_FILE%" call :recover_limits',
        `if %BUILD% LSS ${MIN_SUPPORTED_BUILD} goto end_unsupportedOs`,
        "",
        // 2. Already licensed against a configured KMS host: change nothing.
        "call :read_status",
        "if errorlevel 1 goto end_statusUnavailable",
        "call :match_host",
        'if "%LICENSE_STATUS%%HOST_MATCH%"=="1yes" goto fast_path',
        // slmgr.vbs needs VBScript, an optional feature that Windows is phasing out.
        ...VBSCRIPT_FILES.map((file) => `if not exist ${file} goto end_vbscriptMissing`),
        "call :script_host",
        'if "%SCRIPT_HOST%"=="false" goto end_scriptHostDisabled',
        "",
        // 3. Services: the SPP Notification Service on 2008 R2, then the time service and the clock.
        "if %BUILD% LSS 9200 call :ensure_service sppuinotify demand",
        "call :sync_clock",
        "",
        // 4. Optionally the KMS client key for this version and edition.
        ...(installKmsClientKey
            ? [
                  "call :install_key",
                  "if errorlevel 2 goto end_%ERROR_CLASS%",
                  "if errorlevel 1 goto end_noKmsClientKey",
                  "",
              ]
            : []),
        // 5. Point Windows at the KMS and activate, with retries, back-off and host fallback.
        "call :set_kms_host",
        ":attempt",
        "set /a ATTEMPTS+=1",
        'call :log "attempt %ATTEMPTS%/%MAX_ATTEMPTS%: -ato via %CUR_HOST%"',
        `${SLMGR} -ato >>"%LOG%" 2>&1`,
        'set "RC=%errorlevel%"',
        'if not "%RC%"=="0" goto attempt_failed',
        // -ato can exit 0 without activating: only LicenseStatus=1 counts.
        "call :read_status",
        'if "%LICENSE_STATUS%"=="1" goto end_licensed',
        'set "ERROR_CLASS=unverified"',
        'call :log "-ato ok but LicenseStatus=%LICENSE_STATUS%"',
        "goto attempt_next",
        ":attempt_failed",
        'set "LAST_ERROR=%RC%"',
        "call :classify %RC%",
        'call :log "-ato failed: %RC% (%ERROR_CLASS%)"',
        'if "%ERROR_CLASS%"=="accessDenied" goto end_accessDenied',
        'if "%ERROR_CLASS%"=="keyRejected" goto end_keyRejected',
        ":attempt_next",
        // Remedies only when another attempt follows, so the server stays on the host it last tried.
        "if %ATTEMPTS% GEQ %MAX_ATTEMPTS% goto end_%ERROR_CLASS%",
        // 0xC004F074 is also what a skewed client reports: resync before trying the next host.
        'if "%ERROR_CLASS%"=="kmsUnreachable" call :resync_clock',
        'if "%ERROR_CLASS%"=="kmsUnreachable" call :next_kms_host',
        'if "%ERROR_CLASS%"=="clockSkew" call :resync_clock',
        'if "%ERROR_CLASS%"=="serviceStopped" call :ensure_service sppsvc delayed-auto',
        'call :log "waiting %DELAY% s"',
        "call :sleep %DELAY%",
        "set /a DELAY*=2",
        'if %DELAY% GTR %MAX_DELAY% set "DELAY=%MAX_DELAY%"',
        "goto attempt",
        "",
        ":fast_path",
        'set "ALREADY=true"',
        'set "CUR_HOST=%MATCHED_HOST%"',
        'call :log "already licensed: no change"',
        "goto end_licensed",
    ];
}

/** The subroutines, separated by blank lines; `:install_key` only when the script installs a KMS client key. */
function subroutineLines(installKmsClientKey: boolean, hosts: string[]): string[] {
    return [
        ":log",
        '>>"%LOG%" echo [%date% %time%] %~1',
        "echo [%date% %time%] %~1",
        "exit /b 0",
        "",
        ...resultLineLines(),
        "",
        ":sleep",
        "set /a PINGS=%1+1",
        `${tool("ping")} -n %PINGS% 127.0.0.1 >nul`,
        "exit /b 0",
        "",
        ...detectOsLines(),
        "",
        ...readStatusLines(),
        "",
        ...matchHostLines(),
        "",
        ...ensureServiceLines(),
        "",
        ...clockLines(),
        "",
        ...domainMemberLines(),
        "",
        ...lockLines(),
        "",
        ...diagnosisLines(hosts),
        "",
        ...scriptHostLines(),
        "",
        ...kmsHostLines(),
        "",
        ...(installKmsClientKey ? installKeyLines() : []),
    ];
}
