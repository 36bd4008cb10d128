/**
 * The parts of the activation script that read the machine, language-neutrally: the Windows
 * build and edition from the registry, and the license status from WMI.
 *
 * The status comes from `SoftwareLicensingProduct`, the row of Windows itself: its
 * ApplicationID, a product key installed, and not an add-on (`LicenseIsAddon=FALSE`, the filter
 * Windows 7's own slmgr.vbs uses): extended security update add-ons share Windows' ApplicationID,
 * and wmic prints rows in no defined order. An answer with more than one such row is not used.
 * wmic is tried first, then Windows PowerShell's `Get-WmiObject` (PowerShell 2.0 on 2008 R2 to
 * 5.1; `Get-CimInstance` needs 3.0) whenever wmic gives no `LicenseStatus`; a read that fails is
 * tried again after a pause (WMI can still be starting at first boot), and only then reported as
 * unavailable.
 */
import { POWERSHELL, POWERSHELL_COMMAND, WMIC, tool } from "./batch";
import { KMS_CLIENT_KEYS } from "./kmsClientKeys";
import { STATUS_READ } from "./schedule";

/** The application ID of Windows itself in `SoftwareLicensingProduct`. */
const WINDOWS_APPLICATION_ID = "55c92734-d682-4d71-983e-d6ec3f16059f";

/** The properties the script reads, in the alphabetical order wmic prints them. */
const STATUS_PROPERTIES = [
    "Description",
    "GracePeriodRemaining",
    "KeyManagementServiceMachine",
    "LicenseStatus",
] as const;

/** The wmic status query. */
const WMIC_STATUS_QUERY =
    `${WMIC} path SoftwareLicensingProduct where "ApplicationID='${WINDOWS_APPLICATION_ID}' and PartialProductKey is not null and LicenseIsAddon=FALSE" ` +
    `get ${STATUS_PROPERTIES.join(",")} /value`;

/** The same query through PowerShell: one `Name=value` line per property and row, in wmic's order. */
const POWERSHELL_STATUS_QUERY =
    `${POWERSHELL_COMMAND} "foreach($p in @(Get-WmiObject SoftwareLicensingProduct -Filter ` +
    `'ApplicationID=''${WINDOWS_APPLICATION_ID}'' AND PartialProductKey IS NOT NULL AND LicenseIsAddon=FALSE')){` +
    `${STATUS_PROPERTIES.map((p) => `'${p}='+$p.${p}`).join(";")}}"`;

/** Whether the computer is a domain member, language-neutrally: Win32_ComputerSystem.PartOfDomain (a boolean). */
const WMIC_DOMAIN_QUERY = `${WMIC} computersystem get PartOfDomain /value`;

/** The same through PowerShell (2.0 on): `PartOfDomain=True` or `PartOfDomain=False`. */
const POWERSHELL_DOMAIN_QUERY = `${POWERSHELL_COMMAND} "'PartOfDomain='+(Get-WmiObject Win32_ComputerSystem).PartOfDomain"`;

/**
 * `:domain_member`: DOMAIN_MEMBER yes, no, or unknown when neither wmic nor PowerShell answered
 * (then the script leaves the time source alone, as on a domain member: the safe case). The value is
 * a WMI boolean (TRUE/FALSE from wmic, True/False from PowerShell); the inner `for /f` drops
 * wmic's trailing CR and a line that starts with a byte-order mark still splits at `=`.
 */
export function domainMemberLines(): string[] {
    const find = tool("find");
    const read = (query: string) =>
        `for /f "tokens=2 delims==" %%a in ('${query} ^<nul 2^>nul ^| ${find} "PartOfDomain="') do for /f "delims=" %%b in ("%%a") do call :domain_value %%b`;
    return [
        ":domain_member",
        'set "DOMAIN_MEMBER=unknown"',
        `if not exist ${WMIC} goto domain_member_ps`,
        read(WMIC_DOMAIN_QUERY),
        'if not "%DOMAIN_MEMBER%"=="unknown" goto domain_member_done',
        ":domain_member_ps",
        `if not exist ${POWERSHELL} goto domain_member_done`,
        read(POWERSHELL_DOMAIN_QUERY),
        ":domain_member_done",
        'call :log "domain member: %DOMAIN_MEMBER%"',
        "exit /b 0",
        ":domain_value",
        'set "DOMAIN_MEMBER=no"',
        'if /i "%~1"=="true" set "DOMAIN_MEMBER=yes"',
        "exit /b 0",
    ];
}

/**
 * `:detect_os`: BUILD, OS_VERSION, EDITION_ID and EDITION
 * (Standard, Datacenter, Enterprise or Other); `:log_os` logs them.
 */
export function detectOsLines(): string[] {
    const find = tool("find");
    const reg = (value: string) =>
        `for /f "tokens=3" %%a in ('${tool("reg")} query "%NT_KEY%" /v ${value} 2^>nul ^| ${find} "REG_SZ"') do set "${value === "CurrentBuild" ? "BUILD_RAW" : "EDITION_ID"}=%%a"`;
    return [
        ":detect_os",
        'set "BUILD_RAW="',
        'set "EDITION_ID="',
        reg("CurrentBuild"),
        reg("EditionID"),
        "set /a BUILD=BUILD_RAW+0",
        'set "OS_VERSION=unsupported"',
        ...[...KMS_CLIENT_KEYS].reverse().map((v) => `if %BUILD% GEQ ${v.minBuild} set "OS_VERSION=${v.version}"`),
        'set "EDITION=Other"',
        ...(["Standard", "Datacenter", "Enterprise"] as const).flatMap((edition) => [
            `echo.%EDITION_ID%| ${find} "${edition}" >nul`,
            `if not errorlevel 1 set "EDITION=${edition}"`,
        ]),
        "exit /b 0",
        ":log_os",
        'call :log "os: build %BUILD% (%OS_VERSION%), %EDITION_ID%"',
        "exit /b 0",
    ];
}

/**
 * `:read_status` (errorlevel 1 when unreadable after every try) and its helpers: LICENSE_STATUS
 * and the row's properties in STATUS_FILE. Values read from WMI are only ever compared as FOR
 * variables, never expanded with `%...%`, so a stray quote or `&` in them cannot change the script.
 */
export function readStatusLines(): string[] {
    const find = tool("find");
    return [
        ":read_status",
        'set "STATUS_TRY=0"',
        ":read_status_try",
        "set /a STATUS_TRY+=1",
        "call :query_status",
        "if not defined LICENSE_STATUS goto read_status_retry",
        'set "ROWS=0"',
        `for /f %%n in ('type "%STATUS_FILE%" ^| ${find} "LicenseStatus="') do set /a ROWS+=1`,
        'if "%ROWS%"=="1" exit /b 0',
        'call :log "status: %ROWS% Windows license rows"',
        'set "LICENSE_STATUS="',
        ":read_status_retry",
        `if %STATUS_TRY% GEQ ${STATUS_READ.tries} goto read_status_failed`,
        'call :log "status: not readable, try %STATUS_TRY%"',
        `call :sleep ${STATUS_READ.pauseSeconds}`,
        "goto read_status_try",
        ":read_status_failed",
        'call :log "status: unreadable"',
        "exit /b 1",
        "",
        // One query: wmic, then PowerShell when wmic is missing or gives no LicenseStatus.
        ":query_status",
        `if not exist ${WMIC} goto query_status_ps`,
        `${WMIC_STATUS_QUERY} <nul 2>>"%LOG%" | ${find} "=" >"%STATUS_FILE%"`,
        "call :status_value",
        "if defined LICENSE_STATUS exit /b 0",
        ":query_status_ps",
        `if not exist ${POWERSHELL} exit /b 0`,
        `${POWERSHELL_STATUS_QUERY} <nul 2>>"%LOG%" | ${find} "=" >"%STATUS_FILE%"`,
        "call :status_value",
        "exit /b 0",
        "",
        // The inner `for /f` over the value drops the CR that wmic leaves at each line's end.
        ":status_value",
        'set "LICENSE_STATUS="',
        `for /f "tokens=2 delims==" %%a in ('type "%STATUS_FILE%" ^| ${find} "LicenseStatus="') do for /f "delims=" %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if "%%b"=="%%s" set "LICENSE_STATUS=%%s"`,
        "exit /b 0",
    ];
}

/** `:match_host`: HOST_MATCH=yes and MATCHED_HOST when the license's KMS host is a configured one. */
export function matchHostLines(): string[] {
    return [
        ":match_host",
        'set "HOST_MATCH=no"',
        'set "MATCH_INDEX=0"',
        ":match_host_next",
        "set /a MATCH_INDEX+=1",
        "if %MATCH_INDEX% GTR %KMS_HOST_COUNT% exit /b 0",
        'call set "MATCHED_HOST=%%KMS_HOST_%MATCH_INDEX%%%"',
        `for /f "tokens=2 delims==" %%a in ('type "%STATUS_FILE%" ^| ${tool("find")} "KeyManagementServiceMachine="') do for /f "delims=" %%b in ("%%a") do if /i "%%b"=="%MATCHED_HOST%" set "HOST_MATCH=yes"`,
        'if "%HOST_MATCH%"=="no" goto match_host_next',
        'call :log "status: KMS %MATCHED_HOST%"',
        "exit /b 0",
    ];
}
