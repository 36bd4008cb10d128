/**
 * The parts of the activation script that talk to the licensing service through `slmgr.vbs`:
 * pointing Windows at a KMS host, classifying slmgr's exit code (the HRESULT; its localized text
 * is never parsed) and installing a KMS client key.
 */
import { SLMGR } from "./batch";
import { KMS_CLIENT_KEYS } from "./kmsClientKeys";

/** `:set_kms_host` (KMS_HOST_<HOST_INDEX>), `:next_kms_host` and `:classify <exit code>` (sets ERROR_CLASS). */
export function kmsHostLines(): string[] {
    return [
        ":set_kms_host",
        'call set "CUR_HOST=%%KMS_HOST_%HOST_INDEX%%%"',
        'call :log "kms: -skms %CUR_HOST%:%KMS_PORT%"',
        `${SLMGR} -skms %CUR_HOST%:%KMS_PORT% >>"%LOG%" 2>&1`,
        // slmgr's failures are negative HRESULTs: `if errorlevel 1` would miss them.
        'if not "%errorlevel%"=="0" call :log "warning: -skms failed: %errorlevel%"',
        "exit /b 0",
        "",
        ":next_kms_host",
        "if %KMS_HOST_COUNT% LSS 2 exit /b 0",
        "set /a HOST_INDEX=HOST_INDEX %% KMS_HOST_COUNT + 1",
        "call :set_kms_host",
        "exit /b 0",
        "",
        ":classify",
        'set "ERROR_CLASS=unknown"',
        'if defined HR_%~1 call set "ERROR_CLASS=%%HR_%~1%%"',
        "exit /b 0",
    ];
}

/**
 * `:install_key`: errorlevel 0 when installed, 1 when no key
 * is known, 2 when `slmgr -ipk` failed (ERROR_CLASS says why).
 */
export function installKeyLines(): string[] {
    return [
        ":install_key",
        // One line per version sets its editions' keys (KEY_<edition>); the edition found picks one.
        ...KMS_CLIENT_KEYS.map(
            (v) =>
                `if "%OS_VERSION%"=="${v.version}" ${Object.entries(v.keys)
                    .map(([edition, key]) => `set "KEY_${edition}=${key}"`)
                    .join(" & ")}`,
        ),
        'set "KMS_CLIENT_KEY="',
        'call set "KMS_CLIENT_KEY=%%KEY_%EDITION%%%"',
        "if not defined KMS_CLIENT_KEY exit /b 1",
        'call :log "key: -ipk for %OS_VERSION%-%EDITION%"',
        `${SLMGR} -ipk %KMS_CLIENT_KEY% >>"%LOG%" 2>&1`,
        'set "RC=%errorlevel%"',
        'if "%RC%"=="0" exit /b 0',
        'set "LAST_ERROR=%RC%"',
        "call :classify %RC%",
        'call :log "key: -ipk failed: %RC% (%ERROR_CLASS%)"',
        "exit /b 2",
    ];
}
