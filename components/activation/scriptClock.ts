/**
 * The parts of the activation script that look after Windows services and the clock.
 *
 * `w32tm /resync` is not trusted for success: when it gets no time data it prints so and still
 * exits 0, and its real failures are negative HRESULTs (so `if errorlevel 1` misses them too).
 * After each resync the script measures the offset to the first NTP server with
 * `w32tm /stripchart /samples:1 /dataonly`, whose data line (`hh:mm:ss, +00.0123456s`) is the
 * same in every language; the clock counts as synced when that offset is known and under
 * {@link SYNCED_OFFSET_SECONDS}.
 */
import { tool } from "./batch";
import { RESYNC_PAUSE_SECONDS, RESYNC_TRIES } from "./schedule";

/**
 * The clock counts as synced within this many seconds of the NTP server: w32time slews (rather
 * than steps) offsets below its MaxAllowedPhaseOffset default of 300 s, so a working sync can
 * leave up to that much for a while. The KMS itself accepts up to 4 hours.
 */
const SYNCED_OFFSET_SECONDS = 300;

/**
 * `:ensure_service <name> <start type>`: enables a disabled service
 * with that start type, then starts it if it is not running.
 */
export function ensureServiceLines(): string[] {
    const sc = tool("sc");
    const find = tool("find");
    return [
        ":ensure_service",
        `${sc} qc %1 | ${find} "DISABLED" >nul`,
        "if errorlevel 1 goto ensure_service_start",
        'call :log "service %1: disabled, set to %2"',
        `${sc} config %1 start= %2 >>"%LOG%" 2>&1`,
        ":ensure_service_start",
        `${sc} query %1 | ${find} "RUNNING" >nul`,
        "if not errorlevel 1 exit /b 0",
        'call :log "service %1: starting"',
        `${tool("net")} start %1 >>"%LOG%" 2>&1`,
        "exit /b 0",
    ];
}

/** The registry key of w32time's settings, where the phase-correction limits live. */
export const W32TIME_CONFIG_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config";

/**
 * `:sync_clock`, `:resync_clock`, the correction limits and `:clock_offset` (CLOCK_OFFSET in
 * whole seconds or `null`, CLOCK_SYNCED true/false).
 *
 * On a domain member, and on a server whose membership could not be read, the time source is left
 * alone (`/syncfromflags:manual` would take a member off the domain hierarchy, which Kerberos
 * needs): one resync, and no offset measured against an NTP server the member does not use
 * (TIME_SOURCE=domain, or `unchanged` when the membership is unknown). Elsewhere TIME_SOURCE=ntp:
 * the 15-hour correction limits (MaxPos/NegPhaseCorrection) are lifted so that a far-off clock is
 * set right in one step, and put back as soon as a sync is confirmed, and at the end of the run in
 * any case. Their values before the lift are saved first in LIMITS_FILE (in the server folder,
 * which only SYSTEM and Administrators can write), so a run that dies with the limits lifted (TAT's
 * timeout, a reboot, a cancelled invocation) leaves the originals behind: the next run puts them
 * back before anything else (`:recover_limits`), and never takes lifted limits for originals.
 */
export function clockLines(): string[] {
    const w32tm = tool("w32tm");
    const reg = tool("reg");
    return [
        ":sync_clock",
        "call :ensure_service w32time auto",
        "call :domain_member",
        'if "%DOMAIN_MEMBER%"=="yes" goto sync_domain',
        'if "%DOMAIN_MEMBER%"=="unknown" goto sync_unknown',
        'set "TIME_SOURCE=ntp"',
        'call :log "time: peers %NTP_PEERS%"',
        "call :save_limits",
        "if errorlevel 1 goto sync_peers",
        'set "LIMITS_LIFTED=yes"',
        `for %%d in (Pos Neg) do ${reg} add "%W32_KEY%" /v Max%%dPhaseCorrection /t REG_DWORD /d 0xFFFFFFFF /f >>"%LOG%" 2>&1`,
        ":sync_peers",
        `${w32tm} /config /syncfromflags:manual /manualpeerlist:"%NTP_PEERS%" /update >>"%LOG%" 2>&1`,
        'if not "%errorlevel%"=="0" call :log "warning: w32tm /config failed: %errorlevel%"',
        "call :resync_clock",
        "exit /b 0",
        ":sync_domain",
        'set "TIME_SOURCE=domain"',
        'call :log "time: domain member: time source left alone, resync only"',
        "call :resync_clock",
        "exit /b 0",
        ":sync_unknown",
        'call :log "time: domain membership unknown: time source left alone, resync only"',
        "call :resync_clock",
        "exit /b 0",
        "",
        // OLD_Pos / OLD_Neg: the values before the lift (`none`: not set), read from the registry and
        // written to LIMITS_FILE before anything is lifted; when the file is there, a run that died left
        // the limits lifted, and the file, not the registry, holds the originals.
        ":save_limits",
        'if exist "%LIMITS_FILE%" goto load_limits',
        "for %%d in (Pos Neg) do call :read_limit %%d",
        '>"%LIMITS_FILE%.new" echo Pos=%OLD_Pos%',
        '>>"%LIMITS_FILE%.new" echo Neg=%OLD_Neg%',
        'move /y "%LIMITS_FILE%.new" "%LIMITS_FILE%" >nul',
        'if exist "%LIMITS_FILE%" exit /b 0',
        'call :log "warning: limits not saved, so not lifted"',
        "exit /b 1",
        ":read_limit",
        'set "OLD_%1=none"',
        `for /f "tokens=3" %%v in ('${reg} query "%W32_KEY%" /v Max%1PhaseCorrection 2^>nul ^| ${tool("find")} "REG_DWORD"') do set "OLD_%1=%%v"`,
        "exit /b 0",
        // Each value must be `none` or a hex number; anything else is taken as `none` (Windows' default).
        ":load_limits",
        'set "OLD_Pos=none"',
        'set "OLD_Neg=none"',
        `for /f "tokens=1,2 delims==" %%a in ('type "%LIMITS_FILE%"') do call :load_limit %%a %%b`,
        "exit /b 0",
        // Only `none` or a hex number is taken (nothing that could change the `reg add` line).
        ":load_limit",
        'set "LIMIT_VALUE=%~2"',
        'for /f "delims=0123456789abcdefABCDEFxnoe" %%x in ("%LIMIT_VALUE%") do set "LIMIT_VALUE=none"',
        'if "%1"=="Pos" set "OLD_Pos=%LIMIT_VALUE%"',
        'if "%1"=="Neg" set "OLD_Neg=%LIMIT_VALUE%"',
        "exit /b 0",
        "",
        // At the start of a run: limits a dead run left lifted go back to the originals it saved.
        ":recover_limits",
        'call :log "time: limits a dead run left lifted"',
        "call :load_limits",
        "call :restore_limits",
        "exit /b 0",
        "",
        ":restore_limits",
        'set "LIMITS_LIFTED=no"',
        "call :restore_limit Pos %OLD_Pos%",
        "call :restore_limit Neg %OLD_Neg%",
        `${w32tm} /config /update >>"%LOG%" 2>&1`,
        'del "%LIMITS_FILE%" 2>nul',
        'call :log "time: correction limits restored"',
        "exit /b 0",
        // %1 Pos or Neg, %2 the value to put back (none: the value is removed, so Windows' default applies).
        ":restore_limit",
        `if "%2"=="none" ${reg} delete "%W32_KEY%" /v Max%1PhaseCorrection /f >>"%LOG%" 2>&1`,
        `if not "%2"=="none" ${reg} add "%W32_KEY%" /v Max%1PhaseCorrection /t REG_DWORD /d %2 /f >>"%LOG%" 2>&1`,
        "exit /b 0",
        "",
        ":resync_clock",
        'if not "%TIME_SOURCE%"=="ntp" goto resync_once',
        'set "RESYNC_TRY=0"',
        ":resync_again",
        "set /a RESYNC_TRY+=1",
        "call :resync_once",
        "call :clock_offset",
        'if "%CLOCK_SYNCED%"=="true" goto resync_done',
        `if %RESYNC_TRY% GEQ ${RESYNC_TRIES} goto resync_failed`,
        `call :sleep ${RESYNC_PAUSE_SECONDS}`,
        "goto resync_again",
        ":resync_done",
        'call :log "time: synced, offset %CLOCK_OFFSET% s (try %RESYNC_TRY%)"',
        'if "%LIMITS_LIFTED%"=="yes" call :restore_limits',
        "exit /b 0",
        ":resync_failed",
        'call :log "warning: clock not confirmed after %RESYNC_TRY% tries, offset %CLOCK_OFFSET% s"',
        "exit /b 0",
        // One resync; alone (nothing measured) for the domain's time or a source this run cannot name.
        // The clock may have moved: the lock's age starts again from the new time.
        ":resync_once",
        `${w32tm} /resync /rediscover >>"%LOG%" 2>&1`,
        'if not "%errorlevel%"=="0" call :log "time: /resync failed: %errorlevel%"',
        "call :touch_lock",
        "exit /b 0",
        "",
        // The last line is the data line, `hh:mm:ss, +00.0123456s`, whose second token (split at
        // ',', '.' and ' ') is the signed whole seconds; with no data it is `error:` or a word.
        // (One `for /f`: Wine ignores the options of a nested `for /f` over a FOR value.)
        ":clock_offset",
        'set "CLOCK_OFFSET=null"',
        'set "CLOCK_SYNCED=false"',
        'set "OFFSET_RAW="',
        `for /f "tokens=2 delims=,. " %%a in ('${w32tm} /stripchart /computer:%NTP_HOST% /samples:1 /dataonly 2^>nul') do set "OFFSET_RAW=%%a"`,
        "if not defined OFFSET_RAW exit /b 0",
        'set "OFFSET_SIGN=%OFFSET_RAW:~0,1%"',
        'set "OFFSET_DIGITS=%OFFSET_RAW:~1%"',
        'set "SIGN_OK="',
        'if "%OFFSET_SIGN%"=="+" set "SIGN_OK=+"',
        'if "%OFFSET_SIGN%"=="-" set "SIGN_OK=-"',
        "if not defined SIGN_OK exit /b 0",
        "if not defined OFFSET_DIGITS exit /b 0",
        'for /f "delims=0123456789" %%x in ("%OFFSET_DIGITS%") do set "OFFSET_DIGITS="',
        "if not defined OFFSET_DIGITS exit /b 0",
        // Leading zeros would make `set /a` read the number as octal.
        'for /f "tokens=* delims=0" %%z in ("%OFFSET_DIGITS%") do set "OFFSET_DIGITS=%%z"',
        "set /a CLOCK_OFFSET=%SIGN_OK%%OFFSET_DIGITS%",
        `if %OFFSET_DIGITS% LSS ${SYNCED_OFFSET_SECONDS} set "CLOCK_SYNCED=true"`,
        "exit /b 0",
    ];
}
