/**
 * `/check` on its own ({@link checkModeLines}): verifyWithTat runs it beside, or after, the first-boot
 * run, so it must change nothing on the server, end with exit code 0 whatever it finds, and wait a
 * bounded time.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXIT_CODES } from "../../components/activation/exitCodes";
import { CHECK_WAIT } from "../../components/activation/schedule";
import { CHECK_OUTCOMES, checkModeLines } from "../../components/activation/scriptCheck";

const lines = checkModeLines();
const labels = lines.filter((l) => l.startsWith(":")).map((l) => l.slice(1));

/** Words of the commands that write, move or remove something, or change the server's state. */
const CHANGING = /\b(mkdir|rmdir|md|rd|move|copy|del|erase|ren|icacls|eventcreate|reg|sc|slmgr|w32tm)\b/i;

describe("/check", () => {
    test("writes no file: redirects into none, makes, moves or removes nothing, neither logs nor locks", () => {
        assert.equal(lines[0], ":check_only");
        const redirections = lines.flatMap((l) => [...l.matchAll(/\d?>>?\s*("[^"]*"|[^\s"]+)/g)].map((m) => m[1]));
        assert.deepEqual(redirections, []);
        assert.deepEqual(
            lines.filter((l) => CHANGING.test(l)),
            [],
        );
        const calls = new Set(lines.flatMap((l) => [...l.matchAll(/\bcall :(\w+)/g)].map((m) => m[1])));
        assert.deepEqual([...calls].sort(), ["detect_os", "lock_age", "result_line", "sleep"], "read-only ones only");
    });

    test("ends with exit code 0: the first-boot result file as it stands, or its own outcome's result line", () => {
        assert.deepEqual(
            lines.filter((l) => l.startsWith("exit ")),
            ["exit /b 0", "exit /b 0"],
        );
        const report = lines.indexOf(":check_report");
        assert.deepEqual(lines.slice(report), [":check_report", 'type "%RESULT_FILE%"', "exit /b 0"]);
        assert.deepEqual([...CHECK_OUTCOMES].sort(), ["firstBootRunning", "noFirstBootResult"]);
        const rootCauses = { noFirstBootResult: "noFirstBootResult", firstBootRunning: "busy" } as const;
        for (const name of CHECK_OUTCOMES) {
            const { code, status } = EXIT_CODES[name];
            const ending = `set "EXIT_CODE=${code}" & set "STATUS=${status}" & set "ROOT_CAUSE=${rootCauses[name]}"`;
            const at = lines.indexOf(ending);
            assert.ok(at >= 0, name);
            assert.equal(lines[at + 1], "goto check_line", name);
        }
        const line = lines.slice(lines.indexOf(":check_line"));
        assert.deepEqual(line.slice(0, 6), [
            ":check_line",
            'set "LICENSE_STATUS=-1"',
            'set "CHECKS={}"',
            "call :result_line",
            "echo %RESULT%",
            "exit /b 0",
        ]);
    });

    test("waits a bounded time: CHECK_WAIT for the run to start, then its worst case while its lock is live", () => {
        const pause = `call :sleep ${CHECK_WAIT.pauseSeconds}`;
        assert.ok(lines.includes(`if %CHECK_TRY% GTR ${CHECK_WAIT.tries} goto check_none`));
        assert.deepEqual(
            lines.filter((l) => l.startsWith("call :sleep")),
            [pause, pause],
        );
        assert.ok(lines.includes(`set /a RUN_WAITED+=${CHECK_WAIT.pauseSeconds}`), "every pause counts");
        assert.ok(lines.includes("set /a RUN_WAIT_LIMIT=LOCK_STALE_MINUTES*60"));
        assert.ok(lines.includes("if %RUN_WAITED% GTR %RUN_WAIT_LIMIT% goto check_still_running"));
        assert.ok(lines.includes("if %AGE% GEQ %LOCK_STALE_MINUTES% goto check_dead_run"), "a stale lock: a dead run");
        const unknown = lines.indexOf('if "%AGE%"=="unknown" goto check_running_live');
        assert.ok(unknown >= 0 && unknown < lines.indexOf(":check_dead_run"), "an unknown age is a live run");
    });

    test("every goto lands inside /check", () => {
        const targets = lines.flatMap((l) => [...l.matchAll(/\bgoto (\w+)/g)].map((m) => m[1]));
        assert.ok(targets.length > 0);
        assert.deepEqual(
            targets.filter((t) => !labels.includes(t)),
            [],
        );
    });
});
