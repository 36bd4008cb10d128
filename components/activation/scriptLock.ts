/**
 * The parts of the activation script that keep runs on one server apart: one lock per run mode,
 * and the files each mode writes.
 *
 * A lock is a folder in the server folder: `mkdir` creates it atomically or fails. A run that
 * died leaves its lock behind; once the lock is older than that mode's worst-case run time it is
 * stale, and one run (the one that creates `<lock>.break`, atomically too) clears and takes it,
 * after checking again that no other run took it meanwhile. The age is read through PowerShell's
 * exit code, never from text; an age that cannot be read (PowerShell missing or failing) counts
 * as live, so a run never takes a lock it cannot prove stale.
 *
 * Each mode writes only its own files, named after the mode (`<mode>.log`, `<mode>-status.txt`),
 * and only while it holds that mode's lock: cmd opens a redirection target without write sharing,
 * so a second process redirecting into a file another one holds open would fail and skip the
 * command. Before its lock is held a run writes nowhere (`nul`): a run that finds another one
 * leaves no trace but its result line and event.
 */
import { POWERSHELL, POWERSHELL_COMMAND } from "./batch";

/** The run modes that write files, each with its own lock (`<mode>.lock`) and files. */
export const RUN_MODES = {
    /** The activation run: `activation.log`, `activation-status.txt`, `result.json`, `clock-limits.txt`. */
    activation: "activation",
    /** `/diagnose`: `diagnose.log`, `diagnose-status.txt`. */
    diagnose: "diagnose",
} as const;

/** The name of a mode's lock folder in the server folder. */
export function lockName(mode: keyof typeof RUN_MODES): string {
    return `${RUN_MODES[mode]}.lock`;
}

/** A breaker (`<lock>.break`) older than this many minutes was left by a run that died while clearing a stale lock. */
const BREAKER_STALE_MINUTES = 10;

/** Ages above this many minutes are read as this (PowerShell's exit code must stay a small number). */
const AGE_CAP_MINUTES = 5000;
/** Added to the age in PowerShell's exit code, so that PowerShell's own failure codes (0, 1) never read as an age. */
const AGE_OFFSET = 10;

/**
 * The PowerShell command whose exit code is {@link AGE_OFFSET} + the minutes since `%~1` (a folder) was
 * last written, capped; a folder written "in the future" (the clock moved back) gives a code below the
 * offset, read as an unknown age.
 */
export const LOCK_AGE_COMMAND = `${POWERSHELL_COMMAND} "exit (${AGE_OFFSET}+[Math]::Min(${AGE_CAP_MINUTES},[int](((Get-Date)-(Get-Item -LiteralPath '%~1').LastWriteTime).TotalMinutes)))"`;

/**
 * `:take_lock <mode> <stale minutes>` (errorlevel 0 with the lock taken: LOCKED=yes, LOCK its
 * folder, LOCK_CLEARED the age of a stale lock it cleared; 1 when another run holds it),
 * `:lock_age <folder>` (AGE in minutes, or `unknown`) and `:use_files <mode>` (LOG and STATUS_FILE).
 */
export function lockLines(): string[] {
    return [
        ":take_lock",
        'set "LOCK=%LOG_DIR%\\%1.lock"',
        'set "LOCK_CLEARED="',
        'mkdir "%LOCK%" 2>nul',
        "if not errorlevel 1 goto lock_taken",
        'call :lock_age "%LOCK%"',
        'if "%AGE%"=="unknown" exit /b 1',
        "if %AGE% LSS %2 exit /b 1",
        // Stale: only the run that creates the breaker clears it, after reading its age again.
        'mkdir "%LOCK%.break" 2>nul',
        "if errorlevel 1 goto lock_breaker_held",
        'call :lock_age "%LOCK%"',
        'if "%AGE%"=="unknown" goto lock_keep',
        "if %AGE% LSS %2 goto lock_keep",
        'rmdir /s /q "%LOCK%"',
        'mkdir "%LOCK%" 2>nul',
        'set "LOCK_ERROR=%errorlevel%"',
        'rmdir "%LOCK%.break"',
        'if not "%LOCK_ERROR%"=="0" exit /b 1',
        'set "LOCK_CLEARED=%AGE%"',
        ":lock_taken",
        'set "LOCKED=yes"',
        "exit /b 0",
        ":lock_keep",
        'rmdir "%LOCK%.break"',
        "exit /b 1",
        // A breaker left by a run that died while clearing: removed, so that the next run can clear the lock.
        ":lock_breaker_held",
        'call :lock_age "%LOCK%.break"',
        'if "%AGE%"=="unknown" exit /b 1',
        `if %AGE% GEQ ${BREAKER_STALE_MINUTES} rmdir "%LOCK%.break"`,
        "exit /b 1",
        "",
        // A lock's age is the time since its folder was last written: a run writes it after each clock sync.
        ":touch_lock",
        'type nul >"%LOCK%\\alive"',
        'del "%LOCK%\\alive"',
        "exit /b 0",
        "",
        ":lock_age",
        'set "AGE=unknown"',
        `if not exist ${POWERSHELL} exit /b 0`,
        `${LOCK_AGE_COMMAND} <nul >nul 2>&1`,
        'set "AGE_CODE=%errorlevel%"',
        `if %AGE_CODE% LSS ${AGE_OFFSET} exit /b 0`,
        `if %AGE_CODE% GTR ${AGE_OFFSET + AGE_CAP_MINUTES} exit /b 0`,
        `set /a AGE=AGE_CODE-${AGE_OFFSET}`,
        "exit /b 0",
        "",
        // The only place LOG and STATUS_FILE change after the script's first lines (where both are nul).
        ":use_files",
        'set "LOG=%LOG_DIR%\\%1.log"',
        'set "STATUS_FILE=%LOG_DIR%\\%1-status.txt"',
        'if defined LOCK_CLEARED call :log "lock: %LOCK_CLEARED% min old: stale, cleared"',
        "exit /b 0",
    ];
}
