/**
 * Renders the one activation script: a Windows batch file that every delivery (user data, TAT,
 * SSH) carries unchanged. It syncs the clock, points Windows at the KMS and activates it, then
 * prints one JSON line with the result and exits with a code from {@link EXIT_CODES}.
 *
 * The script keeps to the plain subset of batch that Windows' cmd.exe (2008 R2 to 2025) and
 * Wine 8's cmd.exe, on which the tests run it, execute the same way:
 * - no parenthesised blocks and no delayed expansion: every variable is read on its own line,
 *   control flow is `goto` and `call :label` with arguments;
 * - at most one `if` per line (Wine reports "Syntax error" on `if A if B ...`); two conditions are
 *   joined by comparing concatenated values instead;
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
 *   `LicenseStatus` value are read.
 * Every user value reaches the script only after `resolveActivationScriptOptions` has checked
 * it against a rule that admits no batch metacharacter.
 */
import { EXIT_CODES, ExitCodeName } from "./exitCodes";
import { EXHAUSTED_EXIT, KNOWN_HRESULTS } from "./hresults";
import { KMS_CLIENT_KEYS, MIN_SUPPORTED_BUILD } from "./kmsClientKeys";
import { ActivationScriptOptions, resolveActivationScriptOptions } from "./options";
import { CHECK_WAIT, MAX_DELAY_FACTOR, RESYNC_PAUSE_SECONDS, RESYNC_TRIES } from "./schedule";

/** The application ID of Windows itself in `SoftwareLicensingProduct`. */
export const WINDOWS_APPLICATION_ID = "55c92734-d682-4d71-983e-d6ec3f16059f";

/** The script's folder on the server (`%ProgramData%\\TencentCloudWindows`): log, status and result files. */
export const SERVER_DIR = "C:\\ProgramData\\TencentCloudWindows";

/** Where the script writes its log on the server. */
export const ACTIVATION_LOG_PATH = `${SERVER_DIR}\\activation.log`;

/** The value of the `activation` key that starts the script's final JSON line. */
export const RESULT_SCHEMA = "tencentcloud-windows/1";

/**
 * Lines that end the script with the named exit code. The label `end_<name>` is preceded by one
 * alias label per error class that ends there when attempts run out, so `goto end_%ERROR_CLASS%`
 * picks the exit code of the last failure.
 */
function endLabel(name: ExitCodeName): string[] {
    const info = EXIT_CODES[name];
    const aliases = Object.entries(EXHAUSTED_EXIT)
        .filter(([cls, target]) => target === name && cls !== name)
        .map(([cls]) => `:end_${cls}`);
    return [...aliases, `:end_${name}`, `set "EXIT_CODE=${info.code}" & set "STATUS=${info.status}" & goto done`];
}

/** The `:install_key` subroutine: errorlevel 0 when installed, 1 when no key is known, 2 when slmgr -ipk failed. */
function installKeyLines(): string[] {
    return [
        "",
        ":install_key",
        'set "KMS_CLIENT_KEY="',
        ...KMS_CLIENT_KEYS.flatMap((v) =>
            Object.entries(v.keys).map(([edition, key]) => `if "%OS_VERSION%-%EDITION%"=="${v.version}-${edition}" set "KMS_CLIENT_KEY=${key}"`),
        ),
        "if not defined KMS_CLIENT_KEY exit /b 1",
        'call :log "key: -ipk for %OS_VERSION%-%EDITION%"',
        'cscript //nologo "%SLMGR%" -ipk %KMS_CLIENT_KEY% >>"%LOG%" 2>&1',
        'set "RC=%errorlevel%"',
        'if "%RC%"=="0" exit /b 0',
        'set "LAST_ERROR=%RC%"',
        "call :classify %RC%",
        'call :log "key: -ipk failed: %RC%"',
        "exit /b 2",
    ];
}

/** Renders the activation batch script (CRLF line endings) for the given options. */
export function renderActivationScript(options?: ActivationScriptOptions): string {
    const o = resolveActivationScriptOptions(options);
    const hosts = [o.kmsHost, ...o.fallbackKmsHosts];
    const lines: string[] = [
        "@echo off",
        "rem tencentcloud-windows KMS activation (generated). Last stdout line: JSON result.",
        "setlocal EnableExtensions DisableDelayedExpansion",
        `set "KMS_PORT=${o.kmsPort}"`,
        `set "KMS_HOST_COUNT=${hosts.length}"`,
        ...hosts.map((host, i) => `set "KMS_HOST_${i + 1}=${host}"`),
        `set "NTP_PEERS=${o.ntpServers.join(" ")}"`,
        `set "MAX_ATTEMPTS=${o.maxAttempts}"`,
        `set "DELAY=${o.retryDelaySeconds}"`,
        `set "MAX_DELAY=${o.retryDelaySeconds * MAX_DELAY_FACTOR}"`,
        'set "LOG_DIR=%ProgramData%\\TencentCloudWindows"',
        'set "LOG=%LOG_DIR%\\activation.log"',
        'set "STATUS_FILE=%LOG_DIR%\\license-status.txt"',
        'set "RESULT_FILE=%LOG_DIR%\\result.json"',
        'set "SLMGR=%windir%\\system32\\slmgr.vbs"',
        'set "WMIC=%windir%\\system32\\wbem\\wmic.exe"',
        'set "POWERSHELL=%windir%\\system32\\WindowsPowerShell\\v1.0\\powershell.exe"',
        'set "NT_KEY=HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"',
        ...KNOWN_HRESULTS.map((h) => `set "HR_${h.exitCode}=${h.errorClass}"`),
        'set "ATTEMPTS=0"',
        'set "LAST_ERROR=0"',
        'set "ERROR_CLASS=none"',
        'set "ALREADY=false"',
        'set "HOST_INDEX=1"',
        'set "CUR_HOST=%KMS_HOST_1%"',
        'if not exist "%LOG_DIR%\\" mkdir "%LOG_DIR%"',
        'if /i "%~1"=="/check" goto check_only',
        'call :log "start: KMS %KMS_HOST_1%:%KMS_PORT%, NTP %NTP_PEERS%"',
        "",
        // 1. Version and edition, from the registry (language-neutral).
        "call :detect_os",
        `if %BUILD% LSS ${MIN_SUPPORTED_BUILD} goto end_unsupportedOs`,
        "",
        // 2. Already licensed against a configured KMS host: change nothing.
        "call :read_status",
        "if errorlevel 1 goto end_statusUnavailable",
        "call :match_host",
        'if "%LICENSE_STATUS%%HOST_MATCH%"=="1yes" goto fast_path',
        "",
        // 3. Services: the SPP Notification Service on 2008 R2, then the time service and the clock.
        "if %BUILD% LSS 9200 call :ensure_service sppuinotify demand",
        "call :sync_clock",
        "",
        // 4. Optionally the KMS client key for this version and edition.
        ...(o.installKmsClientKey
            ? ["call :install_key", "if errorlevel 2 goto end_keyRejected", "if errorlevel 1 goto end_noKmsClientKey", ""]
            : []),
        // 5. Point Windows at the KMS and activate, with retries, back-off and host fallback.
        "call :set_kms_host",
        ":attempt",
        "set /a ATTEMPTS=ATTEMPTS+1",
        'call :log "attempt %ATTEMPTS%/%MAX_ATTEMPTS%: -ato via %CUR_HOST%"',
        'cscript //nologo "%SLMGR%" -ato >>"%LOG%" 2>&1',
        'set "RC=%errorlevel%"',
        'if not "%RC%"=="0" goto attempt_failed',
        "call :read_status",
        'if "%LICENSE_STATUS%"=="1" goto end_licensed',
        'set "LAST_ERROR=0"',
        'set "ERROR_CLASS=unverified"',
        'call :log "-ato ok but LicenseStatus=%LICENSE_STATUS%"',
        "goto next_attempt",
        ":attempt_failed",
        'set "LAST_ERROR=%RC%"',
        "call :classify %RC%",
        'call :log "-ato failed: %RC% (%ERROR_CLASS%)"',
        'if "%ERROR_CLASS%"=="accessDenied" goto end_accessDenied',
        'if "%ERROR_CLASS%"=="keyRejected" goto end_keyRejected',
        'if "%ERROR_CLASS%"=="clockSkew" call :resync_clock',
        'if "%ERROR_CLASS%"=="serviceStopped" call :ensure_service sppsvc delayed-auto',
        'if "%ERROR_CLASS%"=="kmsUnreachable" call :next_kms_host',
        ":next_attempt",
        "if %ATTEMPTS% GEQ %MAX_ATTEMPTS% goto end_%ERROR_CLASS%",
        'call :log "waiting %DELAY% s"',
        "call :sleep %DELAY%",
        "set /a DELAY=DELAY*2",
        'if %DELAY% GTR %MAX_DELAY% set "DELAY=%MAX_DELAY%"',
        "goto attempt",
        "",
        ":fast_path",
        'set "ALREADY=true"',
        'set "CUR_HOST=%MATCHED_HOST%"',
        'call :log "already licensed: no change"',
        "goto end_licensed",
        "",
        ...(Object.keys(EXIT_CODES) as ExitCodeName[]).flatMap(endLabel),
        "",
        ":done",
        'if not defined LICENSE_STATUS set "LICENSE_STATUS=-1"',
        'call :log "result: %STATUS% (%EXIT_CODE%)"',
        `set "RESULT={"activation":"${RESULT_SCHEMA}","status":"%STATUS%","exitCode":%EXIT_CODE%,"licenseStatus":%LICENSE_STATUS%,` +
            '"kmsHost":"%CUR_HOST%","kmsPort":%KMS_PORT%,"attempts":%ATTEMPTS%,"lastErrorCode":%LAST_ERROR%,"errorClass":"%ERROR_CLASS%",' +
            '"alreadyLicensed":%ALREADY%,"osBuild":%BUILD%,"osVersion":"%OS_VERSION%","edition":"%EDITION%"}"',
        '>>"%LOG%" echo %RESULT%',
        '>"%RESULT_FILE%" echo %RESULT%',
        "echo %RESULT%",
        "exit /b %EXIT_CODE%",
        "",
        // /check: report the result of the run that user data started, changing nothing.
        ":check_only",
        'set "CHECK_TRY=0"',
        ":check_wait",
        'if exist "%RESULT_FILE%" goto check_report',
        "set /a CHECK_TRY=CHECK_TRY+1",
        `if %CHECK_TRY% GTR ${CHECK_WAIT.tries} goto check_none`,
        `call :sleep ${CHECK_WAIT.pauseSeconds}`,
        "goto check_wait",
        ":check_report",
        'type "%RESULT_FILE%"',
        "exit /b 0",
        ":check_none",
        'call :log "check: no result"',
        "exit /b 0",
        "",
        // ---- subroutines ----
        "",
        ":log",
        '>>"%LOG%" echo [%date% %time%] %~1',
        "echo [%date% %time%] %~1",
        "exit /b 0",
        "",
        ":sleep",
        "set /a PINGS=%1+1",
        "ping -n %PINGS% 127.0.0.1 >nul",
        "exit /b 0",
        "",
        ":detect_os",
        'set "BUILD_RAW="',
        'set "EDITION_ID="',
        'for /f "tokens=3" %%a in (\'reg query "%NT_KEY%" /v CurrentBuild 2^>nul ^| find "REG_SZ"\') do set "BUILD_RAW=%%a"',
        'for /f "tokens=3" %%a in (\'reg query "%NT_KEY%" /v EditionID 2^>nul ^| find "REG_SZ"\') do set "EDITION_ID=%%a"',
        "set /a BUILD=BUILD_RAW+0",
        'set "OS_VERSION=unsupported"',
        ...[...KMS_CLIENT_KEYS].reverse().map((v) => `if %BUILD% GEQ ${v.minBuild} set "OS_VERSION=${v.version}"`),
        'set "EDITION=Other"',
        ...(["Standard", "Datacenter", "Enterprise"] as const).flatMap((edition) => [
            `echo.%EDITION_ID%| find "${edition}" >nul`,
            `if not errorlevel 1 set "EDITION=${edition}"`,
        ]),
        'call :log "os: build %BUILD% (%OS_VERSION%), %EDITION%"',
        "exit /b 0",
        "",
        // Reads LicenseStatus and the KMS host of Windows' own license into STATUS_FILE; errorlevel 1 when unreadable.
        ":read_status",
        'set "LICENSE_STATUS="',
        'if exist "%STATUS_FILE%" del /q "%STATUS_FILE%"',
        'if not exist "%WMIC%" goto read_status_powershell',
        `"%WMIC%" path SoftwareLicensingProduct where "ApplicationID='${WINDOWS_APPLICATION_ID}' and PartialProductKey is not null" get LicenseStatus,KeyManagementServiceMachine /value <nul 2>>"%LOG%" | find "=" >"%STATUS_FILE%"`,
        "goto read_status_parse",
        ":read_status_powershell",
        'if not exist "%POWERSHELL%" goto read_status_parse',
        'call :log "status: no wmic, using PowerShell"',
        `"%POWERSHELL%" -NoP -NonI -EP Bypass -C "$p=Get-CimInstance SoftwareLicensingProduct -F 'ApplicationID=''${WINDOWS_APPLICATION_ID}'' AND PartialProductKey IS NOT NULL'|select -F 1;'KeyManagementServiceMachine='+$p.KeyManagementServiceMachine;'LicenseStatus='+$p.LicenseStatus" <nul 2>>"%LOG%" | find "=" >"%STATUS_FILE%"`,
        ":read_status_parse",
        'if not exist "%STATUS_FILE%" goto read_status_failed',
        'for /f "tokens=2 delims==" %%a in (\'type "%STATUS_FILE%" ^| find "LicenseStatus="\') do for /f "delims=" %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if "%%b"=="%%s" set "LICENSE_STATUS=%%s"',
        "if not defined LICENSE_STATUS goto read_status_failed",
        'call :log "status: LicenseStatus=%LICENSE_STATUS%"',
        "exit /b 0",
        ":read_status_failed",
        'call :log "status: unreadable"',
        "exit /b 1",
        "",
        // HOST_MATCH=yes and MATCHED_HOST when the license's KMS host is a configured one (compared as a FOR value, never expanded).
        ":match_host",
        'set "HOST_MATCH=no"',
        'set "MATCH_INDEX=0"',
        ":match_host_next",
        "set /a MATCH_INDEX=MATCH_INDEX+1",
        "if %MATCH_INDEX% GTR %KMS_HOST_COUNT% exit /b 0",
        'call set "MATCHED_HOST=%%KMS_HOST_%MATCH_INDEX%%%"',
        'for /f "tokens=2 delims==" %%a in (\'type "%STATUS_FILE%" ^| find "KeyManagementServiceMachine="\') do for /f "delims=" %%b in ("%%a") do if /i "%%b"=="%MATCHED_HOST%" set "HOST_MATCH=yes"',
        'if "%HOST_MATCH%"=="no" goto match_host_next',
        'call :log "status: KMS %MATCHED_HOST%"',
        "exit /b 0",
        "",
        // %1 service name, %2 start type to set when it is disabled; then starts it if it is not running.
        ":ensure_service",
        'sc qc %1 | find "DISABLED" >nul',
        "if errorlevel 1 goto ensure_service_start",
        'call :log "service %1: disabled, set to %2"',
        'sc config %1 start= %2 >>"%LOG%" 2>&1',
        ":ensure_service_start",
        'sc query %1 | find "RUNNING" >nul',
        "if not errorlevel 1 exit /b 0",
        'call :log "service %1: starting"',
        'net start %1 >>"%LOG%" 2>&1',
        "exit /b 0",
        "",
        ":sync_clock",
        "call :ensure_service w32time auto",
        'call :log "time: peers %NTP_PEERS%"',
        // Lift the 15-hour limit on clock corrections, so a far-off clock is set right in one step.
        'for %%d in (Pos Neg) do reg add "HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config" /v Max%%dPhaseCorrection /t REG_DWORD /d 0xFFFFFFFF /f >>"%LOG%" 2>&1',
        'w32tm /config /syncfromflags:manual /manualpeerlist:"%NTP_PEERS%" /update >>"%LOG%" 2>&1',
        'if errorlevel 1 call :log "warning: w32tm /config failed"',
        "call :resync_clock",
        "exit /b 0",
        "",
        ":resync_clock",
        'set "RESYNC_TRY=0"',
        ":resync_again",
        "set /a RESYNC_TRY=RESYNC_TRY+1",
        'w32tm /resync >>"%LOG%" 2>&1',
        "if not errorlevel 1 goto resync_done",
        `if %RESYNC_TRY% GEQ ${RESYNC_TRIES} goto resync_failed`,
        `call :sleep ${RESYNC_PAUSE_SECONDS}`,
        "goto resync_again",
        ":resync_done",
        'call :log "time: resynced (try %RESYNC_TRY%)"',
        "exit /b 0",
        ":resync_failed",
        'call :log "warning: no resync after %RESYNC_TRY% tries"',
        "exit /b 0",
        "",
        // Points Windows at KMS_HOST_<HOST_INDEX>.
        ":set_kms_host",
        'call set "CUR_HOST=%%KMS_HOST_%HOST_INDEX%%%"',
        'call :log "kms: -skms %CUR_HOST%:%KMS_PORT%"',
        'cscript //nologo "%SLMGR%" -skms %CUR_HOST%:%KMS_PORT% >>"%LOG%" 2>&1',
        'if errorlevel 1 call :log "warning: -skms failed: %errorlevel%"',
        "exit /b 0",
        "",
        ":next_kms_host",
        "if %KMS_HOST_COUNT% LSS 2 exit /b 0",
        "set /a HOST_INDEX=HOST_INDEX %% KMS_HOST_COUNT + 1",
        "call :set_kms_host",
        "exit /b 0",
        "",
        // Sets ERROR_CLASS from an slmgr exit code (the HRESULT).
        ":classify",
        'set "ERROR_CLASS=unknown"',
        'if defined HR_%~1 call set "ERROR_CLASS=%%HR_%~1%%"',
        "exit /b 0",
        "",
        ...(o.installKmsClientKey ? installKeyLines() : []),
    ];
    return lines.join("\r\n") + "\r\n";
}
