/**
 * How an activation run ends ({@link endingLines}) and reports ({@link reportLines},
 * {@link resultLineLines}), checked on those sections alone.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXIT_CODES, ExitCodeName } from "../../components/activation/exitCodes";
import { EXHAUSTED_EXIT } from "../../components/activation/hresults";
import { parseActivationOutput } from "../../components/activation/result";
import { CHECK_OUTCOMES } from "../../components/activation/scriptCheck";
import { RESULT_SCHEMA, endingLines, reportLines, resultLineLines } from "../../components/activation/scriptReport";

const endings = endingLines();
const report = reportLines();

/** The first line at or after `label` that is not a label: where a `goto` to it lands. */
function landing(label: string): string {
    const at = endings.indexOf(`:${label}`);
    assert.ok(at >= 0, `${label} exists`);
    return endings.slice(at).find((l) => !l.startsWith(":"))!;
}

/** The line that ends the script with the named outcome. */
function codeLine(name: ExitCodeName): string {
    const { code, status } = EXIT_CODES[name];
    return `set "EXIT_CODE=${code}" & set "STATUS=${status}" & goto done`;
}

/** The script's variables as a run that failed to reach the KMS leaves them; STATUS and EXIT_CODE per outcome. */
const RUN_VALUES: Record<string, string> = {
    LICENSE_STATUS: "-1",
    CUR_HOST: "kms.tencentyun.com",
    KMS_PORT: "1688",
    ATTEMPTS: "2",
    LAST_ERROR: "-1073418124",
    ERROR_CLASS: "kmsUnreachable",
    ALREADY: "false",
    CLOCK_OFFSET: "null",
    TIME_SOURCE: "unchanged",
    BUILD: "20348",
    OS_VERSION: "2022",
    EDITION: "ServerDatacenter",
    ROOT_CAUSE: "none",
    CHECKS: "{}",
};

describe("the endings and the report", () => {
    test("each outcome of a run, and no /check outcome, has an end label that sets its code, then :done", () => {
        const names = Object.keys(EXIT_CODES) as ExitCodeName[];
        const checkOnly: readonly string[] = CHECK_OUTCOMES;
        for (const name of names) {
            if (checkOnly.includes(name)) {
                assert.ok(!endings.includes(`:end_${name}`), name);
            } else {
                assert.equal(landing(`end_${name}`), codeLine(name), name);
            }
        }
        const codeLines = endings.filter((l) => !l.startsWith(":"));
        assert.equal(codeLines.length, names.length - CHECK_OUTCOMES.length, "one code line per outcome");
    });

    test("`goto end_%ERROR_CLASS%` lands on the outcome of that error class", () => {
        for (const [errorClass, outcome] of Object.entries(EXHAUSTED_EXIT)) {
            assert.equal(landing(`end_${errorClass}`), codeLine(outcome), errorClass);
        }
    });

    test("the result line, with the script's values in place, is what result.ts reads, for every outcome", () => {
        const [label, line, exit] = resultLineLines();
        assert.deepEqual([label, exit], [":result_line", "exit /b 0"]);
        const value = line.match(/^set "RESULT=(.*)"$/)![1];
        for (const [name, info] of Object.entries(EXIT_CODES)) {
            const values: Record<string, string> = { ...RUN_VALUES, STATUS: info.status, EXIT_CODE: String(info.code) };
            const expanded = value.replace(/%(\w+)%/g, (_, v: string) => {
                assert.ok(v in values, `${v} is a variable the script sets`);
                return values[v];
            });
            assert.ok(expanded.startsWith(`{"activation":"${RESULT_SCHEMA}"`));
            const result = parseActivationOutput(`${expanded}\r\n`);
            const read = [result.status, result.exitCode, result.lastErrorHex];
            assert.deepEqual(read, [info.status, info.code, "0xC004F074"], name);
        }
    });

    test("the report: a failure diagnosed, the result file whole and from the lock holder only, event, stdout", () => {
        const at = (l: string) => {
            const i = report.indexOf(l);
            assert.ok(i >= 0, l);
            return i;
        };
        assert.equal(report[0], ":done");
        const diagnose = at("if %EXIT_CODE% GEQ 3 call :diagnose");
        assert.ok(at('if "%ROOT_CAUSE%"=="busy" goto report') < diagnose, "a busy run is not diagnosed");
        assert.ok(diagnose < at(":report"));
        const written = [
            'if not "%LOCKED%"=="yes" goto result_written',
            '>"%RESULT_FILE%.new" echo %RESULT%',
            'move /y "%RESULT_FILE%.new" "%RESULT_FILE%" >nul',
            'rmdir /s /q "%LOCK%"',
            ":result_written",
        ];
        assert.deepEqual(report.slice(at(written[0]), at(written[0]) + written.length), written);
        assert.ok(at("call :result_line") < at(written[0]));
        assert.ok(at(":result_written") < report.findIndex((l) => l.includes("eventcreate.exe")));
        assert.deepEqual(report.slice(-2), ["echo %RESULT%", "exit /b %EXIT_CODE%"]);
    });
});
