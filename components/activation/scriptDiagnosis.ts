/**
 * The script's read-only diagnosis: when activation failed (and on `activate.cmd /diagnose`) it
 * looks at what can stop a KMS activation and names the root cause (`rootCauses.ts`). It changes
 * nothing: no `-skms`, `-ato`, `-ipk`, `sc config`, `net start`, `w32tm /config` or `/resync`, no
 * `reg add`. The checks, each language-neutral:
 * - KMS hosts: DNS resolution (`[Net.Dns]::GetHostAddresses`, as Windows resolves names) and a TCP
 *   connection to the KMS port within 3 s, for each configured host (one PowerShell call; 2.0 on);
 * - `sppsvc.exe`: the rights its ACL grants and denies to SYSTEM and to NETWORK SERVICE (the
 *   account sppsvc runs as), read as SIDs, never as localized names;
 * - the clock's offset to the first NTP server (`w32tm /stripchart`, as the clock sync reads it);
 * - start type and state of sppsvc, w32time and, on 2008 R2, sppuinotify (`sc`, whose keywords
 *   are not localized);
 * - the key's channel (the license's Description: VOLUME_KMSCLIENT, VOLUME_MAK, RETAIL, OEM; not
 *   localized) and GracePeriodRemaining, from the status the script read;
 * - VBScript: `vbscript.dll` and `cscript.exe` present (slmgr.vbs needs both);
 * - Windows Script Host not disabled by policy (`:script_host`).
 *
 * `activate.cmd /diagnose` runs the same checks on demand, whatever the server's state, and prints
 * them as one JSON line of their own ({@link diagnoseModeLines}).
 *
 * The probe's lines are told apart by the last three letters of their first field (`kms`, `exe`):
 * PowerShell 2.0 started from TAT (whose console is UTF-8) writes a byte-order mark before its first
 * line, which would otherwise hide the first KMS host.
 */
import { createHash } from "crypto";
import { POWERSHELL_COMMAND, SYSTEM32, tool } from "./batch";
import { CLOCK_SKEW_LIMIT_SECONDS } from "./rootCauses";
import { RUN_MODES } from "./scriptLock";
import { RESULT_SCHEMA } from "./scriptReport";

/** The files slmgr.vbs needs: VBScript's engine and its host. Both go when the VBScript optional feature is removed. */
export const VBSCRIPT_FILES = [`${SYSTEM32}\\vbscript.dll`, tool("cscript")] as const;

/**
 * The registry key whose `Enabled` value of 0 turns Windows Script Host off (a
 * common hardening setting): cscript then runs no script, slmgr.vbs included.
 */
const SCRIPT_HOST_SETTINGS_KEY = "SOFTWARE\\Microsoft\\Windows Script Host\\Settings";

/**
 * `:script_host`: SCRIPT_HOST=false when Windows Script Host is turned off: its `Enabled` value is 0
 * (hardening guides write it as REG_DWORD or REG_SZ) in HKLM or in the current (SYSTEM) user's
 * settings. No Microsoft page documents the value; docs/script.md names the sources.
 */
export function scriptHostLines(): string[] {
    return [
        ":script_host",
        'set "SCRIPT_HOST=true"',
        `for %%k in (HKLM HKCU) do for /f "tokens=3" %%v in ('${tool("reg")} query "%%k\\${SCRIPT_HOST_SETTINGS_KEY}" /v Enabled 2^>nul ^| ${tool("find")} "REG_"') do call :script_host_value %%v`,
        "exit /b 0",
        ":script_host_value",
        'if "%~1"=="0" set "SCRIPT_HOST=false"',
        'if "%~1"=="0x0" set "SCRIPT_HOST=false"',
        "exit /b 0",
    ];
}

/** Milliseconds the TCP check waits for each KMS host. */
const PORT_CHECK_TIMEOUT_MS = 3000;

/**
 * A Windows service SID (`NT SERVICE\<name>`): S-1-5-80 and the SHA-1
 * of the upper-case name in UTF-16LE, as five little-endian numbers.
 */
export function serviceSid(name: string): string {
    const hash = createHash("sha1").update(Buffer.from(name.toUpperCase(), "utf16le")).digest();
    return ["S-1-5-80", ...[0, 1, 2, 3, 4].map((i) => hash.readUInt32LE(i * 4))].join("-");
}

/** The SIDs in each account's token that can grant it rights on a file (the account, its groups). */
export const ACCOUNT_SIDS = {
    /** LocalSystem: itself, Administrators, Everyone, Authenticated Users. */
    SY: ["S-1-5-18", "S-1-5-32-544", "S-1-1-0", "S-1-5-11"],
    /** NETWORK SERVICE running sppsvc: itself, Users, Everyone, Authenticated Users, SERVICE, NT SERVICE\sppsvc. */
    NS: ["S-1-5-20", "S-1-5-32-545", "S-1-1-0", "S-1-5-11", "S-1-5-6", serviceSid("sppsvc")],
} as const;

/** ReadData (0x1) and Execute (0x20): what running sppsvc.exe needs. */
const READ_EXECUTE_BITS = 0x21;

/**
 * The one PowerShell call of the diagnosis: `kms=<host>,<ok|fail>,<open|closed|timeout|skipped>`
 * lines and one `exe=<SY allow>,<SY deny>,<NS allow>,<NS deny>` line.
 */
export function probeCommand(hosts: string[], port: number | "%KMS_PORT%"): string {
    const list = hosts.map((h) => `'${h}'`).join(",");
    const sids = Object.entries(ACCOUNT_SIDS)
        .map(([k, v]) => `${k}=@(${v.map((s) => `'${s}'`).join(",")})`)
        .join(";");
    return (
        `${POWERSHELL_COMMAND} "$ErrorActionPreference='SilentlyContinue';` +
        `foreach($h in @(${list})){$d='fail';$p='skipped';try{$null=[Net.Dns]::GetHostAddresses($h);$d='ok';$c=New-Object Net.Sockets.TcpClient;` +
        `$r=$c.BeginConnect($h,${port},$null,$null);$p='timeout';if($r.AsyncWaitHandle.WaitOne(${PORT_CHECK_TIMEOUT_MS},$false)){try{$c.EndConnect($r);$p='open'}catch{$p='closed'}};$c.Close()}catch{};'kms='+$h+','+$d+','+$p};` +
        `$s=@{${sids}};$v=@();$rules=(Get-Acl ($env:SystemRoot+'\\System32\\sppsvc.exe')).GetAccessRules($true,$true,[Security.Principal.SecurityIdentifier]);` +
        `if($rules){foreach($k in 'SY','NS'){$a=0;$n=0;foreach($x in $rules){if($s[$k] -contains $x.IdentityReference.Value){if($x.AccessControlType -eq 'Allow'){$a=$a -bor [int]$x.FileSystemRights}else{$n=$n -bor [int]$x.FileSystemRights}}};$v+=$a;$v+=$n};'exe='+($v -join ',')}"`
    );
}

/**
 * `:diagnose` and its helpers, for the configured KMS hosts (the port is the script's KMS_PORT):
 * ROOT_CAUSE and CHECKS (a JSON object). DIAG_DEFAULT is the cause
 * when no check finds one (`unknown` after a failure, `none` on /diagnose).
 */
export function diagnosisLines(hosts: string[]): string[] {
    const sc = tool("sc");
    const find = tool("find");
    return [
        ":diagnose",
        'call :log "diagnosis: read-only checks"',
        'set "KMS_CHECKS="',
        'set "PROBED=no"',
        'set "ANY_DNS=no"',
        'set "ANY_PORT=no"',
        'set "EXE_CHECK=unknown"',
        `for /f "tokens=1-5 delims==," %%a in ('${probeCommand(hosts, "%KMS_PORT%")} ^<nul 2^>nul ^| ${find} "="') do call :diagnose_line %%a %%b %%c %%d %%e`,
        'set "SVC_CHECKS="',
        'set "DISABLED="',
        "call :diagnose_service sppsvc",
        "call :diagnose_service w32time",
        "if %BUILD% LSS 9200 call :diagnose_service sppuinotify",
        "call :clock_offset",
        'set "CLOCK_SKEWED=no"',
        'set "SKEW_DIGITS=0"',
        'if not "%CLOCK_OFFSET%"=="null" set "SKEW_DIGITS=%OFFSET_DIGITS%"',
        `if %SKEW_DIGITS% GTR ${CLOCK_SKEW_LIMIT_SECONDS} set "CLOCK_SKEWED=yes"`,
        'set "CHANNEL=unknown"',
        'set "NOT_KMS_CLIENT=no"',
        ...[
            ["VOLUME_KMSCLIENT", "kmsClient"],
            ["VOLUME_MAK", "mak"],
            ["RETAIL", "retail"],
            ["OEM", "oem"],
        ].flatMap(([marker, channel]) => [
            `type "%STATUS_FILE%" 2>nul | ${find} "Description=" | ${find} "${marker}" >nul`,
            `if not errorlevel 1 set "CHANNEL=${channel}"`,
        ]),
        ...["mak", "retail", "oem"].map((channel) => `if "%CHANNEL%"=="${channel}" set "NOT_KMS_CLIENT=yes"`),
        'set "VBSCRIPT=true"',
        ...VBSCRIPT_FILES.map((file) => `if not exist ${file} set "VBSCRIPT=false"`),
        "call :script_host",
        'set "GRACE=null"',
        'set "GRACE_RAW="',
        `for /f "tokens=2 delims==" %%a in ('type "%STATUS_FILE%" 2^>nul ^| ${find} "GracePeriodRemaining="') do for /f "delims=" %%b in ("%%a") do set "GRACE_RAW=%%b"`,
        "if not defined GRACE_RAW goto diagnose_cause",
        'for /f "delims=0123456789" %%x in ("%GRACE_RAW%") do set "GRACE_RAW="',
        "if defined GRACE_RAW set /a GRACE=GRACE_RAW",
        ":diagnose_cause",
        // The first cause that holds wins: checked from the last to the first, each overriding.
        'set "ROOT_CAUSE=%DIAG_DEFAULT%"',
        'if "%ERROR_CLASS%"=="keyRejected" set "ROOT_CAUSE=keyRejected"',
        'if "%CLOCK_SKEWED%"=="yes" set "ROOT_CAUSE=clockSkew"',
        'if "%PROBED%%ANY_DNS%%ANY_PORT%"=="yesyesno" set "ROOT_CAUSE=kmsPort"',
        'if "%PROBED%%ANY_DNS%"=="yesno" set "ROOT_CAUSE=kmsDns"',
        'if "%NOT_KMS_CLIENT%"=="yes" set "ROOT_CAUSE=notKmsClient"',
        'if "%EXE_CHECK%"=="denied" set "ROOT_CAUSE=sppPermissions"',
        'if defined DISABLED set "ROOT_CAUSE=serviceDisabled"',
        'if "%SCRIPT_HOST%"=="false" set "ROOT_CAUSE=scriptHostDisabled"',
        'if "%VBSCRIPT%"=="false" set "ROOT_CAUSE=vbscriptMissing"',
        'if not defined LICENSE_STATUS set "ROOT_CAUSE=wmiUnavailable"',
        'if "%ERROR_CLASS%"=="accessDenied" set "ROOT_CAUSE=accessDenied"',
        `set "CHECKS={"kmsHosts":[%KMS_CHECKS%],"clockOffsetSeconds":%CLOCK_OFFSET%,"services":{%SVC_CHECKS%},"sppsvcExecutable":"%EXE_CHECK%","channel":"%CHANNEL%","graceMinutes":%GRACE%,"vbscript":%VBSCRIPT%,"scriptHost":%SCRIPT_HOST%}"`,
        'call :log "diagnosis: %ROOT_CAUSE%"',
        "exit /b 0",
        "",
        // %1 kms|exe (after a byte-order mark, on the first line), then that line's values.
        ":diagnose_line",
        'set "PROBED=yes"',
        'set "TAG=%~1"',
        'if "%TAG:~-3%"=="kms" goto diagnose_kms',
        'if not "%TAG:~-3%"=="exe" exit /b 0',
        `set /a "SY_ALLOW=%2 & ${READ_EXECUTE_BITS}, SY_DENY=%3 & ${READ_EXECUTE_BITS}, NS_ALLOW=%4 & ${READ_EXECUTE_BITS}, NS_DENY=%5 & ${READ_EXECUTE_BITS}"`,
        'set "EXE_CHECK=denied"',
        `if "%SY_ALLOW%%SY_DENY%%NS_ALLOW%%NS_DENY%"=="${READ_EXECUTE_BITS}0${READ_EXECUTE_BITS}0" set "EXE_CHECK=ok"`,
        "exit /b 0",
        ":diagnose_kms",
        'set "RESOLVES=false"',
        'if "%3"=="ok" set "RESOLVES=true"',
        'if "%3"=="ok" set "ANY_DNS=yes"',
        'if "%4"=="open" set "ANY_PORT=yes"',
        'if defined KMS_CHECKS set "KMS_CHECKS=%KMS_CHECKS%,"',
        'set "KMS_CHECKS=%KMS_CHECKS%{"host":"%2","resolves":%RESOLVES%,"port":"%4"}"',
        "exit /b 0",
        "",
        // %1 a service: its start type (auto, demand, disabled) and state (running, stopped).
        ":diagnose_service",
        'set "START=auto"',
        `${sc} qc %1 | ${find} "DEMAND_START" >nul`,
        'if not errorlevel 1 set "START=demand"',
        `${sc} qc %1 | ${find} "DISABLED" >nul`,
        'if not errorlevel 1 set "START=disabled"',
        'if "%START%"=="disabled" set "DISABLED=%1"',
        'set "STATE=stopped"',
        `${sc} query %1 | ${find} "RUNNING" >nul`,
        'if not errorlevel 1 set "STATE=running"',
        'if defined SVC_CHECKS set "SVC_CHECKS=%SVC_CHECKS%,"',
        'set "SVC_CHECKS=%SVC_CHECKS%"%1":{"start":"%START%","state":"%STATE%"}"',
        "exit /b 0",
    ];
}

/** The line `activate.cmd /diagnose` prints: the diagnosis of a server, whatever its state. */
const DIAGNOSIS_LINE =
    `set "DIAGNOSIS={"diagnosis":"${RESULT_SCHEMA}","rootCause":"%ROOT_CAUSE%","licenseStatus":%LICENSE_STATUS%,` +
    '"licensedByConfiguredHost":%CONFIGURED%,"osBuild":%BUILD%,"osVersion":"%OS_VERSION%","edition":"%EDITION%",' +
    '"checks":%CHECKS%}"';

/**
 * `:diagnose_only`, where `/diagnose` starts: the read-only checks, one JSON line, exit 0. It has its
 * own lock and files, beside any activation run: a `/diagnose` that finds another one running reports
 * `busy` and writes nothing.
 */
export function diagnoseModeLines(): string[] {
    return [
        ":diagnose_only",
        "call :detect_os",
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
        '>>"%LOG%" echo %DIAGNOSIS%',
        'if "%LOCKED%"=="yes" rmdir /s /q "%LOCK%"',
        "echo %DIAGNOSIS%",
        "exit /b 0",
        ":diagnose_busy",
        'set "ROOT_CAUSE=busy"',
        'set "LICENSE_STATUS=-1"',
        'set "CONFIGURED=false"',
        'set "CHECKS={}"',
        "goto diagnose_report",
    ];
}
