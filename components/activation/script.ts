/**
 * Renders the one activation script: a Windows batch file that every delivery (user data, TAT,
 * SSH) carries unchanged. It syncs the clock, points Windows at the KMS and activates it, then
 * prints one JSON line with the result and exits with a code from {@link EXIT_CODES}. The
 * subroutines live beside this file: `scriptStatus.ts` (build, edition, license status),
 * `scriptClock.ts` (services, clock), `scriptKms.ts` (slmgr).
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
import { EXIT_CODES, ExitCodeName } from "./exitCodes";
import { EXHAUSTED_EXIT, KNOWN_HRESULTS } from "./hresults";
import { MIN_SUPPORTED_BUILD } from "./kmsClientKeys";
import { ActivationScriptOptions, ntpHost, ntpPeer, resolveActivationScriptOptions } from "./options";
import { CHECK_WAIT, MAX_DELAY_FACTOR, diagnoseWorstCaseSeconds, worstCaseSeconds } from "./schedule";
import { W32TIME_CONFIG_KEY, clockLines, ensureServiceLines } from "./scriptClock";
import { installKeyLines, kmsHostLines } from "./scriptKms";
import { VBSCRIPT_FILES, diagnosisLines, scriptHostLines } from "./scriptDiagnosis";
import { RUN_MODES, lockLines, lockName } from "./scriptLock";
import { EVENT_SOURCE } from "./rootCauses";
import { detectOsLines, domainMemberLines, matchHostLines, readStatusLines } from "./scriptStatus";

/**
 * The server folder (`%SystemRoot%\\TencentCloudWindows`): the script, its logs, status and result
 * files. Only SYSTEM, Administrators and TrustedInstaller can create anything in `%SystemRoot%`
 * itself, so no ordinary user can make this folder before the carrier does (docs/security.md).
 */
export const SERVER_DIR = "C:\\Windows\\TencentCloudWindows";

/** Where the script writes its log on the server. */
export const ACTIVATION_LOG_PATH = `${SERVER_DIR}\\activation.log`;

/** The value of the `activation` key that starts the script's final JSON line. */
export const RESULT_SCHEMA = "tencentcloud-windows/2";

/**
 * Lines that end the script with the named exit code. The label `end_<name>` is preceded by one
 * alias label per error class that ends there, so `goto end_%ERROR_CLASS%` picks the exit code of
 * the last failure.
 */
function endLabel(name: ExitCodeName): string[] {
    const info = EXIT_CODES[name];
    const aliases = Object.entries(EXHAUSTED_EXIT)
        .filter(([cls, target]) => target === name && cls !== name)
        .map(([cls]) => `:end_${cls}`);
    return [...aliases, `:end_${name}`, `set "EXIT_CODE=${info.code}" & set "STATUS=${info.status}" & goto done`];
}

/** The outcomes only `/check` reports: they end no activation run. */
const CHECK_OUTCOMES = ["firstBootRunning", "noFirstBootResult"] as const satisfies readonly ExitCodeName[];

/** Lines that end `/check` with one of {@link CHECK_OUTCOMES}: its result line on stdout, nothing written. */
function checkEnding(name: (typeof CHECK_OUTCOMES)[number]): string[] {
    const info = EXIT_CODES[name];
    const rootCause = name === "firstBootRunning" ? "busy" : name;
    return [`set "EXIT_CODE=${info.code}" & set "STATUS=${info.status}" & set "ROOT_CAUSE=${rootCause}"`, "goto check_line"];
}

/** The JSON result line, built from the script's variables. */
const RESULT_LINE =
    `set "RESULT={"activation":"${RESULT_SCHEMA}","status":"%STATUS%","exitCode":%EXIT_CODE%,"licenseStatus":%LICENSE_STATUS%,` +
    '"kmsHost":"%CUR_HOST%","kmsPort":%KMS_PORT%,"attempts":%ATTEMPTS%,"lastErrorCode":%LAST_ERROR%,"errorClass":"%ERROR_CLASS%",' +
    '"alreadyLicensed":%ALREADY%,"clockOffsetSeconds":%CLOCK_OFFSET%,"timeSource":"%TIME_SOURCE%","osBuild":%BUILD%,"osVersion":"%OS_VERSION%","edition":"%EDITION%",' +
    '"rootCause":"%ROOT_CAUSE%","checks":%CHECKS%}"';

/** The line `activate.cmd /diagnose` prints: the diagnosis of a server, whatever its state. */
const DIAGNOSIS_LINE =
    `set "DIAGNOSIS={"diagnosis":"${RESULT_SCHEMA}","rootCause":"%ROOT_CAUSE%","licenseStatus":%LICENSE_STATUS%,"licensedByConfiguredHost":%CONFIGURED%,` +
    '"osBuild":%BUILD%,"osVersion":"%OS_VERSION%","edition":"%EDITION%","checks":%CHECKS%}"';

/** Renders the activation batch script (CRLF line endings) for the given options. */
export function renderActivationScript(options?: ActivationScriptOptions): string {
    const o = resolveActivationScriptOptions(options);
    const hosts = [o.kmsHost, ...o.fallbackKmsHosts];
    const lines: string[] = [
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
        "",
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
        ...(o.installKmsClientKey
            ? ["call :install_key", "if errorlevel 2 goto end_%ERROR_CLASS%", "if errorlevel 1 goto end_noKmsClientKey", ""]
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
        "",
        ...(Object.keys(EXIT_CODES) as ExitCodeName[]).filter((name) => !(CHECK_OUTCOMES as readonly string[]).includes(name)).flatMap(endLabel),
        "",
        ":done",
        // A failure is diagnosed (read-only) before the result line is printed.
        'set "ROOT_CAUSE=none"',
        'set "CHECKS={}"',
        'set "DIAG_DEFAULT=unknown"',
        'if "%LIMITS_LIFTED%"=="yes" call :restore_limits',
        'if "%EXIT_CODE%"=="2" set "ROOT_CAUSE=unsupportedOs"',
        `if "%EXIT_CODE%"=="${EXIT_CODES.busy.code}" set "ROOT_CAUSE=busy"`,
        // A run that found another one changes nothing, not even the other run's result file.
        'if "%ROOT_CAUSE%"=="busy" goto report',
        "if %EXIT_CODE% GEQ 3 call :diagnose",
        ":report",
        'if not defined LICENSE_STATUS set "LICENSE_STATUS=-1"',
        'call :log "result: %STATUS% (%EXIT_CODE%)"',
        "call :result_line",
        '>>"%LOG%" echo %RESULT%',
        'if not "%LOCKED%"=="yes" goto result_written',
        // Written whole to a new file, then moved over the old one: a /check never reads half a result.
        '>"%RESULT_FILE%.new" echo %RESULT%',
        'move /y "%RESULT_FILE%.new" "%RESULT_FILE%" >nul',
        'rmdir /s /q "%LOCK%"',
        ":result_written",
        // One Application event per run, for Windows' own monitoring:
        // ID 100 + the exit code, the result line (quotes as ').
        'set "EVENT_TYPE=ERROR"',
        'if "%EXIT_CODE%"=="0" set "EVENT_TYPE=INFORMATION"',
        "set /a EVENT_ID=100+EXIT_CODE",
        `set EVENT_TEXT=%RESULT:"='%`,
        `${tool("eventcreate")} /L APPLICATION /T %EVENT_TYPE% /SO ${EVENT_SOURCE} /ID %EVENT_ID% /D "%EVENT_TEXT%" >nul 2>&1`,
        'if not "%errorlevel%"=="0" call :log "warning: the Application event was not written: %errorlevel%"',
        "echo %RESULT%",
        "exit /b %EXIT_CODE%",
        "",
        // /diagnose: the read-only checks on demand, one JSON line, exit 0.
        ":diagnose_only",
        "call :detect_os",
        // Its own lock and files, beside any activation run: a /diagnose that finds another one
        // running reports `busy` and writes nothing.
        `call :take_lock ${RUN_MODES.diagnose} %DIAGNOSE_STALE_MINUTES%`,
        "if errorlevel 1 goto diagnose_busy",
        `call :use_files ${RUN_MODES.diagnose}`,
        "call :log_os",
        "call :read_status",
        "call :match_host",
        'set "CONFIGURED=false"',
        'if "%LICENSE_STATUS%%HOST_MATCH%"=="1yes" set "CONFIGURED=true"',
        'set "DIAG_DEFAULT=none"',
        "call :diagnose",
        'if not defined LICENSE_STATUS set "LICENSE_STATUS=-1"',
        ":diagnose_report",
        DIAGNOSIS_LINE,
        ">>\"%LOG%\" echo %DIAGNOSIS%",
        'if "%LOCKED%"=="yes" rmdir /s /q "%LOCK%"',
        "echo %DIAGNOSIS%",
        "exit /b 0",
        ":diagnose_busy",
        'set "ROOT_CAUSE=busy"',
        'set "LICENSE_STATUS=-1"',
        'set "CONFIGURED=false"',
        'set "CHECKS={}"',
        "goto diagnose_report",
        "",
        // /check: report the result of the run that user data started, changing nothing and writing
        // no file. While that run holds its lock, wait for it, up to its worst case; a lock older than
        // that was left by a run that died. Before it starts, wait up to CHECK_WAIT for it.
        ":check_only",
        "call :detect_os",
        'set "CHECK_TRY=0"',
        'set "RUN_WAITED=0"',
        ":check_wait",
        'if exist "%RUN_LOCK%\\" goto check_running',
        'if exist "%RESULT_FILE%" goto check_report',
        "set /a CHECK_TRY+=1",
        `if %CHECK_TRY% GTR ${CHECK_WAIT.tries} goto check_none`,
        `call :sleep ${CHECK_WAIT.pauseSeconds}`,
        "goto check_wait",
        ":check_running",
        'call :lock_age "%RUN_LOCK%"',
        'if "%AGE%"=="unknown" goto check_running_live',
        "if %AGE% GEQ %LOCK_STALE_MINUTES% goto check_dead_run",
        ":check_running_live",
        `set /a RUN_WAITED+=${CHECK_WAIT.pauseSeconds}`,
        "set /a RUN_WAIT_LIMIT=LOCK_STALE_MINUTES*60",
        "if %RUN_WAITED% GTR %RUN_WAIT_LIMIT% goto check_still_running",
        `call :sleep ${CHECK_WAIT.pauseSeconds}`,
        "goto check_wait",
        ":check_dead_run",
        'if exist "%RESULT_FILE%" goto check_report',
        ":check_none",
        ...checkEnding("noFirstBootResult"),
        ":check_still_running",
        ...checkEnding("firstBootRunning"),
        ":check_line",
        'set "LICENSE_STATUS=-1"',
        'set "CHECKS={}"',
        "call :result_line",
        "echo %RESULT%",
        "exit /b 0",
        ":check_report",
        'type "%RESULT_FILE%"',
        "exit /b 0",
        "",
        // ---- subroutines ----
        "",
        ":log",
        '>>"%LOG%" echo [%date% %time%] %~1',
        "echo [%date% %time%] %~1",
        "exit /b 0",
        "",
        ":result_line",
        RESULT_LINE,
        "exit /b 0",
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
        ...(o.installKmsClientKey ? installKeyLines() : []),
    ];
    return lines.join("\r\n") + "\r\n";
}
