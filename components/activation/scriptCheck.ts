/**
 * `activate.cmd /check`, the mode verifyWithTat runs: it reports the result of the run that user data
 * started and changes nothing. It writes no file, not even the server folder or a log: it only reads
 * the activation run's lock and `result.json`, and prints one result line. While that run holds its
 * lock, `/check` waits for it, up to the run's worst case; a lock older than that was left by a run
 * that died. Before the run starts, `/check` waits up to {@link CHECK_WAIT} for it.
 */
import { EXIT_CODES, ExitCodeName } from "./exitCodes";
import { CHECK_WAIT } from "./schedule";

/** The outcomes only `/check` reports: they end no activation run. */
export const CHECK_OUTCOMES = ["firstBootRunning", "noFirstBootResult"] as const satisfies readonly ExitCodeName[];

/** Lines that end `/check` with one of {@link CHECK_OUTCOMES}: its result line on stdout, nothing written. */
function checkEnding(name: (typeof CHECK_OUTCOMES)[number]): string[] {
    const info = EXIT_CODES[name];
    const rootCause = name === "firstBootRunning" ? "busy" : name;
    return [
        `set "EXIT_CODE=${info.code}" & set "STATUS=${info.status}" & set "ROOT_CAUSE=${rootCause}"`,
        "goto check_line",
    ];
}

/**
 * `:check_only`, where `/check` starts: the first-boot run's `result.json` as it stands (`type`), or,
 * when there is none, the result line of {@link CHECK_OUTCOMES} that says why; exit code 0 either way.
 */
export function checkModeLines(): string[] {
    return [
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
    ];
}
