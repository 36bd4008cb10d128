/**
 * How an activation run ends and reports. Every outcome has a label that sets its exit code and
 * status and goes to `:done`, where one report serves them all: a failure is diagnosed (read-only),
 * then the JSON result line goes to the log, to `result.json` (only from the run that holds the
 * activation lock), to one Application event and to stdout, and the script exits with the outcome's
 * code. `result.ts` parses the line this writes.
 */
import { tool } from "./batch";
import { EXIT_CODES, ExitCodeName } from "./exitCodes";
import { EXHAUSTED_EXIT } from "./hresults";
import { EVENT_SOURCE } from "./rootCauses";
import { CHECK_OUTCOMES } from "./scriptCheck";

/** The value of the `activation` key that starts the script's final JSON line. */
export const RESULT_SCHEMA = "tencentcloud-windows/2";

/** The JSON result line, built from the script's variables. */
const RESULT_LINE =
    `set "RESULT={"activation":"${RESULT_SCHEMA}","status":"%STATUS%","exitCode":%EXIT_CODE%,` +
    '"licenseStatus":%LICENSE_STATUS%,"kmsHost":"%CUR_HOST%","kmsPort":%KMS_PORT%,"attempts":%ATTEMPTS%,' +
    '"lastErrorCode":%LAST_ERROR%,"errorClass":"%ERROR_CLASS%","alreadyLicensed":%ALREADY%,' +
    '"clockOffsetSeconds":%CLOCK_OFFSET%,"timeSource":"%TIME_SOURCE%","osBuild":%BUILD%,"osVersion":"%OS_VERSION%",' +
    '"edition":"%EDITION%","rootCause":"%ROOT_CAUSE%","checks":%CHECKS%}"';

/** `:result_line`: RESULT, the JSON result line (an activation run's, or one of `/check`'s). */
export function resultLineLines(): string[] {
    return [":result_line", RESULT_LINE, "exit /b 0"];
}

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

/** The `end_<name>` labels of every outcome an activation run can have: all but {@link CHECK_OUTCOMES}. */
export function endingLines(): string[] {
    const checkOnly: readonly string[] = CHECK_OUTCOMES;
    return (Object.keys(EXIT_CODES) as ExitCodeName[]).filter((name) => !checkOnly.includes(name)).flatMap(endLabel);
}

/**
 * `:done`, where every ending meets: the diagnosis of a failure, the result line in the log, in
 * `result.json` and in an Application event, then on stdout, and the exit code. A run that found
 * another one running (`busy`) neither diagnoses nor touches the other run's result file.
 */
export function reportLines(): string[] {
    return [
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
        // One Application event per run, for Windows' own monitoring: ID 100 + the exit code, the
        // result line (quotes as ').
        'set "EVENT_TYPE=ERROR"',
        'if "%EXIT_CODE%"=="0" set "EVENT_TYPE=INFORMATION"',
        "set /a EVENT_ID=100+EXIT_CODE",
        `set EVENT_TEXT=%RESULT:"='%`,
        `${tool("eventcreate")} /L APPLICATION /T %EVENT_TYPE% /SO ${EVENT_SOURCE} /ID %EVENT_ID%` +
            ' /D "%EVENT_TEXT%" >nul 2>&1',
        'if not "%errorlevel%"=="0" call :log "warning: the Application event was not written: %errorlevel%"',
        "echo %RESULT%",
        "exit /b %EXIT_CODE%",
    ];
}
