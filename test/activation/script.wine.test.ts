/**
 * The activation script executed by Wine's real cmd.exe and cscript.exe against scripted
 * stand-ins for the Windows tools (test/windows/wineBench.ts; their behaviour and its sources are
 * in test/windows/standin/BEHAVIOUR.md). Each scenario asserts the exact sequence of tool calls,
 * the exit code, the final JSON line and the log; every run starts in `C:\Windows\Temp`, where
 * look-alike tools are planted, and must never run one of them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EXIT_CODES } from "../../components/activation/exitCodes";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../../components/activation/options";
import { worstCaseSeconds } from "../../components/activation/schedule";
import { renderActivationScript } from "../../components/activation/script";
import { renderUserData } from "../../components/delivery/userData";
import { scriptPath } from "../../components/delivery/carrier";
import { carriedScript } from "../support/carrier";
import { HEALTHY_DIAGNOSIS_LINE, LICENSED_LINE } from "../support/mockCloud";
import {
    RunResult,
    SHARING_VIOLATION,
    Scenario,
    describeRun,
    harnessRetries,
    plantedTools,
    prepareBench,
    readRegistry,
    readServerFile,
    runScript,
    runTwoAtOnce,
    serverFileExists,
    stopBench,
} from "../windows/wineBench";

const APP = "55c92734-d682-4d71-983e-d6ec3f16059f";
const PROPS = "Description,GracePeriodRemaining,KeyManagementServiceMachine,LicenseStatus";
const WMIC = `wmic path SoftwareLicensingProduct where ApplicationID='${APP}' and PartialProductKey is not null and LicenseIsAddon=FALSE get ${PROPS} /value`;
const PS =
    `powershell -NoProfile -NonInteractive -Command foreach($p in @(Get-WmiObject SoftwareLicensingProduct -Filter 'ApplicationID=''${APP}'' AND PartialProductKey IS NOT NULL AND LicenseIsAddon=FALSE')){` +
    "'Description='+$p.Description;'GracePeriodRemaining='+$p.GracePeriodRemaining;'KeyManagementServiceMachine='+$p.KeyManagementServiceMachine;'LicenseStatus='+$p.LicenseStatus}";
const W32TIME_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config";
const WSH_KEY = (hive: string) => `${hive}\\SOFTWARE\\Microsoft\\Windows Script Host\\Settings`;
const ICACLS =
    "icacls C:\\windows\\TencentCloudWindows /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F";
const W32TM_CONFIG = "w32tm /config /syncfromflags:manual /manualpeerlist:ntpupdate.tencentyun.com,0x8 /update";
const RESYNC = "w32tm /resync /rediscover";
const STRIPCHART = "w32tm /stripchart /computer:ntpupdate.tencentyun.com /samples:1 /dataonly";
const SYNC = [RESYNC, STRIPCHART];
/** Whether the server is a domain member, asked before the time source is touched. */
const DOMAIN = "wmic computersystem get PartOfDomain /value";
const PS_DOMAIN =
    "powershell -NoProfile -NonInteractive -Command 'PartOfDomain='+(Get-WmiObject Win32_ComputerSystem).PartOfDomain";
/** After the first confirmed sync the correction limits are put back and w32time reads them again. */
const W32TM_UPDATE = "w32tm /config /update";
const TIME_RUNNING = ["sc qc w32time", "sc query w32time", DOMAIN, W32TM_CONFIG, ...SYNC, W32TM_UPDATE];
const SKMS = "slmgr -skms kms.tencentyun.com:1688";
const SKMS_FALLBACK = "slmgr -skms kms1.tencentyun.com:1688";
const ATO = "slmgr -ato";
const START_SPPSVC = ["sc qc sppsvc", "sc query sppsvc", "net start sppsvc"];
const wait = (seconds: number) => `ping -n ${seconds + 1} 127.0.0.1`;
const HR = {
    noKms: "-1073418124", // 0xC004F074
    clockSkew: "-1073418132", // 0xC004F06C
    keyNotKms: "-1073418187", // 0xC004F035
    accessDenied: "-2147024891", // 0x80070005
    serviceStopped: "-2147023834", // 0x80070426
    kmsCountLow: "-1073418184", // 0xC004F038
    unknown: "-2147467259", // 0x80004005, not in the script's table
};

/**
 * A deliberate breakage, a list of `[find, replace]` edits, applied to every script the scenarios
 * run: set by test/windows/mutate.ts to check that the scenarios notice it. Unset in normal runs.
 */
const MUTATION: [string, string][] | undefined = process.env.SCRIPT_MUTATION
    ? JSON.parse(process.env.SCRIPT_MUTATION)
    : undefined;

/** renderActivationScript, with the mutation applied when one is set. */
function render(options?: Parameters<typeof renderActivationScript>[0]): string {
    let s = renderActivationScript(options);
    for (const [find, replace] of MUTATION ?? []) {
        if (!s.includes(find)) {
            throw new Error(`the mutation does not apply: ${find}`);
        }
        s = s.split(find).join(replace);
    }
    return s;
}

/** A fresh Tencent 2012 R2 Chinese image: w32time running, KMS client in notification state, no KMS host set. */
const fresh2012R2: Scenario = {
    build: 9600,
    editionId: "ServerDatacenter",
    wineVersion: "win81",
    state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" },
};
const script = render();

/** The stand-ins' state without what every run records (the folder's ACL, the last event). */
function withoutBench(state: Record<string, string>): Record<string, string> {
    const { "dir.inheritance": _acl, "event.last": _event, ...rest } = state;
    return rest;
}

function withState(base: Scenario, state: Record<string, string>, extra: Partial<Scenario> = {}): Scenario {
    return { ...base, ...extra, state: { ...base.state, ...state } };
}

let lastRun: RunResult | undefined;

/** A scenario: a test whose failure message carries the last run's stdout, log, state and the stand-ins' trace. */
function scenario(title: string, body: () => void | Promise<void>): void {
    test(title, async () => {
        lastRun = undefined;
        try {
            await body();
        } catch (e) {
            if (e instanceof Error && lastRun !== undefined) {
                e.message += `\n--- the run ---\n${describeRun(lastRun)}`;
            }
            throw e;
        }
    });
}

/** The diagnosis' one PowerShell call (DNS, ports, sppsvc.exe's ACL), as the calls below name it. */
const PROBE = "PROBE";
const isProbe = (c: string) =>
    c.startsWith(
        "powershell -NoProfile -NonInteractive -Command $ErrorActionPreference='SilentlyContinue';foreach($h in @(",
    );
const services = (build: number) =>
    ["sppsvc", "w32time", ...(build < 9200 ? ["sppuinotify"] : [])].flatMap((svc) => [
        `sc qc ${svc}`,
        `sc qc ${svc}`,
        `sc query ${svc}`,
    ]);
/**
 * The read-only diagnosis: nothing in it changes the server (no
 * slmgr, sc config, net start, w32tm /config or /resync, reg add).
 */
const diagnosis = (build: number, ntpHost = "ntpupdate.tencentyun.com") => [
    PROBE,
    ...services(build),
    `w32tm /stripchart /computer:${ntpHost} /samples:1 /dataonly`,
];
const event = (type: string, id: number) =>
    `eventcreate /L APPLICATION /T ${type} /SO TencentCloudWindowsActivation /ID ${id}`;

/** A run with its calls named as the expectations write them (the probe as PROBE, eventcreate without its long /D). */
interface Run extends RunResult {
    /** The calls as the stand-ins logged them. */
    rawCalls: string[];
}

/**
 * Runs a scenario and checks what holds for every run: no planted tool ran, the JSON line matches the
 * exit code and is in the log, and the run ends as every run ends: a successful one with an
 * INFORMATION event (ID 100), a failed one with the read-only diagnosis and an ERROR event (ID 100 +
 * the exit code), whose description is the result line. Returns the calls before that ending.
 */
function run(s: string, setup: Scenario, args: string[] = [], ntpHost?: string): Run {
    const r = runScript(s, setup, args);
    lastRun = r;
    assert.deepEqual(
        r.calls.filter((c) => c.startsWith("PLANTED")),
        [],
        "a look-alike tool in the working directory was run",
    );
    assert.doesNotMatch(r.stdout, SHARING_VIOLATION, "a redirection found its file held open");
    const named = r.calls.map((c) =>
        isProbe(c) ? PROBE : c.startsWith("eventcreate ") ? c.replace(/ \/D .*$/, "") : c,
    );
    if (args.length > 0 || r.result.exitCode === undefined) {
        return { ...r, calls: named, rawCalls: r.calls };
    }
    assert.equal(r.result.exitCode, r.exitCode, "the JSON line carries the process exit code");
    const code = r.exitCode;
    // A run that found another one's lock writes no file: its result line is in no log.
    const busy = code === EXIT_CODES.busy.code;
    assert.equal(
        r.log.includes(JSON.stringify(r.result)),
        !busy,
        busy ? "a Busy run's result line is in no log" : "the result line is in the log",
    );
    // Exit 2 (too old) and 17 (another run holds the lock) end without a diagnosis.
    const undiagnosed = code === 2 || busy;
    const ending =
        code === 0
            ? [event("INFORMATION", 100)]
            : undiagnosed
              ? [event("ERROR", 100 + code)]
              : [...diagnosis(setup.build, ntpHost), event("ERROR", 100 + code)];
    assert.deepEqual(named.slice(-ending.length), ending, "the run's ending");
    const description = r.calls[r.calls.length - 1].replace(/^eventcreate .* \/D /, "");
    assert.equal(
        description,
        JSON.stringify(r.result).replace(/"/g, "'"),
        "the event's description is the result line",
    );
    assert.equal(r.result.rootCause === "none", code === 0, `rootCause ${String(r.result.rootCause)} for exit ${code}`);
    return { ...r, calls: named.slice(0, -ending.length), rawCalls: r.calls };
}

function assertResult(r: Run, expected: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(expected)) {
        assert.equal(r.result[key], value, `result.${key} in ${JSON.stringify(r.result)}`);
    }
}

describe("activation script under Wine's cmd.exe", () => {
    before(() => prepareBench());
    after(() => {
        stopBench();
        // Runs that Wine failed to start a process in were run again: said here, never hidden.
        if (harnessRetries.length > 0) {
            process.stderr.write(
                `wine bench: ${harnessRetries.length} scenario run(s) repeated after Wine failed to start a process:\n${harnessRetries.join("\n")}\n`,
            );
        }
    });

    scenario("fresh 2012 R2 (Chinese image): clock synced and confirmed, KMS host, one -ato, verified", () => {
        const r = run(script, fresh2012R2);
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assert.equal(r.exitCode, 0);
        assertResult(r, {
            status: "Licensed",
            licenseStatus: 1,
            kmsHost: "kms.tencentyun.com",
            attempts: 1,
            alreadyLicensed: false,
            clockOffsetSeconds: 0,
            osBuild: 9600,
            osVersion: "2012R2",
            edition: "Datacenter",
        });
        assert.equal(r.state["lic.kms"], "kms.tencentyun.com");
        assert.equal(
            r.state["dir.inheritance"],
            "removed",
            "the folder the script created is closed to ordinary users",
        );
        assert.match(r.log, /^\[.+\] start: KMS kms\.tencentyun\.com:1688/);
        assert.match(r.log, /os: build 9600 \(2012R2\), ServerDatacenter/);
        assert.match(r.log, /time: synced, offset 0 s \(try 1\)/);
        assert.match(r.log, /attempt 1\/5: -ato via kms\.tencentyun\.com/);
        assert.match(r.log, /Windows\(R\)\.\.\./, "slmgr's localized (Chinese) text goes to the log");
        assert.doesNotMatch(r.stdout, /Windows\(R\)/, "and not to stdout, whose last line is the JSON result");
        assert.equal(
            readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"),
            undefined,
            "the correction limit, not set before, is removed again after the sync",
        );
        assert.equal(r.state["w32time.limits"], "54000,54000", "and w32time read Windows' default limits again");
        assertResult(r, { timeSource: "ntp" });
        assert.equal(r.sleeps, 0);
    });

    scenario(
        "an NTP server that answers client mode only: the peers carry 0x8, so the first resync gets time data",
        () => {
            const r = run(script, withState(fresh2012R2, { "ntp.clientModeOnly": "yes", "clock.offset": "5000" }));
            assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
            assert.equal(r.state["ntp.peers"], "ntpupdate.tencentyun.com,0x8");
            assertResult(r, { status: "Licensed", clockOffsetSeconds: 0 });
            assert.match(r.log, /time: synced, offset 0 s \(try 1\)/);
            assert.equal(r.sleeps, 0);
        },
    );

    scenario("a fresh 2022 prints exactly the line the mock cloud returns for a successful TAT or SSH run", () => {
        const r = run(script, { ...fresh2012R2, build: 20348, wineVersion: "win10" });
        assert.equal(r.stdout.trim().split(/\r?\n/).pop(), LICENSED_LINE);
    });

    scenario("look-alike tools planted in the working directory are never run", () => {
        const planted = plantedTools();
        assert.ok(
            planted.includes("reg.exe") && planted.includes("find.exe") && planted.includes("cscript.exe"),
            planted.join(","),
        );
        const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.noKms},0` }));
        assert.equal(r.exitCode, 0);
        assert.ok(r.calls.length > 10);
    });

    scenario("already licensed against the configured host: only the status query, exit 0, nothing changed", () => {
        const scenario = withState(fresh2012R2, { "lic.status": "1", "lic.kms": "kms.tencentyun.com" });
        const r = run(script, scenario);
        assert.deepEqual(r.calls, [ICACLS, WMIC]);
        assertResult(r, {
            status: "Licensed",
            exitCode: 0,
            alreadyLicensed: true,
            attempts: 0,
            kmsHost: "kms.tencentyun.com",
            clockOffsetSeconds: null,
        });
        assert.deepEqual(withoutBench(r.state), withoutBench(scenario.state), "nothing changed but the event log");
        assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), undefined);
        assertResult(r, { timeSource: "unchanged" });
    });

    scenario("licensed against the fallback host counts as configured (host compared case-insensitively)", () => {
        const r = run(script, withState(fresh2012R2, { "lic.status": "1", "lic.kms": "KMS1.tencentyun.com" }));
        assert.deepEqual(r.calls, [ICACLS, WMIC]);
        assertResult(r, { status: "Licensed", alreadyLicensed: true, kmsHost: "kms1.tencentyun.com" });
    });

    scenario("licensed against another host: re-pointed and re-activated", () => {
        const r = run(script, withState(fresh2012R2, { "lic.status": "1", "lic.kms": "kms.example.com" }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assertResult(r, { status: "Licensed", alreadyLicensed: false, attempts: 1 });
        assert.equal(r.state["lic.kms"], "kms.tencentyun.com");
    });

    scenario("a KMS host value with batch metacharacters is compared safely and treated as foreign", () => {
        const r = run(
            script,
            withState(fresh2012R2, { "lic.status": "1", "lic.kms": 'kms.tencentyun.com"&echo INJECTED' }),
        );
        assert.doesNotMatch(r.stdout + r.log, /^INJECTED/m);
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assertResult(r, { status: "Licensed", alreadyLicensed: false });
    });

    scenario("an ESU add-on row beside Windows' own: the add-on is never read as Windows' status", () => {
        // Windows stays unlicensed after -ato; the licensed add-on row must not make it look activated.
        const r = run(script, withState(fresh2012R2, { "esu.status": "1", "ato.sets_status": "5" }, {}), []);
        assert.equal(r.exitCode, 13);
        assertResult(r, { status: "NotLicensedAfterActivation", licenseStatus: 5, attempts: 5 });
    });

    scenario("2008 R2 with the SPP Notification Service disabled: enabled, started, then activated", () => {
        const scenario: Scenario = {
            build: 7601,
            editionId: "ServerEnterprise",
            wineVersion: "win2008r2",
            state: {
                "svc.w32time.state": "running",
                "svc.sppuinotify.start": "disabled",
                "svc.sppuinotify.state": "stopped",
                "lic.status": "0",
                "lic.kms": "",
            },
        };
        const r = run(script, scenario);
        assert.deepEqual(r.calls, [
            ICACLS,
            WMIC,
            "sc qc sppuinotify",
            "sc config sppuinotify start= demand",
            "sc query sppuinotify",
            "net start sppuinotify",
            ...TIME_RUNNING,
            SKMS,
            ATO,
            WMIC,
        ]);
        assert.equal(r.state["svc.sppuinotify.start"], "demand");
        assert.equal(r.state["svc.sppuinotify.state"], "running");
        assertResult(r, { status: "Licensed", osVersion: "2008R2", edition: "Enterprise", osBuild: 7601 });
    });

    scenario("2008 R2 whose wmic gives nothing: PowerShell 2.0's Get-WmiObject reads the status", () => {
        const scenario: Scenario = {
            build: 7601,
            editionId: "ServerEnterprise",
            wineVersion: "win2008r2",
            state: {
                "svc.w32time.state": "running",
                "lic.status": "1",
                "lic.kms": "kms.tencentyun.com",
                "wmic.broken": "yes",
                "ps.version": "2",
            },
        };
        const r = run(script, scenario);
        assert.deepEqual(r.calls, [ICACLS, WMIC, PS]);
        assertResult(r, { status: "Licensed", alreadyLicensed: true, osVersion: "2008R2" });
    });

    scenario(
        "WMI not ready at first boot: wmic and PowerShell fail once, the read is tried again after a pause",
        () => {
            const r = run(script, withState(fresh2012R2, { "seq.wmi": "fail,fail" }));
            assert.deepEqual(r.calls, [ICACLS, WMIC, PS, wait(10), WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
            assertResult(r, { status: "Licensed" });
            assert.match(r.log, /status: not readable, try 1/);
        },
    );

    scenario("WMI never answers: transient exit 14 after 3 tries and 2 pauses, nothing changed", () => {
        const r = run(script, {
            build: 26100,
            editionId: "ServerDatacenter",
            noWmic: true,
            state: { "svc.w32time.state": "running", "seq.wmi": "fail,fail,fail" },
        });
        assert.deepEqual(r.calls, [ICACLS, PS, wait(10), PS, wait(10), PS]);
        assert.equal(r.exitCode, 14);
        assertResult(r, { status: "StatusUnavailable", licenseStatus: -1 });
    });

    scenario(
        "w32time stopped: started before the NTP configuration; 'no time data' (exit 0) is retried until the offset is confirmed",
        () => {
            const r = run(
                script,
                withState(fresh2012R2, {
                    "svc.w32time.state": "stopped",
                    "clock.offset": "5000",
                    "seq.resync": "nodata",
                }),
            );
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                "net start w32time",
                DOMAIN,
                W32TM_CONFIG,
                ...SYNC,
                wait(5),
                ...SYNC,
                W32TM_UPDATE,
                SKMS,
                ATO,
                WMIC,
            ]);
            assert.equal(r.state["svc.w32time.state"], "running");
            assert.match(r.log, /time: synced, offset 0 s \(try 2\)/);
            assertResult(r, { status: "Licensed", clockOffsetSeconds: 0 });
        },
    );

    scenario(
        "NTP server unreachable: three confirmations fail, a warning, activation goes on; the offset is reported as unknown",
        () => {
            const r = run(script, withState(fresh2012R2, { "ntp.reachable": "no" }));
            // Never confirmed: the limits are put back at the end of the run all the same.
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                DOMAIN,
                W32TM_CONFIG,
                ...SYNC,
                wait(5),
                ...SYNC,
                wait(5),
                ...SYNC,
                SKMS,
                ATO,
                WMIC,
                W32TM_UPDATE,
            ]);
            assert.match(r.log, /warning: clock not confirmed after 3 tries, offset null s/);
            assertResult(r, { status: "Licensed", clockOffsetSeconds: null });
        },
    );

    scenario(
        "KMS unreachable twice, then success: the clock is resynced and the hosts alternate, back-off doubles",
        () => {
            const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.noKms},${HR.noKms},0` }));
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                ...TIME_RUNNING,
                SKMS,
                ATO,
                ...SYNC,
                SKMS_FALLBACK,
                wait(15),
                ATO,
                ...SYNC,
                SKMS,
                wait(30),
                ATO,
                WMIC,
            ]);
            assertResult(r, {
                status: "Licensed",
                attempts: 3,
                lastErrorCode: Number(HR.noKms),
                errorClass: "kmsUnreachable",
                kmsHost: "kms.tencentyun.com",
            });
            assert.equal(r.sleeps, 2);
        },
    );

    scenario(
        "a clock 5.5 hours off that the KMS reports as 0xC004F074, first sync without data: resynced, then activated",
        () => {
            const r = run(
                script,
                withState(fresh2012R2, {
                    "clock.offset": "20000",
                    "kms.skew_code": HR.noKms,
                    "seq.resync": "nodata,nodata,nodata",
                }),
            );
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                DOMAIN,
                W32TM_CONFIG,
                ...SYNC,
                wait(5),
                ...SYNC,
                wait(5),
                ...SYNC,
                SKMS,
                ATO,
                ...SYNC,
                W32TM_UPDATE,
                SKMS_FALLBACK,
                wait(15),
                ATO,
                WMIC,
            ]);
            assertResult(r, { status: "Licensed", attempts: 2, kmsHost: "kms1.tencentyun.com", clockOffsetSeconds: 0 });
        },
    );

    scenario("clock skew (0xC004F06C): a resync before the next attempt, then success", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.clockSkew},0` }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, ...SYNC, wait(15), ATO, WMIC]);
        assertResult(r, { status: "Licensed", attempts: 2, errorClass: "clockSkew" });
    });

    scenario("primary KMS unreachable on every attempt: the fallback host succeeds", () => {
        const r = run(script, withState(fresh2012R2, { "unreachable.hosts": "kms.tencentyun.com" }));
        assert.deepEqual(r.calls, [
            ICACLS,
            WMIC,
            ...TIME_RUNNING,
            SKMS,
            ATO,
            ...SYNC,
            SKMS_FALLBACK,
            wait(15),
            ATO,
            WMIC,
        ]);
        assertResult(r, { status: "Licensed", kmsHost: "kms1.tencentyun.com", attempts: 2 });
        assert.equal(r.state["lic.kms"], "kms1.tencentyun.com");
    });

    scenario(
        "every attempt unreachable: transient exit 10 after 5 attempts and 4 waits; the server stays on the host it last tried",
        () => {
            const r = run(
                script,
                withState(fresh2012R2, { "unreachable.hosts": "kms.tencentyun.com,kms1.tencentyun.com" }),
            );
            const afterSetup = r.calls.slice(r.calls.indexOf(SKMS));
            assert.deepEqual(afterSetup, [
                SKMS,
                ATO,
                ...SYNC,
                SKMS_FALLBACK,
                wait(15),
                ATO,
                ...SYNC,
                SKMS,
                wait(30),
                ATO,
                ...SYNC,
                SKMS_FALLBACK,
                wait(60),
                ATO,
                ...SYNC,
                SKMS,
                wait(120),
                ATO,
            ]);
            assert.equal(r.exitCode, 10);
            assertResult(r, {
                status: "KmsUnreachable",
                attempts: 5,
                errorClass: "kmsUnreachable",
                kmsHost: "kms.tencentyun.com",
                lastErrorCode: Number(HR.noKms),
            });
            assert.equal(r.state["lic.kms"], "kms.tencentyun.com");
        },
    );

    scenario("a key/SKU error (0xC004F035): no retry, exit 20, the JSON names the error", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.keyNotKms},0` }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO]);
        assert.equal(r.exitCode, 20);
        assertResult(r, {
            status: "KeyRejected",
            lastErrorCode: Number(HR.keyNotKms),
            errorClass: "keyRejected",
            attempts: 1,
            licenseStatus: 5,
        });
    });

    scenario("not elevated: slmgr answers 0xC004F025 to everything; stop at once with exit 3", () => {
        const r = run(script, withState(fresh2012R2, { "proc.elevated": "no" }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO]);
        assert.equal(r.exitCode, 3);
        assertResult(r, {
            status: "AccessDenied",
            errorClass: "accessDenied",
            lastErrorCode: -1073418203,
            attempts: 1,
        });
        assert.match(r.log, /warning: -skms failed: -1073418203/);
    });

    scenario("access denied (0x80070005) on -ato: stop at once with exit 3", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.accessDenied},0` }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO]);
        assertResult(r, { status: "AccessDenied", exitCode: 3, lastErrorCode: Number(HR.accessDenied) });
    });

    scenario("licensing service stopped (0x80070426): sppsvc started, then success after the wait", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": `${HR.serviceStopped},0` }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, ...START_SPPSVC, wait(15), ATO, WMIC]);
        assert.equal(r.state["svc.sppsvc.state"], "running");
        assertResult(r, { status: "Licensed", attempts: 2, errorClass: "serviceStopped" });
    });

    scenario("licensing service disabled (0x80070422): sppsvc set to delayed-auto and started, then success", () => {
        const r = run(script, withState(fresh2012R2, { "svc.sppsvc.start": "disabled" }));
        assert.deepEqual(r.calls, [
            ICACLS,
            WMIC,
            ...TIME_RUNNING,
            SKMS,
            ATO,
            "sc qc sppsvc",
            "sc config sppsvc start= delayed-auto",
            "sc query sppsvc",
            "net start sppsvc",
            wait(15),
            ATO,
            WMIC,
        ]);
        assert.match(r.log, /warning: -skms failed: -2147023838/);
        assertResult(r, { status: "Licensed", attempts: 2, lastErrorCode: -2147023838 });
    });

    scenario("service stopped on every attempt: exit 15 ServiceNotRunning", () => {
        const r = run(
            script,
            withState(fresh2012R2, { "seq.ato": Array(5).fill(HR.serviceStopped).join(",") }, {}),
            [],
        );
        assert.equal(r.calls.filter((c) => c === ATO).length, 5);
        assertResult(r, { status: "ServiceNotRunning", exitCode: 15, errorClass: "serviceStopped" });
    });

    scenario("KMS count too low (0xC004F038) on every attempt: backed off and retried, exit 16", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": Array(5).fill(HR.kmsCountLow).join(",") }));
        assert.deepEqual(r.calls.slice(r.calls.indexOf(SKMS)), [
            SKMS,
            ATO,
            wait(15),
            ATO,
            wait(30),
            ATO,
            wait(60),
            ATO,
            wait(120),
            ATO,
        ]);
        assertResult(r, {
            status: "KmsCountTooLow",
            exitCode: 16,
            errorClass: "kmsCountLow",
            lastErrorCode: Number(HR.kmsCountLow),
        });
    });

    scenario("an unknown HRESULT on every attempt: retried with a capped back-off (1, 2, 4, 8, 8 s), exit 12", () => {
        const r = run(
            render({ maxAttempts: 6, retryDelaySeconds: 1 }),
            withState(fresh2012R2, { "seq.ato": Array(6).fill(HR.unknown).join(",") }),
        );
        assert.deepEqual(r.calls.slice(r.calls.indexOf(SKMS)), [
            SKMS,
            ATO,
            wait(1),
            ATO,
            wait(2),
            ATO,
            wait(4),
            ATO,
            wait(8),
            ATO,
            wait(8),
            ATO,
        ]);
        assertResult(r, {
            status: "RetriesExhausted",
            exitCode: 12,
            errorClass: "unknown",
            lastErrorCode: Number(HR.unknown),
            attempts: 6,
        });
    });

    scenario(
        "-ato reports success but the status stays Unlicensed: exit 13; lastErrorCode keeps the last failure",
        () => {
            const r = run(script, withState(fresh2012R2, { "ato.sets_status": "0", "seq.ato": `${HR.noKms},0` }));
            assert.equal(r.calls.filter((c) => c === ATO).length, 5);
            assert.equal(r.exitCode, 13);
            assertResult(r, {
                status: "NotLicensedAfterActivation",
                licenseStatus: 0,
                errorClass: "unverified",
                lastErrorCode: Number(HR.noKms),
            });
        },
    );

    scenario("a second run after success takes the fast path: one query, no change, no wait", () => {
        const first = run(script, fresh2012R2);
        assert.equal(first.exitCode, 0);
        const second = run(script, { ...fresh2012R2, state: first.state, keepLogs: true });
        assert.deepEqual(second.calls, [WMIC], "the folder exists: no icacls");
        assert.equal(second.sleeps, 0);
        assert.deepEqual(withoutBench(second.state), withoutBench(first.state));
        assertResult(second, { status: "Licensed", alreadyLicensed: true });
        assert.equal(second.log.match(/start: KMS/g)?.length, 2, "the log keeps both runs");
    });

    scenario("2025 without wmic: the status comes from PowerShell's Get-WmiObject", () => {
        const scenario: Scenario = {
            build: 26100,
            editionId: "ServerDatacenter",
            wineVersion: "win10",
            noWmic: true,
            state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" },
        };
        const r = run(script, scenario);
        assert.deepEqual(r.calls, [
            ICACLS,
            PS,
            ...TIME_RUNNING.map((c) => (c === DOMAIN ? PS_DOMAIN : c)),
            SKMS,
            ATO,
            PS,
        ]);
        assertResult(r, { status: "Licensed", osVersion: "2025", osBuild: 26100 });
    });

    scenario("Windows Server 2008 (build 6002) is refused: exit 2, no change", () => {
        const r = run(script, withState(fresh2012R2, {}, { build: 6002 }));
        assert.deepEqual(r.calls, [ICACLS]);
        assert.equal(r.exitCode, 2);
        assertResult(r, { status: "UnsupportedOs", osBuild: 6002 });
    });

    for (const [version, build, editionId, key] of [
        ["2016", 14393, "ServerDatacenter", "CB7KF-BWN84-R7R2Y-793K2-8XDDG"],
        ["2019", 17763, "ServerStandard", "N69G4-B89J2-4G8F4-WWYCC-J464C"],
        ["2022", 20348, "ServerDatacenter", "WX4NM-KYWYW-QJJR4-XV3QB-6VM33"],
    ] as const) {
        scenario(`${version} with installKmsClientKey: the ${editionId} KMS client key, then activation`, () => {
            const r = run(render({ installKmsClientKey: true }), {
                ...fresh2012R2,
                build,
                editionId,
                wineVersion: "win10",
            });
            assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, `slmgr -ipk ${key}`, SKMS, ATO, WMIC]);
            assert.equal(r.state["lic.key"], key);
            assertResult(r, { status: "Licensed", osVersion: version });
        });
    }

    scenario("installKmsClientKey when -ipk is refused for want of elevation: exit 3, not KeyRejected", () => {
        const r = run(render({ installKmsClientKey: true }), withState(fresh2012R2, { "proc.elevated": "no" }));
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, "slmgr -ipk W3GGN-FT8W3-Y4M27-J84CP-Q3VJ9"]);
        assertResult(r, { status: "AccessDenied", exitCode: 3, errorClass: "accessDenied" });
    });

    scenario("installKmsClientKey on an edition with no known key: exit 21 before any -ato", () => {
        const r = run(render({ installKmsClientKey: true }), { ...fresh2012R2, editionId: "ServerWeb" });
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING]);
        assert.equal(r.exitCode, 21);
        assertResult(r, { status: "NoKmsClientKey", edition: "Other" });
    });

    scenario("/check reports the first-boot run's result and changes nothing", () => {
        const previous = '{"activation":"tencentcloud-windows/2","status":"Licensed","exitCode":0}';
        const r = run(script, { ...fresh2012R2, previousResult: previous }, ["/check"]);
        assert.deepEqual(r.calls, []);
        assert.equal(r.exitCode, 0);
        assert.equal(r.stdout.trim().split(/\r?\n/).pop(), previous);
    });

    scenario(
        "the script that user data carries, extracted from the carrier, runs the same; NTP flags pass through",
        () => {
            const options = {
                kmsHost: "10.0.0.53",
                fallbackKmsHosts: [],
                ntpServers: ["10.0.0.123,0x9"],
                maxAttempts: 2,
                retryDelaySeconds: 3,
            };
            const carried = carriedScript(renderUserData({ activationScript: renderActivationScript(options) })!);
            assert.equal(carried, renderActivationScript(options));
            const r = run(
                MUTATION ? render(options) : carried,
                withState(fresh2012R2, { "seq.ato": `${HR.noKms},0` }),
                [],
                "10.0.0.123",
            );
            const sync = ["w32tm /resync /rediscover", "w32tm /stripchart /computer:10.0.0.123 /samples:1 /dataonly"];
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                DOMAIN,
                "w32tm /config /syncfromflags:manual /manualpeerlist:10.0.0.123,0x9 /update",
                ...sync,
                W32TM_UPDATE,
                "slmgr -skms 10.0.0.53:1688",
                ATO,
                ...sync,
                wait(3),
                ATO,
                WMIC,
            ]);
            assertResult(r, { status: "Licensed", kmsHost: "10.0.0.53", attempts: 2 });
        },
    );
    // ---- the read-only diagnosis: each root cause produced by its fault ----

    const unreachable = { "unreachable.hosts": "kms.tencentyun.com,kms1.tencentyun.com" };
    const rootCauseOf = (r: Run) => r.result.rootCause;
    const checksOf = (r: Run) => r.result.checks as Record<string, any>;

    scenario("root cause kmsDns: no KMS host resolves", () => {
        const r = run(
            render({ maxAttempts: 1 }),
            withState(fresh2012R2, {
                ...unreachable,
                "net.kms.tencentyun.com": "nxdomain",
                "net.kms1.tencentyun.com": "nxdomain",
            }),
        );
        assert.equal(rootCauseOf(r), "kmsDns");
        assert.deepEqual(checksOf(r).kmsHosts, [
            { host: "kms.tencentyun.com", resolves: false, port: "skipped" },
            { host: "kms1.tencentyun.com", resolves: false, port: "skipped" },
        ]);
    });

    scenario("root cause kmsPort: the hosts resolve, the port is closed or silent", () => {
        const r = run(
            render({ maxAttempts: 1 }),
            withState(fresh2012R2, {
                ...unreachable,
                "net.kms.tencentyun.com": "closed",
                "net.kms1.tencentyun.com": "timeout",
            }),
        );
        assert.equal(rootCauseOf(r), "kmsPort");
        assert.deepEqual(
            checksOf(r).kmsHosts.map((h: { port: string }) => h.port),
            ["closed", "timeout"],
        );
        assert.equal(checksOf(r).sppsvcExecutable, "ok");
        assert.equal(checksOf(r).channel, "kmsClient");
    });

    scenario("root cause clockSkew: the clock stays 5.5 hours off (every resync fails), the KMS refuses it", () => {
        const failing = Array(4).fill("-2147023436").join(",");
        const r = run(
            render({ maxAttempts: 1 }),
            withState(fresh2012R2, { "clock.offset": "20000", "seq.resync": failing }),
        );
        assert.equal(r.exitCode, 11);
        assert.equal(rootCauseOf(r), "clockSkew");
        assert.equal(checksOf(r).clockOffsetSeconds, 20000);
    });

    scenario("root cause serviceDisabled: sppsvc disabled and no attempt left to repair it", () => {
        const r = run(render({ maxAttempts: 1 }), withState(fresh2012R2, { "svc.sppsvc.start": "disabled" }));
        assert.equal(r.exitCode, 15);
        assert.equal(rootCauseOf(r), "serviceDisabled");
        assert.deepEqual(checksOf(r).services.sppsvc, { start: "disabled", state: "stopped" });
        assert.equal(r.state["svc.sppsvc.start"], "disabled", "the diagnosis changed nothing");
    });

    scenario(
        "root cause sppPermissions: NETWORK SERVICE cannot execute sppsvc.exe (an optimizer changed its ACL)",
        () => {
            const r = run(
                render({ maxAttempts: 1 }),
                withState(fresh2012R2, { "acl.sppsvc": "1179817,0,0,0", "seq.ato": HR.serviceStopped }),
            );
            assert.equal(rootCauseOf(r), "sppPermissions");
            assert.equal(checksOf(r).sppsvcExecutable, "denied");
        },
    );

    scenario("root cause sppPermissions also when a deny entry takes execute away from SYSTEM", () => {
        const r = run(
            render({ maxAttempts: 1 }),
            withState(fresh2012R2, { "acl.sppsvc": "2032127,32,1179817,0", "seq.ato": HR.serviceStopped }),
        );
        assert.equal(rootCauseOf(r), "sppPermissions");
    });

    scenario("root cause notKmsClient: a retail key, refused by the KMS", () => {
        const r = run(
            script,
            withState(fresh2012R2, {
                "lic.description": "Windows(R) Operating System, RETAIL channel",
                "seq.ato": HR.keyNotKms,
            }),
        );
        assert.equal(r.exitCode, 20);
        assert.equal(rootCauseOf(r), "notKmsClient");
        assert.equal(checksOf(r).channel, "retail");
    });

    scenario("root cause keyRejected: a KMS client key that the KMS still refuses", () => {
        const r = run(script, withState(fresh2012R2, { "seq.ato": HR.keyNotKms }));
        assert.equal(rootCauseOf(r), "keyRejected");
    });

    scenario("root cause accessDenied: not elevated", () => {
        const r = run(script, withState(fresh2012R2, { "proc.elevated": "no" }));
        assert.equal(rootCauseOf(r), "accessDenied");
    });

    scenario("root cause wmiUnavailable: no status could be read", () => {
        const r = run(script, {
            build: 26100,
            editionId: "ServerDatacenter",
            noWmic: true,
            state: { "svc.w32time.state": "running", "seq.wmi": "fail,fail,fail" },
        });
        assert.equal(rootCauseOf(r), "wmiUnavailable");
        assert.equal(checksOf(r).channel, "unknown");
        assert.equal(checksOf(r).graceMinutes, null);
    });

    scenario("root cause unknown: an unknown HRESULT while every check passes; the grace period is reported", () => {
        const r = run(
            render({ maxAttempts: 1 }),
            withState(fresh2012R2, { "seq.ato": HR.unknown, "lic.grace": "43200" }),
        );
        assert.equal(rootCauseOf(r), "unknown");
        assert.equal(checksOf(r).graceMinutes, 43200);
    });

    // ---- /diagnose ----

    const diagnoseLine = (r: Run) => JSON.parse(r.stdout.trim().split(/\r?\n/).pop()!);
    const changing = /^(slmgr|net start|sc config|reg add|w32tm \/config|w32tm \/resync|eventcreate)/;

    scenario("/diagnose on a healthy, activated 2012 R2: rootCause none, exit 0, nothing changed, no event", () => {
        const healthy = withState(fresh2012R2, {
            "lic.status": "1",
            "lic.kms": "kms.tencentyun.com",
            "svc.sppsvc.start": "delayed-auto",
            "svc.w32time.start": "auto",
        });
        const r = run(script, healthy, ["/diagnose"]);
        assert.equal(r.exitCode, 0);
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...diagnosis(9600)]);
        const line = diagnoseLine(r);
        assert.equal(line.diagnosis, "tencentcloud-windows/2");
        assert.equal(line.rootCause, "none");
        assert.equal(line.licensedByConfiguredHost, true);
        assert.deepEqual(line.checks.services.sppsvc, { start: "auto", state: "stopped" });
        assert.deepEqual(withoutBench(r.state), withoutBench(healthy.state));
        assert.equal(r.state["event.last"], undefined, "no event");
    });

    scenario("/diagnose on a licensed 2022 prints exactly the line the mock cloud returns for an audit", () => {
        const licensed2022 = {
            build: 20348,
            editionId: "ServerDatacenter",
            wineVersion: "win10",
            state: {
                "svc.w32time.state": "running",
                "lic.status": "1",
                "lic.kms": "kms.tencentyun.com",
                "svc.sppsvc.start": "delayed-auto",
                "svc.w32time.start": "auto",
            },
        };
        const r = run(script, licensed2022, ["/diagnose"]);
        assert.equal(r.stdout.trim().split(/\r?\n/).pop(), HEALTHY_DIAGNOSIS_LINE);
    });

    scenario("/diagnose on 2025 without wmic: the status through PowerShell, the same checks", () => {
        const r = run(
            script,
            {
                build: 26100,
                editionId: "ServerDatacenter",
                noWmic: true,
                state: { "svc.w32time.state": "running", "lic.status": "1", "lic.kms": "kms.tencentyun.com" },
            },
            ["/diagnose"],
        );
        assert.deepEqual(r.calls, [ICACLS, PS, ...diagnosis(26100)]);
        assert.equal(diagnoseLine(r).rootCause, "none");
    });

    scenario("/diagnose on 2008 R2 with PowerShell 2.0: sppuinotify checked, a broken server's cause named", () => {
        const r = run(
            script,
            {
                build: 7601,
                editionId: "ServerEnterprise",
                wineVersion: "win2008r2",
                state: {
                    "svc.w32time.state": "running",
                    "lic.status": "5",
                    "lic.kms": "",
                    "ps.version": "2",
                    "svc.sppuinotify.start": "disabled",
                },
            },
            ["/diagnose"],
        );
        assert.deepEqual(r.calls, [ICACLS, WMIC, ...diagnosis(7601)]);
        assert.deepEqual(
            r.calls.filter((c) => changing.test(c)),
            [],
        );
        const line = diagnoseLine(r);
        assert.equal(line.rootCause, "serviceDisabled");
        assert.deepEqual(line.checks.services.sppuinotify, { start: "disabled", state: "stopped" });
        assert.equal(line.checks.kmsHosts.length, 2, "the probe ran under PowerShell 2.0 rules");
    });

    // ---- a byte-order mark, two runs at once, domain members, the correction limits, VBScript ----

    scenario(
        "PowerShell 2.0 writing a byte-order mark first (TAT's UTF-8 console): the status, the membership and every probe line are read",
        () => {
            const r = run(render({ maxAttempts: 1 }), {
                build: 7601,
                editionId: "ServerEnterprise",
                wineVersion: "win2008r2",
                state: {
                    "svc.w32time.state": "running",
                    "lic.status": "5",
                    "lic.kms": "",
                    "wmic.broken": "yes",
                    "ps.version": "2",
                    "ps.bom": "yes",
                    ...unreachable,
                    "net.kms.tencentyun.com": "nxdomain",
                    "net.kms1.tencentyun.com": "closed",
                },
            });
            assert.equal(r.exitCode, 10);
            assertResult(r, { licenseStatus: 5, rootCause: "kmsPort", timeSource: "ntp" });
            assert.deepEqual(
                checksOf(r).kmsHosts,
                [
                    { host: "kms.tencentyun.com", resolves: false, port: "skipped" },
                    { host: "kms1.tencentyun.com", resolves: true, port: "closed" },
                ],
                "the first host, on the line after the byte-order mark, is not lost",
            );
            assert.equal(checksOf(r).sppsvcExecutable, "ok");
            assert.match(r.log, /domain member: no/);
        },
    );

    const lockAge = (folder: string) =>
        `powershell -NoProfile -NonInteractive -Command exit (10+[Math]::Min(5000,[int](((Get-Date)-(Get-Item -LiteralPath 'C:\\windows\\TencentCloudWindows\\${folder}').LastWriteTime).TotalMinutes)))`;
    const LOCK_AGE = lockAge("activation.lock");
    const staleMinutes = Math.ceil(worstCaseSeconds(DEFAULT_ACTIVATION_SCRIPT_OPTIONS) / 60);

    scenario(
        "two runs at once: the second finds the first's lock, reports Busy (17, transient) and changes nothing; the first ends Licensed",
        async () => {
            const { first, second } = await runTwoAtOnce(script, fresh2012R2);
            lastRun = first;
            assert.deepEqual(
                second.calls.map((c) => c.replace(/ \/D .*$/, "")),
                [LOCK_AGE, event("ERROR", 117)],
                "no status read, no sync, no slmgr, no diagnosis",
            );
            assert.equal(second.exitCode, 17);
            assert.equal(second.result.status, "Busy");
            assert.equal(second.result.rootCause, "busy");
            assert.equal(first.exitCode, 0);
            assert.deepEqual(first.calls.slice(0, -1), [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
            assert.equal(first.result.status, "Licensed");
            assert.ok(first.log.includes(JSON.stringify(first.result)), "the first run's result line is in the log");
            assert.equal(
                readServerFile("result.json").trim(),
                JSON.stringify(first.result),
                "the result file is the first run's, whole",
            );
            assert.equal(serverFileExists("activation.lock"), false, "the first run released its lock");
            assert.equal(serverFileExists("result.json.new"), false);
            // Wine's cmd.exe, like Windows', opens a redirection target without write sharing: a Busy run that
            // redirected into the held run's log would print "Sharing violation." and skip that command.
            assert.doesNotMatch(
                second.stdout,
                SHARING_VIOLATION,
                "the Busy run redirected into no file the held run has open",
            );
            assert.doesNotMatch(first.stdout, SHARING_VIOLATION);
            assert.doesNotMatch(
                second.logs["activation.log"] ?? "",
                /Busy|"status":"Busy"/,
                "the Busy run wrote nothing into the running one's log",
            );
            assert.deepEqual(Object.keys(second.logs), ["activation.log"], "and no log of its own");
        },
    );

    scenario(
        "/diagnose while an activation run holds its lock: its own lock, log and status file; the activation's log and files untouched",
        async () => {
            const { first, second } = await runTwoAtOnce(script, fresh2012R2, ["/diagnose"]);
            lastRun = first;
            assert.doesNotMatch(
                second.stdout + first.stdout,
                SHARING_VIOLATION,
                "neither redirected into a file the other has open",
            );
            const diagnosis = JSON.parse(second.stdout.trim().split(/\r?\n/).pop()!);
            assert.equal(
                diagnosis.licenseStatus,
                5,
                "the status was read: nothing it redirected into was held by the other run",
            );
            assert.equal(diagnosis.rootCause, "none");
            assert.match(second.logs["diagnose.log"], /diagnosis: read-only checks/);
            assert.ok(second.logs["diagnose.log"].includes(JSON.stringify(diagnosis)), "its line in its own log");
            assert.doesNotMatch(
                first.log,
                /diagnosis|"diagnosis"/,
                "nothing of the diagnosis in the activation run's log",
            );
            assert.equal(first.exitCode, 0);
            assert.deepEqual(
                first.calls.slice(0, -1),
                [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC],
                "the activation run did all it does, nothing skipped",
            );
            assert.equal(serverFileExists("diagnose.lock"), false, "the diagnosis released its lock");
            assert.equal(serverFileExists("activation.lock"), false);
        },
    );

    scenario(
        "a newer script version arriving while a run of the older one is held: written to its own file, it finds the lock (Busy); the older run's file is untouched and it ends as it would have",
        async () => {
            const newer = render({ maxAttempts: 3 });
            const file = (s: string) => scriptPath(s).split("\\").pop()!;
            assert.notEqual(file(script), file(newer));
            const { first, second } = await runTwoAtOnce(script, fresh2012R2, [], {
                first: { file: file(script), script },
                second: { file: file(newer), script: newer },
            });
            lastRun = first;
            assert.equal(second.result.status, "Busy");
            assert.equal(
                readServerFile(file(script)),
                script,
                "the running version's file is byte for byte what it was",
            );
            assert.equal(readServerFile(file(newer)), newer);
            assert.equal(first.exitCode, 0);
            assert.deepEqual(first.calls.slice(0, -1), [WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
            assert.equal(first.result.status, "Licensed");
        },
    );

    scenario(
        "/diagnose while another /diagnose holds its lock: a diagnosis line with root cause busy, nothing read, nothing written",
        () => {
            const r = run(script, { ...fresh2012R2, locks: { "diagnose.lock": 1 } }, ["/diagnose"]);
            assert.deepEqual(r.calls, [lockAge("diagnose.lock")]);
            const line = JSON.parse(r.stdout.trim().split(/\r?\n/).pop()!);
            assert.equal(line.rootCause, "busy");
            assert.equal(line.licenseStatus, -1);
            assert.deepEqual(Object.keys(r.logs), [], "no log written");
            assert.equal(serverFileExists("diagnose.lock"), true, "the other run's lock kept");
        },
    );

    scenario("a live lock left by a run in progress: Busy, its result file untouched, its lock kept", () => {
        const previous = '{"activation":"tencentcloud-windows/2","status":"Licensed","exitCode":0}';
        const r = run(script, { ...fresh2012R2, lockAgeMinutes: 5, previousResult: previous });
        assert.deepEqual(r.calls, [LOCK_AGE]);
        assertResult(r, { status: "Busy", exitCode: 17, rootCause: "busy", licenseStatus: -1 });
        assert.equal(readServerFile("result.json").trim(), previous);
        assert.equal(serverFileExists("activation.lock"), true);
    });

    scenario(
        `a stale lock (older than the worst case, ${staleMinutes} min) left by a run that died: cleared, then a normal run`,
        () => {
            const r = run(script, { ...fresh2012R2, lockAgeMinutes: staleMinutes + 1 });
            assert.deepEqual(
                r.calls,
                [LOCK_AGE, LOCK_AGE, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC],
                "the age read again once the breaker is held",
            );
            assertResult(r, { status: "Licensed" });
            assert.match(r.log, new RegExp(`lock: ${staleMinutes + 1} min old: stale, cleared`));
            assert.equal(serverFileExists("activation.lock"), false);
            assert.equal(serverFileExists("activation.lock.break"), false, "the breaker released");
        },
    );

    scenario(
        "a stale lock whose breaker another run holds: that run clears it, this one is Busy and clears nothing",
        () => {
            const r = run(script, {
                ...fresh2012R2,
                lockAgeMinutes: staleMinutes + 1,
                locks: { "activation.lock.break": 1 },
            });
            assert.deepEqual(r.calls, [LOCK_AGE, lockAge("activation.lock.break")]);
            assertResult(r, { status: "Busy", exitCode: 17 });
            assert.equal(serverFileExists("activation.lock"), true);
            assert.equal(serverFileExists("activation.lock.break"), true, "a breaker younger than 10 minutes is kept");
        },
    );

    scenario("a lock whose age cannot be read (no PowerShell): live, whatever its age; Busy, nothing cleared", () => {
        const r = run(script, { ...fresh2012R2, lockAgeMinutes: staleMinutes + 100, noPowerShell: true });
        assert.deepEqual(r.calls, [], "no PowerShell to ask: cmd's 9009 is never read as an age");
        assertResult(r, { status: "Busy", exitCode: 17, rootCause: "busy" });
        assert.equal(serverFileExists("activation.lock"), true);
    });

    scenario(
        "a domain member: its time source is left alone (no w32tm /config, no limits lifted), resynced once, nothing measured against an NTP server it does not use",
        () => {
            const r = run(script, withState(fresh2012R2, { "domain.member": "yes" }));
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                DOMAIN,
                RESYNC,
                SKMS,
                ATO,
                WMIC,
            ]);
            assertResult(r, { status: "Licensed", timeSource: "domain", clockOffsetSeconds: null });
            assert.equal(r.state["ntp.peers"], undefined, "the peers were not touched");
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), undefined);
            assert.match(r.log, /time: domain member: time source left alone, resync only/);
        },
    );

    scenario(
        "the correction limits: a clock 20 hours off is set right with the limits lifted, then they are put back to their values",
        () => {
            const r = run(script, withState(fresh2012R2, { "clock.offset": "72000" }, { phaseLimits: 54000 }));
            assert.deepEqual(r.calls, [ICACLS, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
            assertResult(r, { status: "Licensed", clockOffsetSeconds: 0, timeSource: "ntp" });
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), "0xd2f0");
            assert.equal(readRegistry(W32TIME_KEY, "MaxNegPhaseCorrection"), "0xd2f0");
            assert.equal(r.state["w32time.limits"], "54000,54000", "w32time read the restored limits");
            assert.match(r.log, /time: correction limits restored/);
        },
    );

    scenario(
        "domain membership unknown (WMI answers neither wmic nor PowerShell): treated as a member, the safe case: time source left alone, one resync",
        () => {
            const r = run(script, withState(fresh2012R2, { "seq.wmi": "ok,fail,fail" }));
            assert.deepEqual(r.calls, [
                ICACLS,
                WMIC,
                "sc qc w32time",
                "sc query w32time",
                DOMAIN,
                PS_DOMAIN,
                RESYNC,
                SKMS,
                ATO,
                WMIC,
            ]);
            assertResult(r, { status: "Licensed", timeSource: "unchanged", clockOffsetSeconds: null });
            assert.equal(r.state["ntp.peers"], undefined, "the peers were not touched");
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), undefined, "no limits lifted");
            assert.match(r.log, /time: domain membership unknown: time source left alone, resync only/);
        },
    );

    scenario(
        "correction limits a run that died left lifted: the next run puts back the originals it saved, not the lifted values it finds",
        () => {
            const leftovers = { "clock-limits.txt": "Pos=0xd2f0\r\nNeg=0xa8c0\r\n" };
            const r = run(script, withState(fresh2012R2, {}, { phaseLimits: 0xffffffff, serverFiles: leftovers }));
            assert.deepEqual(
                r.calls,
                [W32TM_UPDATE, WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC],
                "restored before anything else, then a normal run",
            );
            assertResult(r, { status: "Licensed", timeSource: "ntp" });
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), "0xd2f0");
            assert.equal(readRegistry(W32TIME_KEY, "MaxNegPhaseCorrection"), "0xa8c0");
            assert.equal(r.state["w32time.limits"], "54000,43200", "w32time read the originals back");
            assert.equal(serverFileExists("clock-limits.txt"), false, "the saved values are gone once restored");
            assert.match(r.log, /time: limits a dead run left lifted/);
        },
    );

    scenario(
        "limits left lifted where none were set before, on a server already licensed: removed again, and nothing else changed",
        () => {
            const leftovers = { "clock-limits.txt": "Pos=none\r\nNeg=none\r\n" };
            const r = run(
                script,
                withState(
                    fresh2012R2,
                    { "lic.status": "1", "lic.kms": "kms.tencentyun.com" },
                    { phaseLimits: 0xffffffff, serverFiles: leftovers },
                ),
            );
            assert.deepEqual(r.calls, [W32TM_UPDATE, WMIC]);
            assertResult(r, { status: "Licensed", alreadyLicensed: true });
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), undefined);
            assert.equal(readRegistry(W32TIME_KEY, "MaxNegPhaseCorrection"), undefined);
            assert.equal(r.state["w32time.limits"], "54000,54000");
        },
    );

    scenario(
        "the originals are saved in the server folder before the limits are lifted, and gone after they are put back",
        () => {
            // A clock that never confirms: the limits stay lifted until the end of the run, and the file with them.
            const r = run(
                render({ maxAttempts: 1 }),
                withState(
                    fresh2012R2,
                    { "seq.resync": Array(8).fill("-2147023436").join(","), "seq.ato": HR.noKms },
                    { phaseLimits: 54000 },
                ),
            );
            assert.match(r.log, /time: correction limits restored/);
            assert.equal(readRegistry(W32TIME_KEY, "MaxPosPhaseCorrection"), "0xd2f0");
            assert.equal(serverFileExists("clock-limits.txt"), false);
            assert.equal(serverFileExists("clock-limits.txt.new"), false);
        },
    );

    scenario(
        "Windows Script Host turned off by policy (HKLM Enabled = 0): ScriptHostDisabled (23, not transient) before any change, its own root cause",
        () => {
            const r = run(
                script,
                withState(
                    fresh2012R2,
                    {},
                    { registry: [{ key: WSH_KEY("HKLM"), value: "Enabled", type: "REG_DWORD", data: "0" }] },
                ),
            );
            assert.deepEqual(r.calls, [ICACLS, WMIC]);
            assertResult(r, {
                status: "ScriptHostDisabled",
                exitCode: 23,
                rootCause: "scriptHostDisabled",
                attempts: 0,
            });
            assert.equal(checksOf(r).scriptHost, false);
            assert.equal(checksOf(r).vbscript, true);
            assert.equal(r.state["lic.kms"], "", "nothing changed");
        },
    );

    scenario(
        "Windows Script Host turned off in the running account's settings (HKCU, REG_SZ 0): ScriptHostDisabled too; Enabled = 1 leaves it on",
        () => {
            const off = run(
                script,
                withState(
                    fresh2012R2,
                    {},
                    { registry: [{ key: WSH_KEY("HKCU"), value: "Enabled", type: "REG_SZ", data: "0" }] },
                ),
            );
            assertResult(off, { status: "ScriptHostDisabled", rootCause: "scriptHostDisabled" });
            const on = run(
                script,
                withState(
                    fresh2012R2,
                    {},
                    { registry: [{ key: WSH_KEY("HKLM"), value: "Enabled", type: "REG_DWORD", data: "1" }] },
                ),
            );
            assertResult(on, { status: "Licensed" });
        },
    );

    scenario(
        "/check with no result and no run going (the first-boot run never started): NoFirstBootResult (19) after the wait, nothing written",
        () => {
            const r = run(script, fresh2012R2, ["/check"]);
            assert.deepEqual(r.calls, Array(80).fill(wait(15)), "80 waits of 15 s for the run to start");
            assertResult(r, {
                status: "NoFirstBootResult",
                exitCode: 19,
                rootCause: "noFirstBootResult",
                licenseStatus: -1,
                osBuild: 9600,
            });
            assert.equal(r.exitCode, 0);
            assert.deepEqual(Object.keys(r.logs), []);
        },
    );

    scenario(
        "/check while the first-boot run holds its lock: waits for it up to its worst case, then reports FirstBootRunning (18), nothing written",
        () => {
            const quick = render({ maxAttempts: 1, retryDelaySeconds: 1 });
            const stale = Number(quick.match(/set "LOCK_STALE_MINUTES=(\d+)"/)![1]);
            const r = run(quick, { ...fresh2012R2, lockAgeMinutes: 0 }, ["/check"]);
            const rounds = (stale * 60) / 15;
            assert.equal(
                r.calls.filter((c) => c === lockAge("activation.lock")).length,
                rounds + 1,
                `the lock read every 15 s for ${stale} min`,
            );
            assert.equal(r.sleeps, rounds);
            assertResult(r, { status: "FirstBootRunning", exitCode: 18, rootCause: "busy" });
            assert.equal(serverFileExists("activation.lock"), true, "the run's lock untouched");
        },
    );

    scenario("/check finding a dead run's stale lock reports the result that run's predecessor left, at once", () => {
        const previous = '{"activation":"tencentcloud-windows/2","status":"Licensed","exitCode":0}';
        const r = run(script, { ...fresh2012R2, lockAgeMinutes: staleMinutes + 1, previousResult: previous }, [
            "/check",
        ]);
        assert.deepEqual(r.calls, [LOCK_AGE]);
        assert.equal(r.stdout.trim().split(/\r?\n/).pop(), previous);
    });

    scenario(
        "VBScript not installed: VbscriptMissing (22, not transient) before any change, its own root cause",
        () => {
            const r = run(script, withState(fresh2012R2, {}, { noVbscript: true }));
            assert.deepEqual(r.calls, [ICACLS, WMIC]);
            assertResult(r, { status: "VbscriptMissing", exitCode: 22, rootCause: "vbscriptMissing", attempts: 0 });
            assert.equal(checksOf(r).vbscript, false);
            assert.equal(r.state["lic.kms"], "", "nothing changed");
        },
    );

    // ---- the root causes' order: two causes at once, for each pair of neighbours; the first wins ----

    const failingResync = { "seq.resync": Array(8).fill("-2147023436").join(",") };
    const wshDisabled: Partial<Scenario> = {
        registry: [{ key: WSH_KEY("HKLM"), value: "Enabled", type: "REG_DWORD", data: "0" }],
    };
    const retail = { "lic.description": "Windows(R) Operating System, RETAIL channel" };
    const nxdomain = { "net.kms.tencentyun.com": "nxdomain", "net.kms1.tencentyun.com": "nxdomain" };
    /** Two causes present at once on one machine: the first wins; `also` checks the other is still seen. */
    const PAIRS: {
        causes: [string, string];
        script?: string;
        machine: Parameters<typeof run>[1];
        result: Record<string, unknown>;
        also?: (r: ReturnType<typeof run>) => void;
    }[] = [
        {
            causes: ["busy", "unsupportedOs"],
            machine: { ...fresh2012R2, build: 6002, lockAgeMinutes: 1 },
            result: { status: "Busy" },
        },
        {
            // slmgr never runs
            causes: ["unsupportedOs", "accessDenied"],
            machine: withState(fresh2012R2, { "proc.elevated": "no" }, { build: 6002 }),
            result: { status: "UnsupportedOs" },
        },
        {
            // The first read works; the read after a first -ato that claims success fails three times;
            // the second -ato is refused.
            causes: ["accessDenied", "wmiUnavailable"],
            script: render({ maxAttempts: 2, retryDelaySeconds: 1 }),
            machine: withState(fresh2012R2, {
                "seq.ato": `0,${HR.accessDenied}`,
                "seq.wmi": "ok,ok,fail,fail,fail,fail,fail,fail",
            }),
            result: { status: "AccessDenied", licenseStatus: -1 },
        },
        {
            causes: ["wmiUnavailable", "vbscriptMissing"],
            machine: {
                build: 26100,
                editionId: "ServerDatacenter",
                noWmic: true,
                noVbscript: true,
                state: { "svc.w32time.state": "running", "seq.wmi": "fail,fail,fail" },
            },
            result: { status: "StatusUnavailable" },
            also: (r) => assert.equal(checksOf(r).vbscript, false),
        },
        {
            causes: ["vbscriptMissing", "serviceDisabled"],
            machine: withState(fresh2012R2, { "svc.sppsvc.start": "disabled" }, { noVbscript: true }),
            result: { status: "VbscriptMissing" },
            also: (r) => assert.equal(checksOf(r).services.sppsvc.start, "disabled"),
        },
        {
            causes: ["vbscriptMissing", "scriptHostDisabled"],
            machine: withState(fresh2012R2, {}, { noVbscript: true, ...wshDisabled }),
            result: { status: "VbscriptMissing" },
            also: (r) => assert.equal(checksOf(r).scriptHost, false),
        },
        {
            causes: ["scriptHostDisabled", "serviceDisabled"],
            machine: withState(fresh2012R2, { "svc.sppsvc.start": "disabled" }, wshDisabled),
            result: { status: "ScriptHostDisabled" },
            also: (r) => assert.equal(checksOf(r).services.sppsvc.start, "disabled"),
        },
        {
            causes: ["serviceDisabled", "sppPermissions"],
            script: render({ maxAttempts: 1 }),
            machine: withState(fresh2012R2, { "svc.sppsvc.start": "disabled", "acl.sppsvc": "1179817,0,0,0" }),
            result: {},
            also: (r) => assert.equal(checksOf(r).sppsvcExecutable, "denied"),
        },
        {
            causes: ["sppPermissions", "notKmsClient"],
            machine: withState(fresh2012R2, { "acl.sppsvc": "1179817,0,0,0", ...retail, "seq.ato": HR.keyNotKms }),
            result: {},
            also: (r) => assert.equal(checksOf(r).channel, "retail"),
        },
        {
            causes: ["notKmsClient", "kmsDns"],
            script: render({ maxAttempts: 1 }),
            machine: withState(fresh2012R2, { ...unreachable, ...retail, ...nxdomain }),
            result: {},
            also: (r) => assert.ok(checksOf(r).kmsHosts.every((h: { resolves: boolean }) => !h.resolves)),
        },
        // kmsDns (no host resolves) and kmsPort (a host resolves, none connects) exclude each other; each meets clockSkew.
        {
            causes: ["kmsDns", "clockSkew"],
            script: render({ maxAttempts: 1 }),
            machine: withState(fresh2012R2, { "clock.offset": "20000", ...failingResync, ...nxdomain }),
            result: {},
            also: (r) => assert.equal(checksOf(r).clockOffsetSeconds, 20000),
        },
        {
            causes: ["kmsPort", "clockSkew"],
            script: render({ maxAttempts: 1 }),
            machine: withState(fresh2012R2, {
                "clock.offset": "20000",
                ...failingResync,
                "net.kms.tencentyun.com": "closed",
                "net.kms1.tencentyun.com": "timeout",
            }),
            result: {},
            also: (r) => assert.equal(checksOf(r).clockOffsetSeconds, 20000),
        },
        {
            // -ipk is refused (0xC004F050, key invalid) while the clock stays 5.5 hours off.
            causes: ["clockSkew", "keyRejected"],
            script: render({ installKmsClientKey: true }),
            machine: withState(fresh2012R2, { "clock.offset": "20000", ...failingResync, "seq.ipk": "-1073418160" }),
            result: { status: "KeyRejected", errorClass: "keyRejected" },
        },
    ];
    for (const pair of PAIRS) {
        const [first, second] = pair.causes;
        scenario(`causes ${first} and ${second} at once: ${first} wins`, () => {
            const r = run(pair.script ?? script, pair.machine);
            assertResult(r, { ...pair.result, rootCause: first });
            pair.also?.(r);
        });
    }

    // ---- the Application event ----

    scenario("the event: INFORMATION 100 on success, with the result line as its description", () => {
        const r = run(script, fresh2012R2);
        const raw = r.rawCalls[r.rawCalls.length - 1];
        assert.equal(
            raw,
            `eventcreate /L APPLICATION /T INFORMATION /SO TencentCloudWindowsActivation /ID 100 /D ${JSON.stringify(r.result).replace(/"/g, "'")}`,
        );
        assert.equal(
            r.state["event.last"],
            `APPLICATION|INFORMATION|TencentCloudWindowsActivation|100|${JSON.stringify(r.result).replace(/"/g, "'")}`,
        );
    });

    scenario("the event: ERROR 110 when no KMS answered, after the diagnosis", () => {
        const r = run(render({ maxAttempts: 1 }), withState(fresh2012R2, unreachable));
        assert.match(
            r.state["event.last"],
            /^APPLICATION\|ERROR\|TencentCloudWindowsActivation\|110\|\{'activation':'tencentcloud-windows\/2','status':'KmsUnreachable'/,
        );
        assert.match(r.state["event.last"], /'rootCause':'unknown','checks':\{'kmsHosts':\[/);
    });
    test("the harness reports every run it repeated because Wine failed to start a process", (t) => {
        t.diagnostic(
            `runs repeated: ${harnessRetries.length}${harnessRetries.length ? ": " + harnessRetries.join("; ") : ""}`,
        );
        assert.ok(
            harnessRetries.every((r) => r.startsWith("Wine failed to")),
            harnessRetries.join("; "),
        );
    });
});
