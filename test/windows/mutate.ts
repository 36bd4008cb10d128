/**
 * Mutation check of the Windows bench (`npm run mutate:windows`): breaks the activation script on
 * purpose, one way at a time, runs the Wine scenarios against each broken script and prints which
 * scenarios noticed. A breakage that no scenario notices is a hole in the bench.
 */
import { spawnSync } from "child_process";
import * as path from "path";

/** Each breakage: what it does, the line text it finds, what it puts instead. */
const MUTATIONS: [string, string, string][] = [
    ["no fast path", 'goto fast_path', "rem fast_path"],
    ["no resync on clock skew", 'if "%ERROR_CLASS%"=="clockSkew" call :resync_clock', "rem"],
    ["no KMS host fallback", 'if "%ERROR_CLASS%"=="kmsUnreachable" call :next_kms_host', "rem"],
    ["key errors retried", 'if "%ERROR_CLASS%"=="keyRejected" goto end_keyRejected', "rem"],
    ["-ato success not verified", 'if "%LICENSE_STATUS%"=="1" goto end_licensed', "goto end_licensed"],
    ["SPP Notification Service ignored", "if %BUILD% LSS 9200 call :ensure_service sppuinotify demand", "rem"],
    ["stopped services not started", 'net start %1 >>"%LOG%" 2>&1', "rem"],
    ["back-off does not grow", "set /a DELAY=DELAY*2", "rem"],
    ["no PowerShell fallback", 'if not exist "%WMIC%" goto read_status_powershell', "rem"],
    ["one attempt too many", "if %ATTEMPTS% GEQ %MAX_ATTEMPTS%", "if %ATTEMPTS% GTR %MAX_ATTEMPTS%"],
    ["exit code always 0", "exit /b %EXIT_CODE%", "exit /b 0"],
    // A known blind spot: Wine's `for /f` drops the CR that wmic leaves at each line's end on
    // Windows, so under Wine this breakage changes nothing and no scenario can notice it.
    ["wmic CR kept in the status", 'for /f "delims=" %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if "%%b"=="%%s"', 'for %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if %%b=="%%s"'],
    ["no resync retry", "call :sleep 5", "goto resync_failed"],
];

const TEST = path.join(__dirname, "..", "activation", "script.wine.test.ts");
let holes = 0;
for (const [name, find, replace] of MUTATIONS) {
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test", TEST], {
        env: { ...process.env, SCRIPT_MUTATION: JSON.stringify([find, replace]) },
        encoding: "utf8",
    });
    const failed = [...run.stdout.matchAll(/^ {4}not ok \d+ - (.+)$/gm)].map((m) => m[1]);
    holes += failed.length === 0 ? 1 : 0;
    console.log(`${failed.length === 0 ? "NOT NOTICED" : "noticed   "}  ${name}: ${failed.length} scenario(s) failed${failed.length ? ` (e.g. ${failed[0]})` : ""}`);
}
console.log(`${MUTATIONS.length - holes} of ${MUTATIONS.length} breakages noticed`);
