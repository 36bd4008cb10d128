/**
 * A Windows test bench under Wine: a Wine prefix whose Windows tools (sc, net, ping, w32tm, wmic,
 * PowerShell, icacls, eventcreate and slmgr.vbs) are replaced by the scripted stand-in built from
 * standin/standin.c, so the activation script runs in Wine's real cmd.exe and cscript.exe
 * against a scenario. What each stand-in does, and the source of each behaviour, is in
 * standin/BEHAVIOUR.md.
 *
 * Each scenario sets the registry values the script reads (CurrentBuild, EditionID), the stand-ins'
 * state (services, license rows, KMS host, clock, result sequences), runs the script once from
 * `C:\Windows\Temp` (where TAT starts it, and where the bench plants look-alike tools that a
 * careless script would run as SYSTEM) and returns its exit code, stdout, the tool calls in order,
 * the log file and the stand-ins' final state.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const HERE = __dirname;
const BUILD_DIR = path.join(HERE, ".build");
const PREFIX = path.join(BUILD_DIR, "prefix");
const DRIVE_C = path.join(PREFIX, "drive_c");
const BENCH_DIR = path.join(DRIVE_C, "bench");
const SYSTEM32 = path.join(DRIVE_C, "windows", "system32");
const LOG_DIR = path.join(DRIVE_C, "windows", "TencentCloudWindows");
/** The working directory of every run: TAT's old default, writable by every local user. */
const WORK_DIR = path.join(DRIVE_C, "windows", "temp");
const CMD = "C:\\windows\\system32\\cmd.exe";
const REG = "C:\\windows\\system32\\reg.exe";
const WINE = process.env.WINE ?? "/usr/lib/wine/wine64";
const WINESERVER = process.env.WINESERVER ?? "/usr/lib/wine/wineserver64";
const MINGW = "x86_64-w64-mingw32-gcc";
/**
 * Every Wine program runs with address-space randomization off (`setarch -R`, inherited by the
 * processes it starts). With it on, a new Wine process now and then finds the fixed address of
 * Windows' shared user data (0x7ffe0000) already taken, prints "failed to map the shared user data:
 * c0000018" (STATUS_CONFLICTING_ADDRESSES, Wine's virtual_alloc_first_teb) and exits, so its parent's
 * CreateProcess fails: measured at 1 in 3,000 launches of a stand-in under load with it on, none in
 * 6,000 with it off.
 */
const SETARCH = "setarch";

/** The stand-ins that replace Wine's own tools; each needs a native-first DLL override. */
const REPLACED = [
    "sc.exe",
    "net.exe",
    "ping.exe",
    "w32tm.exe",
    "icacls.exe",
    "eventcreate.exe",
    "wbem/wmic.exe",
    "WindowsPowerShell/v1.0/powershell.exe",
];
/** Look-alikes planted in the working directory: cmd.exe runs a bare name from there before PATH. */
const PLANTED = [
    "reg",
    "find",
    "findstr",
    "sc",
    "net",
    "ping",
    "cscript",
    "w32tm",
    "wmic",
    "powershell",
    "icacls",
    "eventcreate",
].map((t) => `${t}.exe`);

const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...HOST_ENV } = process.env;
/** No display: every program here is a console program. */
const ENV = {
    ...HOST_ENV,
    WINEPREFIX: PREFIX,
    // Wine's own error for a process that died while starting (see SETARCH) stays visible; it goes
    // to the Unix stderr, which the script's redirections cannot hide.
    WINEDEBUG: "-all,err+virtual",
    WINEARCH: "win64",
    WINEDLLOVERRIDES: "sc.exe,net.exe,ping.exe,icacls.exe,eventcreate.exe,wmic.exe,powershell.exe=n;mscoree,mshtml=",
};

/** What a scenario sets up. */
export interface Scenario {
    /** `CurrentBuild` in the registry, e.g. 9600 for 2012 R2. */
    build: number;
    /** `EditionID`, e.g. ServerDatacenter. */
    editionId: string;
    /** Wine's own Windows version setting (cosmetic: the script reads the registry). */
    wineVersion?: string;
    /**
     * Initial stand-in state, e.g. `{ "lic.status": "5", "svc.w32time.state": "running", "seq.ato": "-1073418124,0" }`.
     */
    state: Record<string, string>;
    /** Remove wmic.exe (as on some 2025 images). */
    noWmic?: boolean;
    /** A result.json left by an earlier run (for /check). */
    previousResult?: string;
    /** Keep the log and result of the previous run (a second run on the same server). */
    keepLogs?: boolean;
    /** Remove vbscript.dll (the VBScript optional feature not installed). */
    noVbscript?: boolean;
    /** MaxPosPhaseCorrection and MaxNegPhaseCorrection in w32time's registry key before the run (absent by default). */
    phaseLimits?: number;
    /**
     * The activation run's lock folder (`activation.lock`) left
     * in the server folder, last written this many minutes ago.
     */
    lockAgeMinutes?: number;
    /** More folders of the server folder (a breaker, another mode's lock), each last written this many minutes ago. */
    locks?: Record<string, number>;
    /** Files left in the server folder before the run (name: content), e.g. what a run that died wrote. */
    serverFiles?: Record<string, string>;
    /** Registry values set before the run (`key`, `value`, `type`, `data`); removed again before the next scenario. */
    registry?: { key: string; value: string; type: "REG_DWORD" | "REG_SZ"; data: string }[];
    /** Remove Windows PowerShell (powershell.exe), as on a Server Core without it. */
    noPowerShell?: boolean;
}

/** What one run produced. */
export interface RunResult {
    exitCode: number;
    stdout: string;
    /** One entry per stand-in call: tool name and arguments. */
    calls: string[];
    /** The number of waits (ping calls). */
    sleeps: number;
    /** The activation run's log file (`activation.log`). */
    log: string;
    /** Every log file of the server folder (`<mode>.log`) by name. */
    logs: Record<string, string>;
    /** The stand-ins' state after the run. */
    state: Record<string, string>;
    /** The parsed final JSON line of stdout. */
    result: Record<string, unknown>;
    /** Wall time of the run (ms), for the numbers script only. */
    wallMs: number;
    /** The stand-ins' trace (process, tick, tool, event) and the setup's output: for diagnosing the bench itself. */
    trace: string;
}

/** A run's details, to print when a scenario fails. */
export function describeRun(r: RunResult): string {
    return [
        `exit ${r.exitCode} after ${r.wallMs} ms`,
        "--- stdout",
        r.stdout,
        "--- log",
        r.log,
        "--- state",
        JSON.stringify(r.state),
        "--- trace",
        r.trace,
    ].join("\n");
}

function need(tool: string, hint: string): void {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0 && !fs.existsSync(tool)) {
        throw new Error(`${tool} is missing: ${hint}`);
    }
}

let outputs = 0;

/**
 * Runs a Wine program. Its output goes to a file of its own, never reused: a pipe would not close
 * while any process that inherited it lives on, and a file shared between runs could be written
 * by a process of an earlier run. The wineserver and Wine's own services are started beforehand
 * with no output handles (see prepareBench), so nothing started here outlives the program.
 */
function wine(args: string[]): { status: number; stdout: string } {
    const outFile = path.join(BUILD_DIR, `wine-output-${process.pid}-${++outputs}.txt`);
    const fd = fs.openSync(outFile, "wx");
    try {
        const run = spawnSync(SETARCH, ["-R", WINE, ...args], {
            env: ENV,
            cwd: WORK_DIR,
            stdio: ["ignore", fd, fd],
            timeout: 120000,
        });
        if (run.error) {
            throw new Error(`the bench's Wine run ${args.join(" ")} failed: ${run.error.message}`);
        }
        return { status: run.status ?? -1, stdout: fs.readFileSync(outFile, "utf8") };
    } finally {
        fs.closeSync(fd);
        fs.rmSync(outFile, { force: true });
    }
}

/** Builds the stand-in and a Wine prefix with it installed; reused while the sources are unchanged. */
export function prepareBench(): void {
    need(WINE, "apt-get install wine64");
    need(MINGW, "apt-get install gcc-mingw-w64-x86-64-win32");
    need(SETARCH, "apt-get install util-linux");
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    const exe = path.join(BUILD_DIR, "standin.exe");
    const source = path.join(HERE, "standin", "standin.c");
    if (!fs.existsSync(exe) || fs.statSync(exe).mtimeMs < fs.statSync(source).mtimeMs) {
        execFileSync(MINGW, ["-O2", "-Wall", "-Werror", "-o", exe, source, "-lm"]);
    }
    // The wineserver (persistent) and Wine's services start here, before any run, with no output
    // handles to inherit; wineboot waits until the prefix is ready.
    spawnSync(WINESERVER, ["-p"], { env: ENV, stdio: "ignore" }); // exits 2 when one is already running
    execFileSync(
        SETARCH,
        ["-R", WINE, ...(fs.existsSync(path.join(SYSTEM32, "cmd.exe")) ? ["wineboot"] : ["wineboot", "-i"])],
        { env: ENV, stdio: "ignore", timeout: 300000 },
    );
    fs.mkdirSync(BENCH_DIR, { recursive: true });
    fs.copyFileSync(exe, path.join(BENCH_DIR, "standin.exe"));
    for (const tool of REPLACED) {
        fs.copyFileSync(exe, path.join(SYSTEM32, tool));
    }
    fs.copyFileSync(path.join(HERE, "standin", "slmgr.vbs"), path.join(SYSTEM32, "slmgr.vbs"));
    for (const name of PLANTED) {
        fs.copyFileSync(exe, path.join(WORK_DIR, name));
    }
}

/** The look-alike tools present in the working directory of every run. */
export function plantedTools(): string[] {
    return PLANTED.filter((name) => fs.existsSync(path.join(WORK_DIR, name)));
}

/** Stops the Wine server the bench started. */
export function stopBench(): void {
    spawnSync(WINESERVER, ["-k"], { env: ENV });
}

function readState(file: string): Record<string, string> {
    const state: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/)) {
        const eq = line.indexOf("=");
        if (eq > 0) {
            state[line.slice(0, eq)] = line.slice(eq + 1);
        }
    }
    return state;
}

/**
 * How a Wine process that failed to start shows itself: Wine's own error from the process that died
 * while starting ("failed to map the shared user data", see SETARCH; on the Unix stderr, so the
 * script's `2>nul` cannot hide it), and its parent cmd.exe reporting the program as not found
 * ("Can't recognize '...' as an internal or external command", errorlevel 9009; Wine's
 * programs/cmd/wcmdmain.c). Windows never prints these words and no scenario runs a missing program
 * (the script checks for wmic and PowerShell first), so a run whose output or log shows them met a
 * failure of Wine, not a wrong result.
 */
export const WINE_LAUNCH_FAILURE = /Can't recognize '|failed to map the shared user data/;

/**
 * How cmd.exe (Wine 8's, as Windows') reports a redirection into a file another process holds open
 * without write sharing. One run of the script alone never holds one of its files twice, so in a
 * single run it means a process of an earlier run was still holding it (seen once, under heavy load,
 * in one of 4 full runs): such a run is repeated like a failed launch. Two runs at once must never show it
 * (the scenarios that start them assert that).
 */
export const SHARING_VIOLATION = /Sharing violation|being used by another process/;

/**
 * Runs of scenarios that Wine failed to start a process in, and that were therefore run again (reported by the tests).
 */
export const harnessRetries: string[] = [];

/**
 * Runs `script` (CRLF batch text) in the bench under `scenario`, with optional script arguments.
 * A run that Wine failed to start a process in (see {@link WINE_LAUNCH_FAILURE}), or whose setup
 * Wine failed to run, is run again from the same starting point, up to 3 times, and recorded in
 * {@link harnessRetries}; any other outcome, right or wrong, is returned as it is.
 */
export function runScript(script: string, scenario: Scenario, scriptArgs: string[] = []): RunResult {
    const logs =
        scenario.keepLogs && fs.existsSync(LOG_DIR)
            ? fs.readdirSync(LOG_DIR).map((f) => [f, fs.readFileSync(path.join(LOG_DIR, f))] as const)
            : [];
    for (let attempt = 1; ; attempt++) {
        if (scenario.keepLogs) {
            fs.rmSync(LOG_DIR, { recursive: true, force: true });
            fs.mkdirSync(LOG_DIR, { recursive: true });
            logs.forEach(([f, data]) => fs.writeFileSync(path.join(LOG_DIR, f), data));
        }
        const run = runOnce(script, scenario, scriptArgs);
        // slmgr's own output (and so a failure of its stand-in to start) goes to the log, not stdout.
        const failure =
            typeof run === "string"
                ? run
                : WINE_LAUNCH_FAILURE.test(run.stdout + run.log)
                  ? "Wine failed to start a process"
                  : SHARING_VIOLATION.test(run.stdout)
                    ? "Wine failed to open a file a process of an earlier run still held"
                    : undefined;
        if (failure === undefined) {
            return run as RunResult;
        }
        if (attempt === 3) {
            if (typeof run === "string") {
                throw new Error(`the bench: ${run}, 3 times`);
            }
            return run;
        }
        harnessRetries.push(`${failure} (build ${scenario.build}, ${JSON.stringify(scenario.state)})`);
        process.stderr.write(`wine bench: ${failure}; the scenario runs again\n`);
    }
}

const W32TIME_CONFIG = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config";
/** The values a scenario's `registry` may set (key, value): removed before every scenario. */
const SCENARIO_VALUES = ["HKLM", "HKCU"].flatMap((hive) =>
    ["Enabled", "IgnoreUserSettings"].map((value) => [
        `${hive}\\SOFTWARE\\Microsoft\\Windows Script Host\\Settings`,
        value,
    ]),
);
const RELEASE = path.join(BENCH_DIR, "release");
const CALLS = path.join(BENCH_DIR, "calls.log");

/** Sets up the prefix for a scenario; a string says why the bench itself failed. */
function setUp(script: string, scenario: Scenario): string | undefined {
    const wmic = path.join(SYSTEM32, "wbem", "wmic.exe");
    const powershell = path.join(SYSTEM32, "WindowsPowerShell", "v1.0", "powershell.exe");
    if (scenario.noPowerShell) {
        fs.rmSync(powershell, { force: true });
    } else if (!fs.existsSync(powershell)) {
        fs.copyFileSync(path.join(BUILD_DIR, "standin.exe"), powershell);
    }
    const vbscript = path.join(SYSTEM32, "vbscript.dll");
    if (scenario.noVbscript && fs.existsSync(vbscript)) {
        fs.renameSync(vbscript, `${vbscript}.removed`);
    } else if (!scenario.noVbscript && fs.existsSync(`${vbscript}.removed`)) {
        fs.renameSync(`${vbscript}.removed`, vbscript);
    }
    fs.rmSync(RELEASE, { force: true });
    if (scenario.noWmic) {
        fs.rmSync(wmic, { force: true });
    } else if (!fs.existsSync(wmic)) {
        fs.copyFileSync(path.join(BUILD_DIR, "standin.exe"), wmic);
    }
    if (!scenario.keepLogs) {
        fs.rmSync(LOG_DIR, { recursive: true, force: true });
    }
    if (scenario.previousResult !== undefined) {
        fs.mkdirSync(LOG_DIR, { recursive: true });
        fs.writeFileSync(path.join(LOG_DIR, "result.json"), scenario.previousResult + "\r\n");
    }
    for (const [name, content] of Object.entries(scenario.serverFiles ?? {})) {
        fs.mkdirSync(LOG_DIR, { recursive: true });
        fs.writeFileSync(path.join(LOG_DIR, name), content);
    }
    const locks = {
        ...(scenario.lockAgeMinutes === undefined ? {} : { "activation.lock": scenario.lockAgeMinutes }),
        ...scenario.locks,
    };
    for (const [name, minutes] of Object.entries(locks)) {
        const lock = path.join(LOG_DIR, name);
        fs.mkdirSync(lock, { recursive: true });
        const then = new Date(Date.now() - minutes * 60000);
        fs.utimesSync(lock, then, then);
    }
    fs.rmSync(CALLS, { force: true });
    fs.rmSync(path.join(BENCH_DIR, "trace.log"), { force: true });
    fs.writeFileSync(
        path.join(BENCH_DIR, "state.txt"),
        Object.entries(scenario.state)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(""),
    );
    fs.writeFileSync(path.join(BENCH_DIR, "activate.cmd"), script);
    const ntKey = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
    const setup = [
        "@echo off",
        `${REG} add "${ntKey}" /v CurrentBuild /t REG_SZ /d ${scenario.build} /f >nul`,
        `${REG} add "${ntKey}" /v EditionID /t REG_SZ /d ${scenario.editionId} /f >nul`,
        `${REG} add "HKCU\\Software\\Wine" /v Version /t REG_SZ /d ${scenario.wineVersion ?? "win10"} /f >nul`,
        `${REG} delete "${W32TIME_CONFIG}" /f >nul 2>&1`,
        ...SCENARIO_VALUES.map(([key, value]) => `${REG} delete "${key}" /v ${value} /f >nul 2>&1`),
        ...(scenario.registry ?? []).map(
            (r) => `${REG} add "${r.key}" /v ${r.value} /t ${r.type} /d ${r.data} /f >nul`,
        ),
        ...(scenario.phaseLimits === undefined
            ? []
            : ["Pos", "Neg"].map(
                  (d) =>
                      `${REG} add "${W32TIME_CONFIG}" /v Max${d}PhaseCorrection /t REG_DWORD /d ${scenario.phaseLimits} /f >nul`,
              )),
        "exit /b 0",
        "",
    ].join("\r\n");
    fs.writeFileSync(path.join(BENCH_DIR, "setup.cmd"), setup);
    const setupRun = wine([CMD, "/c", "C:\\bench\\setup.cmd"]);
    if (setupRun.status !== 0 || WINE_LAUNCH_FAILURE.test(setupRun.stdout)) {
        return `Wine failed to run the setup (exit ${setupRun.status}: ${setupRun.stdout.trim()})`;
    }
    return undefined;
}

function readCalls(): string[] {
    return fs.existsSync(CALLS) ? fs.readFileSync(CALLS, "utf8").split(/\r?\n/).filter(Boolean) : [];
}

/** One run; a string says why the bench itself failed before the script ran. */
function runOnce(script: string, scenario: Scenario, scriptArgs: string[]): RunResult | string {
    const failure = setUp(script, scenario);
    if (failure !== undefined) {
        return failure;
    }
    const started = Date.now();
    const run = wine([CMD, "/c", "C:\\bench\\activate.cmd", ...scriptArgs]);
    return finish(run, readCalls(), Date.now() - started);
}

/** A run's result from its output and calls, with the log and state as the run left them. */
function finish(run: { status: number; stdout: string }, calls: string[], wallMs: number): RunResult {
    const logs = Object.fromEntries(
        (fs.existsSync(LOG_DIR) ? fs.readdirSync(LOG_DIR) : [])
            .filter((f) => f.endsWith(".log"))
            .map((f) => [f, fs.readFileSync(path.join(LOG_DIR, f), "latin1")]),
    );
    const lines = run.stdout.split(/\r?\n/).filter((l) => l.startsWith("{"));
    return {
        exitCode: run.status,
        stdout: run.stdout,
        calls,
        sleeps: calls.filter((c) => c.startsWith("ping ")).length,
        log: logs["activation.log"] ?? "",
        logs,
        state: readState(path.join(BENCH_DIR, "state.txt")),
        result: lines.length ? JSON.parse(lines[lines.length - 1]) : {},
        wallMs,
        trace: readIfThere(path.join(BENCH_DIR, "trace.log")),
    };
}

/**
 * Two versions of the script, each in its own file of the server folder, as the carriers
 * write them: the first runs first, the second is written and run while the first is held.
 */
export interface VersionFiles {
    first: { file: string; script: string };
    second: { file: string; script: string };
}

/** What two runs at once produced: the first, and the second that started while the first was inside `slmgr -ato`. */
export interface TwoRuns {
    first: RunResult;
    second: RunResult;
}

/**
 * Runs `script` twice at once: the first run is held inside its first `slmgr -ato` (the stand-in's
 * `ato.hold`), the second (with `secondArgs`) runs from start to end meanwhile, then the first is released. Each run's
 * calls are those logged while it was the one running. Wine failing to start a process fails the
 * scenario here (no repeat).
 */
export async function runTwoAtOnce(
    script: string,
    scenario: Scenario,
    secondArgs: string[] = [],
    versions?: VersionFiles,
): Promise<TwoRuns> {
    const failure = setUp(script, { ...scenario, state: { ...scenario.state, "ato.hold": "yes" } });
    if (failure !== undefined) {
        throw new Error(`the bench: ${failure}`);
    }
    const [firstPath, secondPath] =
        versions === undefined
            ? ["C:\\bench\\activate.cmd", "C:\\bench\\activate.cmd"]
            : [versions.first, versions.second].map((v) => `C:\\windows\\TencentCloudWindows\\${v.file}`);
    if (versions !== undefined) {
        fs.mkdirSync(LOG_DIR, { recursive: true });
        fs.writeFileSync(path.join(LOG_DIR, versions.first.file), versions.first.script);
    }
    const outFile = path.join(BUILD_DIR, `wine-output-${process.pid}-${++outputs}.txt`);
    const fd = fs.openSync(outFile, "wx");
    const started = Date.now();
    const child = spawn(SETARCH, ["-R", WINE, CMD, "/c", firstPath], {
        env: ENV,
        cwd: WORK_DIR,
        stdio: ["ignore", fd, fd],
    });
    const firstExit = new Promise<number>((resolve, reject) => {
        child.on("error", reject);
        child.on("exit", (code) => resolve(code ?? -1));
    });
    try {
        const deadline = Date.now() + 120000;
        while (!readCalls().includes("slmgr -ato")) {
            if (Date.now() > deadline) {
                throw new Error(`the first run never reached slmgr -ato: ${readCalls().join(" | ")}`);
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        const held = readCalls().length;
        const secondStarted = Date.now();
        if (versions !== undefined) {
            fs.writeFileSync(path.join(LOG_DIR, versions.second.file), versions.second.script);
        }
        const secondRun = wine([CMD, "/c", secondPath, ...secondArgs]);
        const second = finish(secondRun, readCalls().slice(held), Date.now() - secondStarted);
        const afterSecond = readCalls().length;
        fs.writeFileSync(RELEASE, "");
        const status = await firstExit;
        const calls = readCalls();
        const first = finish(
            { status, stdout: fs.readFileSync(outFile, "utf8") },
            [...calls.slice(0, held), ...calls.slice(afterSecond)],
            Date.now() - started,
        );
        return { first, second };
    } finally {
        if (child.exitCode === null) {
            fs.writeFileSync(RELEASE, "");
            await firstExit.catch(() => undefined);
        }
        fs.closeSync(fd);
        fs.rmSync(outFile, { force: true });
    }
}

function readIfThere(file: string): string {
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

/** A file of the server folder (C:\\Windows\\TencentCloudWindows) as the last run left it. */
export function readServerFile(name: string): string {
    return fs.readFileSync(path.join(LOG_DIR, name), "latin1");
}

/** Whether the server folder holds `name` (a file or a folder). */
export function serverFileExists(name: string): boolean {
    return fs.existsSync(path.join(LOG_DIR, name));
}

/** Reads a registry value in the bench's prefix (undefined when absent). */
export function readRegistry(key: string, value: string): string | undefined {
    const out = wine([REG, "query", key, "/v", value]);
    const line = out.stdout.split(/\r?\n/).find((l) => l.trim().startsWith(value));
    return line?.trim().split(/\s+/).pop();
}
