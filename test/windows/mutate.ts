/**
 * Mutation check of the Windows bench (`npm run mutate:windows`): breaks the activation script on
 * purpose, one way at a time, and checks that the scenarios that should notice each breakage do.
 *
 * A breakage counts as noticed only when every scenario named for it fails, in two runs in a row
 * (so a flaky scenario cannot make a breakage look caught), after those scenarios passed on the
 * unbroken script. The whole Wine file runs once first, unbroken, and must pass.
 */
import { spawnSync } from "child_process";
import * as path from "path";

/** One breakage: what it does, the `[find, replace]` edits, and the scenarios (title prefixes) that must fail. */
interface Mutation {
    name: string;
    edits: [string, string][];
    noticedBy: string[];
}

/**
 * The lines of the diagnosis that decide each root cause (checked from the last cause to the first, each overriding).
 */
const CAUSE = {
    keyRejected: 'if "%ERROR_CLASS%"=="keyRejected" set "ROOT_CAUSE=keyRejected"',
    clockSkew: 'if "%CLOCK_SKEWED%"=="yes" set "ROOT_CAUSE=clockSkew"',
    kmsPort: 'if "%PROBED%%ANY_DNS%%ANY_PORT%"=="yesyesno" set "ROOT_CAUSE=kmsPort"',
    kmsDns: 'if "%PROBED%%ANY_DNS%"=="yesno" set "ROOT_CAUSE=kmsDns"',
    notKmsClient: 'if "%NOT_KMS_CLIENT%"=="yes" set "ROOT_CAUSE=notKmsClient"',
    sppPermissions: 'if "%EXE_CHECK%"=="denied" set "ROOT_CAUSE=sppPermissions"',
    serviceDisabled: 'if defined DISABLED set "ROOT_CAUSE=serviceDisabled"',
    scriptHostDisabled: 'if "%SCRIPT_HOST%"=="false" set "ROOT_CAUSE=scriptHostDisabled"',
    vbscriptMissing: 'if "%VBSCRIPT%"=="false" set "ROOT_CAUSE=vbscriptMissing"',
    wmiUnavailable: 'if not defined LICENSE_STATUS set "ROOT_CAUSE=wmiUnavailable"',
    accessDenied: 'if "%ERROR_CLASS%"=="accessDenied" set "ROOT_CAUSE=accessDenied"',
} as const;

/**
 * Neighbours in the documented order whose two lines are adjacent in the script, the lower-ranked
 * first, with the scenario where both hold. kmsPort and kmsDns exclude each other (a host that
 * resolves, or none), so swapping them changes nothing and is not a breakage.
 */
const NEIGHBOURS: [keyof typeof CAUSE, keyof typeof CAUSE, string][] = [
    ["keyRejected", "clockSkew", "causes clockSkew and keyRejected"],
    ["clockSkew", "kmsPort", "causes kmsPort and clockSkew"],
    ["kmsDns", "notKmsClient", "causes notKmsClient and kmsDns"],
    ["notKmsClient", "sppPermissions", "causes sppPermissions and notKmsClient"],
    ["sppPermissions", "serviceDisabled", "causes serviceDisabled and sppPermissions"],
    ["serviceDisabled", "scriptHostDisabled", "causes scriptHostDisabled and serviceDisabled"],
    ["scriptHostDisabled", "vbscriptMissing", "causes vbscriptMissing and scriptHostDisabled"],
    ["vbscriptMissing", "wmiUnavailable", "causes wmiUnavailable and vbscriptMissing"],
    ["wmiUnavailable", "accessDenied", "causes accessDenied and wmiUnavailable"],
];

const MUTATIONS: Mutation[] = [
    {
        name: "no fast path",
        edits: [["goto fast_path", "rem fast_path"]],
        noticedBy: ["already licensed against the configured host", "a second run after success"],
    },
    {
        name: "no resync on clock skew",
        edits: [['if "%ERROR_CLASS%"=="clockSkew" call :resync_clock', "rem"]],
        noticedBy: ["clock skew (0xC004F06C)"],
    },
    {
        name: "no resync before trying the next host",
        edits: [['if "%ERROR_CLASS%"=="kmsUnreachable" call :resync_clock', "rem"]],
        noticedBy: ["a clock 5.5 hours off", "KMS unreachable twice"],
    },
    {
        name: "no KMS host fallback",
        edits: [['if "%ERROR_CLASS%"=="kmsUnreachable" call :next_kms_host', "rem"]],
        noticedBy: ["primary KMS unreachable on every attempt"],
    },
    {
        name: "remedies after the last attempt",
        edits: [
            ["if %ATTEMPTS% GEQ %MAX_ATTEMPTS% goto end_%ERROR_CLASS%\r\n", ""],
            [
                'call :log "waiting %DELAY% s"',
                'if %ATTEMPTS% GEQ %MAX_ATTEMPTS% goto end_%ERROR_CLASS%\r\ncall :log "waiting %DELAY% s"',
            ],
        ],
        noticedBy: ["every attempt unreachable"],
    },
    {
        name: "key errors retried",
        edits: [['if "%ERROR_CLASS%"=="keyRejected" goto end_keyRejected', "rem"]],
        noticedBy: ["a key/SKU error"],
    },
    {
        name: "access denied retried",
        edits: [['if "%ERROR_CLASS%"=="accessDenied" goto end_accessDenied', "rem"]],
        noticedBy: ["not elevated", "access denied (0x80070005)"],
    },
    {
        name: "0xC004F025 (not elevated) unmapped",
        edits: [['set "HR_-1073418203=accessDenied"', "rem"]],
        noticedBy: ["not elevated"],
    },
    {
        name: "0x80070422 (service disabled) unmapped",
        edits: [['set "HR_-2147023838=serviceStopped"', "rem"]],
        noticedBy: ["licensing service disabled"],
    },
    {
        name: "-ato success not verified",
        edits: [['if "%LICENSE_STATUS%"=="1" goto end_licensed', "goto end_licensed"]],
        noticedBy: ["-ato reports success but", "an ESU add-on row"],
    },
    {
        name: "ESU add-on rows read as Windows",
        edits: [[" and LicenseIsAddon=FALSE", ""]],
        noticedBy: ["an ESU add-on row"],
    },
    {
        name: "SPP Notification Service ignored",
        edits: [["if %BUILD% LSS 9200 call :ensure_service sppuinotify demand", "rem"]],
        noticedBy: ["2008 R2 with the SPP Notification Service disabled"],
    },
    {
        name: "stopped services not started",
        edits: [['%SYS%\\net.exe start %1 >>"%LOG%" 2>&1', "rem"]],
        noticedBy: ["w32time stopped", "licensing service stopped"],
    },
    {
        name: "back-off does not grow",
        edits: [["set /a DELAY*=2", "rem"]],
        noticedBy: ["KMS unreachable twice", "every attempt unreachable", "KMS count too low"],
    },
    {
        name: "back-off not capped",
        edits: [['if %DELAY% GTR %MAX_DELAY% set "DELAY=%MAX_DELAY%"', "rem"]],
        noticedBy: ["an unknown HRESULT on every attempt"],
    },
    {
        name: "no PowerShell fallback",
        edits: [[":query_status_ps\r\n", ":query_status_ps\r\nexit /b 0\r\n"]],
        noticedBy: ["2025 without wmic", "2008 R2 whose wmic gives nothing", "WMI not ready at first boot"],
    },
    {
        name: "status read not retried",
        edits: [["if %STATUS_TRY% GEQ 3 goto read_status_failed", "goto read_status_failed"]],
        noticedBy: ["WMI not ready at first boot", "WMI never answers"],
    },
    {
        name: "one attempt too many",
        edits: [["if %ATTEMPTS% GEQ %MAX_ATTEMPTS%", "if %ATTEMPTS% GTR %MAX_ATTEMPTS%"]],
        noticedBy: ["every attempt unreachable", "KMS count too low"],
    },
    {
        name: "exit code always 0",
        edits: [["exit /b %EXIT_CODE%", "exit /b 0"]],
        noticedBy: ["a key/SKU error", "every attempt unreachable", "WMI never answers"],
    },
    {
        name: "NTP peers asked in symmetric mode (no 0x8)",
        edits: [['set "NTP_PEERS=ntpupdate.tencentyun.com,0x8"', 'set "NTP_PEERS=ntpupdate.tencentyun.com"']],
        noticedBy: ["an NTP server that answers client mode only"],
    },
    {
        name: "/resync's exit code trusted",
        edits: [['if "%CLOCK_SYNCED%"=="true" goto resync_done', "goto resync_done"]],
        noticedBy: ["w32time stopped", "NTP server unreachable", "a clock 5.5 hours off"],
    },
    {
        name: "no resync retry",
        edits: [["call :sleep 5\r\n", "goto resync_failed\r\n"]],
        noticedBy: ["w32time stopped", "NTP server unreachable"],
    },
    {
        name: "tools by bare name from the working directory",
        edits: [
            ['cd /d "%SYS%"', "rem"],
            ["%SYS%\\find.exe", "find"],
        ],
        noticedBy: ["look-alike tools planted", "fresh 2012 R2"],
    },
    {
        name: "no diagnosis after a failure",
        edits: [["if %EXIT_CODE% GEQ 3 call :diagnose", "rem"]],
        noticedBy: ["root cause kmsDns", "root cause kmsPort", "the event: ERROR 110"],
    },
    {
        name: "closed ports not a cause",
        edits: [['if "%PROBED%%ANY_DNS%%ANY_PORT%"=="yesyesno" set "ROOT_CAUSE=kmsPort"', "rem"]],
        noticedBy: ["root cause kmsPort"],
    },
    {
        name: "sppsvc.exe's ACL not judged",
        edits: [['set "EXE_CHECK=denied"', 'set "EXE_CHECK=ok"']],
        noticedBy: ["root cause sppPermissions: NETWORK", "root cause sppPermissions also"],
    },
    {
        name: "clock skew limit not applied",
        edits: [["GTR 14400 set", "GTR 99999 set"]],
        noticedBy: ["root cause clockSkew"],
    },
    {
        name: "retail key not told apart",
        edits: [['if "%CHANNEL%"=="retail" set "NOT_KMS_CLIENT=yes"', "rem"]],
        noticedBy: ["root cause notKmsClient"],
    },
    {
        name: "no Application event",
        edits: [["%SYS%\\eventcreate.exe", "rem %SYS%\\eventcreate.exe"]],
        noticedBy: ["fresh 2012 R2", "the event: INFORMATION", "the event: ERROR 110"],
    },
    {
        name: "/diagnose changes the server",
        edits: [['set "DIAG_DEFAULT=none"', 'set "DIAG_DEFAULT=none"\r\ncall :sync_clock']],
        noticedBy: ["/diagnose on a healthy", "/diagnose on 2008 R2"],
    },
    {
        name: "no lock: a second run goes ahead",
        edits: [
            [
                "call :take_lock activation %LOCK_STALE_MINUTES%\r\nif errorlevel 1 goto end_busy",
                "call :take_lock activation %LOCK_STALE_MINUTES%",
            ],
        ],
        noticedBy: ["two runs at once", "a live lock", "causes busy and unsupportedOs"],
    },
    {
        name: "a stale lock never cleared",
        edits: [["if %AGE% LSS %2 exit /b 1", "exit /b 1"]],
        noticedBy: ["a stale lock (older"],
    },
    {
        name: "the lock never released",
        edits: [['rmdir /s /q "%LOCK%"\r\n:result_written', ":result_written"]],
        noticedBy: ["two runs at once", "a second run after success"],
    },
    {
        name: "a busy run writes the result file and removes the lock",
        edits: [['if not "%LOCKED%"=="yes" goto result_written', "rem"]],
        noticedBy: ["a live lock"],
    },
    {
        name: "the lock taken after the OS check",
        edits: [
            ["if %BUILD% LSS 7600 goto end_unsupportedOs\r\n", ""],
            ["call :take_lock activation", "if %BUILD% LSS 7600 goto end_unsupportedOs\r\ncall :take_lock activation"],
        ],
        noticedBy: ["causes busy and unsupportedOs"],
    },
    {
        name: "a run writes its log before it holds the lock",
        edits: [
            [
                "call :detect_os\r\ncall :take_lock activation",
                "call :use_files activation\r\ncall :detect_os\r\ncall :take_lock activation",
            ],
        ],
        noticedBy: ["two runs at once", "a live lock"],
    },
    {
        name: "/diagnose writes the activation run's files",
        edits: [["call :use_files diagnose", "call :use_files activation"]],
        noticedBy: ["/diagnose while an activation run holds its lock"],
    },
    {
        name: "/diagnose takes no lock",
        edits: [["call :take_lock diagnose %DIAGNOSE_STALE_MINUTES%\r\nif errorlevel 1 goto diagnose_busy", "rem"]],
        noticedBy: ["/diagnose while another /diagnose holds its lock"],
    },
    {
        name: "a lock whose age cannot be read counts as stale",
        edits: [
            ['if "%AGE%"=="unknown" exit /b 1', "rem"],
            ['if "%AGE%"=="unknown" goto lock_keep', "rem"],
        ],
        noticedBy: ["a lock whose age cannot be read"],
    },
    {
        name: "no breaker: every run that finds a stale lock clears it",
        edits: [['mkdir "%LOCK%.break" 2>nul\r\nif errorlevel 1 goto lock_breaker_held', "rem"]],
        noticedBy: ["a stale lock whose breaker another run holds"],
    },
    {
        // Wine's runs leave nothing in a lock folder, so a release without /s empties it all the same;
        // test/activation/scriptLock.test.ts requires /s on every release instead.
        name: "a lock released without /s (blind spot under Wine: its lock folder is empty)",
        edits: [['rmdir /s /q "%LOCK%"\r\n:result_written', 'rmdir "%LOCK%"\r\n:result_written']],
        noticedBy: [],
    },
    {
        name: "limits a dead run left lifted not restored",
        edits: [['if exist "%LIMITS_FILE%" call :recover_limits', "rem"]],
        noticedBy: ["correction limits a run that died left lifted", "limits left lifted where none were set before"],
    },
    {
        name: "domain membership unknown treated as standalone",
        edits: [['if "%DOMAIN_MEMBER%"=="unknown" goto sync_unknown', "rem"]],
        noticedBy: ["domain membership unknown"],
    },
    {
        name: "a domain member's offset measured against the NTP server",
        edits: [['if not "%TIME_SOURCE%"=="ntp" goto resync_once', "rem"]],
        noticedBy: ["a domain member"],
    },
    {
        name: "Windows Script Host not checked before slmgr",
        edits: [['if "%SCRIPT_HOST%"=="false" goto end_scriptHostDisabled', "rem"]],
        noticedBy: ["Windows Script Host turned off by policy", "Windows Script Host turned off in the running"],
    },
    {
        name: "Windows Script Host off not a root cause",
        edits: [[CAUSE.scriptHostDisabled, "rem"]],
        noticedBy: ["Windows Script Host turned off by policy", "causes scriptHostDisabled and serviceDisabled"],
    },
    {
        name: "/check does not wait for a first-boot run in progress",
        edits: [['if exist "%RUN_LOCK%\\" goto check_running', "rem"]],
        noticedBy: ["/check while the first-boot run holds its lock", "/check finding a dead run's stale lock"],
    },
    {
        name: "a domain member's time source reconfigured",
        edits: [['if "%DOMAIN_MEMBER%"=="yes" goto sync_domain', "rem"]],
        noticedBy: ["a domain member"],
    },
    {
        name: "domain membership never read as true",
        edits: [['if /i "%~1"=="true" set "DOMAIN_MEMBER=yes"', "rem"]],
        noticedBy: ["a domain member"],
    },
    {
        name: "correction limits not lifted",
        edits: [["for %%d in (Pos Neg) do %SYS%\\reg.exe add", "for %%d in (Pos Neg) do rem"]],
        noticedBy: ["the correction limits"],
    },
    {
        name: "correction limits never restored",
        edits: [['if "%LIMITS_LIFTED%"=="yes" call :restore_limits', "rem"]],
        noticedBy: ["the correction limits", "fresh 2012 R2", "NTP server unreachable"],
    },
    {
        name: "correction limits restored only after a confirmed sync",
        edits: [['if "%LIMITS_LIFTED%"=="yes" call :restore_limits\r\nif "%EXIT_CODE%"=="2"', 'if "%EXIT_CODE%"=="2"']],
        noticedBy: ["NTP server unreachable"],
    },
    {
        name: "VBScript not checked before slmgr",
        edits: [["if not exist %SYS%\\vbscript.dll goto end_vbscriptMissing", "rem"]],
        noticedBy: ["VBScript not installed", "causes vbscriptMissing and serviceDisabled"],
    },
    {
        name: "VBScript missing not a root cause",
        edits: [['if "%VBSCRIPT%"=="false" set "ROOT_CAUSE=vbscriptMissing"', "rem"]],
        noticedBy: ["VBScript not installed", "causes vbscriptMissing and serviceDisabled"],
    },
    {
        // The case: clock skew ranked above the KMS name and port checks.
        name: "clockSkew given priority over kmsDns and kmsPort",
        edits: [
            [
                `${CAUSE.clockSkew}\r\n${CAUSE.kmsPort}\r\n${CAUSE.kmsDns}`,
                `${CAUSE.kmsPort}\r\n${CAUSE.kmsDns}\r\n${CAUSE.clockSkew}`,
            ],
        ],
        noticedBy: ["causes kmsDns and clockSkew", "causes kmsPort and clockSkew"],
    },
    ...NEIGHBOURS.map(([low, high, scenario]) => ({
        name: `root causes ${high} and ${low} swapped`,
        edits: [[`${CAUSE[low]}\r\n${CAUSE[high]}`, `${CAUSE[high]}\r\n${CAUSE[low]}`]] as [string, string][],
        noticedBy: [scenario],
    })),
    {
        // Wine 8's cmd.exe drops a UTF-8 byte-order mark at the start of `for /f` input (Windows' keeps
        // it in the first token), so no Wine scenario can notice this; test/activation/script.test.ts
        // applies Windows' splitting and does.
        name: "the probe's first field compared whole (blind spot under Wine: its for /f drops a BOM)",
        edits: [
            ['if "%TAG:~-3%"=="kms" goto diagnose_kms', 'if "%1"=="kms" goto diagnose_kms'],
            ['if not "%TAG:~-3%"=="exe" exit /b 0', 'if not "%1"=="exe" exit /b 0'],
        ],
        noticedBy: [],
    },
    {
        // Writing result.json in place instead of a new file moved over it leaves the same file at the
        // end; only a reader at the very moment of the write could see the difference, which no
        // scenario can time.
        name: "result written in place (blind spot: the same file at the end)",
        edits: [
            [
                '>"%RESULT_FILE%.new" echo %RESULT%\r\nmove /y "%RESULT_FILE%.new" "%RESULT_FILE%" >nul',
                '>"%RESULT_FILE%" echo %RESULT%',
            ],
        ],
        noticedBy: [],
    },
    {
        // A known blind spot: Wine's `for /f` drops the CR that wmic leaves at each line's end on
        // Windows, so under Wine this breakage changes nothing and no scenario can notice it.
        name: "wmic CR kept in the status (blind spot under Wine)",
        edits: [
            [
                'for /f "delims=" %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if "%%b"=="%%s"',
                'for %%b in ("%%a") do for %%s in (0 1 2 3 4 5 6) do if %%b=="%%s"',
            ],
        ],
        noticedBy: [],
    },
];

const TEST = path.join(__dirname, "..", "activation", "script.wine.test.ts");

/** Runs the Wine scenarios whose titles start with one of `titles` (all when empty); returns the titles that failed. */
function failingScenarios(
    titles: string[],
    edits: [string, string][] | undefined,
): { failed: string[]; ran: number; applies: boolean } {
    const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = titles.length ? ["--test-name-pattern", `^(${titles.map(escape).join("|")})`] : [];
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test", ...pattern, TEST], {
        env: { ...process.env, SCRIPT_MUTATION: edits ? JSON.stringify(edits) : "" },
        encoding: "utf8",
    });
    const failed = [...run.stdout.matchAll(/^ {4}not ok \d+ - (.+)$/gm)].map((m) => m[1]);
    const ran = [...run.stdout.matchAll(/^ {4}(?:not )?ok \d+ - (.+?)(?: # SKIP.*)?$/gm)].filter(
        (m) => !m[0].includes("# SKIP"),
    ).length;
    return { failed, ran, applies: !(run.stdout + run.stderr).includes("the mutation does not apply") };
}

/**
 * `npm run mutate:windows` checks every breakage; `npm run mutate:windows -- --only <text>` only those
 * whose name contains the text (the unbroken baseline then runs only the scenarios they name).
 */
function main(): void {
    const only = process.argv.indexOf("--only");
    const chosen = only < 0 ? MUTATIONS : MUTATIONS.filter((m) => m.name.includes(process.argv[only + 1] ?? ""));
    const named = [...new Set(chosen.flatMap((m) => m.noticedBy))];
    const baseline = failingScenarios(only < 0 ? [] : named, undefined);
    if (baseline.failed.length > 0 || baseline.ran === 0) {
        console.log(`the unbroken script fails ${baseline.failed.length} scenario(s): ${baseline.failed.join("; ")}`);
        process.exit(1);
    }
    console.log(`unbroken script: ${baseline.ran} scenarios pass`);
    let noticed = 0;
    for (const m of chosen) {
        if (m.noticedBy.length === 0) {
            console.log(`blind spot    ${m.name}: no scenario can notice it`);
            continue;
        }
        const runs = [failingScenarios(m.noticedBy, m.edits), failingScenarios(m.noticedBy, m.edits)];
        const missed = m.noticedBy.filter((title) => runs.some((r) => !r.failed.some((f) => f.startsWith(title))));
        if (runs.some((r) => !r.applies)) {
            console.log(`BAD MUTATION  ${m.name}: its text is not in the script`);
            continue;
        }
        if (runs.some((r) => r.ran < m.noticedBy.length)) {
            console.log(`BAD LIST      ${m.name}: a named scenario does not exist`);
            continue;
        }
        if (missed.length === 0) {
            noticed++;
            console.log(`noticed       ${m.name}: ${m.noticedBy.length} scenario(s) failed in both runs`);
        } else {
            console.log(`NOT NOTICED   ${m.name}: still passing in a run: ${missed.join("; ")}`);
        }
    }
    const checked = chosen.filter((m) => m.noticedBy.length > 0).length;
    console.log(`${noticed} of ${checked} breakages noticed (plus ${chosen.length - checked} known blind spots)`);
    process.exit(noticed === checked ? 0 : 1);
}

main();
