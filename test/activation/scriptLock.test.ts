/**
 * The runs on one server keep apart: a static check over every script the library renders. cmd.exe
 * (Windows', and Wine 8's, which prints "Sharing violation.") opens a redirection target without
 * write sharing, so two runs writing one file make one of them skip a command; the Wine scenarios
 * show it for the runs they start at once (test/activation/script.wine.test.ts), this check for
 * every mode and path.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { LOCK_AGE_COMMAND, RUN_MODES, lockName } from "../../components/activation/scriptLock";

const scripts = [
    renderActivationScript(),
    renderActivationScript({
        installKmsClientKey: true,
        kmsHost: "10.0.0.9",
        fallbackKmsHosts: ["a.example.com"],
        ntpServers: ["time.example.com,0x9"],
    }),
];

/** Every file a line redirects into (`>`, `>>`, `2>>`), as written in the script. */
function redirections(line: string): string[] {
    return [...line.matchAll(/\d?>>?\s*("[^"]*"|[^\s"]+)/g)].map((m) => m[1].replace(/"/g, ""));
}

/** The lines of the subroutine that starts at `label`, up to the next blank line. */
function subroutine(lines: string[], label: string): string[] {
    const start = lines.indexOf(label);
    assert.ok(start >= 0, `${label} exists`);
    const end = lines.indexOf("", start);
    return lines.slice(start, end < 0 ? undefined : end);
}

describe("one lock and one set of files per run mode", () => {
    for (const [i, script] of scripts.entries()) {
        const lines = script.split("\r\n");

        test(`script ${i}: every redirection targets the running mode's log or status file, the lock holder's result and limits files, its lock, or nul`, () => {
            const allowed = new Set([
                "%LOG%",
                "%STATUS_FILE%",
                "%RESULT_FILE%.new",
                "%LIMITS_FILE%.new",
                "%LOCK%\\alive",
                "nul",
                "&1",
            ]);
            const stray = lines.flatMap((l) =>
                redirections(l.replace(/\^>/g, ""))
                    .filter((t) => !allowed.has(t))
                    .map((t) => `${t} in: ${l}`),
            );
            assert.deepEqual(stray, []);
        });

        test(`script ${i}: LOG and STATUS_FILE are nul until a mode holds its lock, and change only in :use_files, to that mode's own files`, () => {
            const sets = (name: string) => lines.filter((l) => l.startsWith(`set "${name}=`));
            assert.deepEqual(sets("LOG"), ['set "LOG=nul"', 'set "LOG=%LOG_DIR%\\%1.log"']);
            assert.deepEqual(sets("STATUS_FILE"), [
                'set "STATUS_FILE=nul"',
                'set "STATUS_FILE=%LOG_DIR%\\%1-status.txt"',
            ]);
            assert.ok(subroutine(lines, ":use_files").includes('set "LOG=%LOG_DIR%\\%1.log"'));
            assert.ok(
                lines.indexOf('set "LOG=nul"') < lines.indexOf('if /i "%~1"=="/check" goto check_only'),
                "nul before any mode starts",
            );
        });

        test(`script ${i}: each mode that writes files calls :use_files once, with its own name, right after taking its own lock`, () => {
            const uses = lines
                .map((l, n) => [l.match(/^call :use_files (\w+)$/)?.[1], n] as const)
                .filter(([mode]) => mode !== undefined);
            assert.deepEqual(
                uses.map(([mode]) => mode).sort(),
                Object.values(RUN_MODES).sort(),
                "one call per mode, every mode a different name",
            );
            for (const [mode, n] of uses) {
                assert.match(
                    lines[n - 2],
                    new RegExp(`^call :take_lock ${mode} %\\w+_STALE_MINUTES%$`),
                    `${mode}: its own lock first`,
                );
                assert.match(
                    lines[n - 1],
                    /^if errorlevel 1 goto \w+$/,
                    `${mode}: a run without its lock goes elsewhere`,
                );
            }
            assert.equal(lockName("activation"), "activation.lock");
            assert.ok(
                lines.includes(`set "RUN_LOCK=%LOG_DIR%\\${lockName("activation")}"`),
                "/check looks at the activation run's lock",
            );
        });

        test(`script ${i}: /check writes nothing, and the result and saved limits are written only by the activation run holding its lock`, () => {
            const check = lines.slice(lines.indexOf(":check_only"), lines.indexOf(":check_report") + 3);
            assert.deepEqual(
                check.flatMap((l) => redirections(l).filter((t) => t !== "nul")),
                [],
                "/check redirects into no file",
            );
            assert.ok(
                !check.some((l) => /call :(log|use_files|take_lock|read_status)\b/.test(l)),
                "nor logs, locks or reads the status into a file",
            );
            const result = lines.findIndex((l) => l.startsWith('>"%RESULT_FILE%.new"'));
            assert.equal(lines[result - 1], 'if not "%LOCKED%"=="yes" goto result_written');
            assert.deepEqual(
                lines
                    .filter((l) => l.includes("call :sync_clock") || l.includes("call :save_limits"))
                    .map((l) => l.trim()),
                ["call :sync_clock", "call :save_limits"],
                "the limits are saved only while syncing the clock, which only the activation run does",
            );
            assert.ok(lines.indexOf("call :sync_clock") > lines.indexOf(`call :use_files ${RUN_MODES.activation}`));
            assert.ok(lines.indexOf("call :sync_clock") < lines.indexOf(":diagnose_only"));
        });
    }

    test("a lock is released whole (rmdir /s), and its age is unknown, never stale, when PowerShell cannot read it", () => {
        const lines = scripts[0].split("\r\n");
        const releases = lines.filter((l) => /rmdir .*"%LOCK%"$/.test(l));
        assert.equal(releases.length, 3, "the activation run's release, a stale lock's clearing, /diagnose's release");
        assert.ok(
            releases.every((l) => l.includes('rmdir /s /q "%LOCK%"')),
            "with whatever a failed del left in it",
        );
        const age = subroutine(lines, ":lock_age");
        assert.deepEqual(age.slice(1, 3), [
            'set "AGE=unknown"',
            "if not exist %SYS%\\WindowsPowerShell\\v1.0\\powershell.exe exit /b 0",
        ]);
        assert.ok(age.includes(`${LOCK_AGE_COMMAND} <nul >nul 2>&1`));
        // PowerShell's own failures (1), cmd's "not found" (9009) and a negative age all fall outside [10, 5010].
        assert.ok(age.includes("if %AGE_CODE% LSS 10 exit /b 0") && age.includes("if %AGE_CODE% GTR 5010 exit /b 0"));
        const take = subroutine(lines, ":take_lock");
        assert.ok(
            take.indexOf('if "%AGE%"=="unknown" exit /b 1') < take.indexOf('rmdir /s /q "%LOCK%"'),
            "an unknown age never clears a lock",
        );
        assert.ok(
            take.indexOf('mkdir "%LOCK%.break" 2>nul') < take.indexOf('rmdir /s /q "%LOCK%"'),
            "only the run that made the breaker clears a stale lock",
        );
        assert.equal(
            take.filter((l) => l === 'call :lock_age "%LOCK%"').length,
            2,
            "the age is read again once the breaker is held",
        );
    });
});
