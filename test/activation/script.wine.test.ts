/**
 * The activation script executed by Wine's real cmd.exe and cscript.exe against scripted
 * stand-ins for the Windows tools (test/windows/wineBench.ts). Each scenario asserts the exact
 * sequence of tool calls, the exit code, the final JSON line and the log.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { renderUserData } from "../../components/delivery/userData";
import { extractHereStringScript } from "../support/hereString";
import { RunResult, Scenario, prepareBench, readRegistry, runScript, stopBench } from "../windows/wineBench";

const WMIC = "wmic path SoftwareLicensingProduct where ApplicationID='55c92734-d682-4d71-983e-d6ec3f16059f' and PartialProductKey is not null get LicenseStatus,KeyManagementServiceMachine /value";
const W32TM_CONFIG = "w32tm /config /syncfromflags:manual /manualpeerlist:ntpupdate.tencentyun.com /update";
const TIME_RUNNING = ["sc qc w32time", "sc query w32time", W32TM_CONFIG, "w32tm /resync"];
const SKMS = "slmgr -skms kms.tencentyun.com:1688";
const SKMS_FALLBACK = "slmgr -skms kms1.tencentyun.com:1688";
const ATO = "slmgr -ato";
const C004F074 = "-1073418124";
const C004F06C = "-1073418132";
const C004F035 = "-1073418187";

/**
 * A deliberate breakage, `[find, replace]`, applied to every script the scenarios run: set by
 * test/windows/mutate.ts to check that the scenarios notice it. Unset in normal runs.
 */
const MUTATION: [string, string] | undefined = process.env.SCRIPT_MUTATION ? JSON.parse(process.env.SCRIPT_MUTATION) : undefined;

/** renderActivationScript, with the mutation applied when one is set. */
function render(options?: Parameters<typeof renderActivationScript>[0]): string {
    const s = renderActivationScript(options);
    if (MUTATION === undefined) {
        return s;
    }
    if (!s.includes(MUTATION[0])) {
        throw new Error(`the mutation does not apply: ${MUTATION[0]}`);
    }
    return s.split(MUTATION[0]).join(MUTATION[1]);
}

/** A fresh Tencent 2012 R2 Chinese image: w32time running, KMS client in notification state, no KMS host set. */
const fresh2012R2: Scenario = { build: 9600, editionId: "ServerDatacenter", wineVersion: "win81", state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" } };
const script = render();

function withState(base: Scenario, state: Record<string, string>, extra: Partial<Scenario> = {}): Scenario {
    return { ...base, ...extra, state: { ...base.state, ...state } };
}

function assertResult(run: RunResult, expected: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(expected)) {
        assert.equal(run.result[key], value, `result.${key} in ${JSON.stringify(run.result)}`);
    }
    assert.equal(run.result.exitCode, run.exitCode, "the JSON line carries the process exit code");
    assert.ok(run.log.includes(JSON.stringify(run.result)), "the result line is in the log");
}

describe("activation script under Wine's cmd.exe", () => {
    before(() => prepareBench());
    after(() => stopBench());

    test("fresh 2012 R2 (Chinese image): clock, KMS host, one -ato, verified; large clock corrections allowed", () => {
        const run = runScript(script, fresh2012R2);
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assert.equal(run.exitCode, 0);
        assertResult(run, { status: "Licensed", licenseStatus: 1, kmsHost: "kms.tencentyun.com", attempts: 1, alreadyLicensed: false, osBuild: 9600, osVersion: "2012R2", edition: "Datacenter" });
        assert.equal(run.state["lic.kms"], "kms.tencentyun.com");
        assert.match(run.log, /^\[.+\] start: KMS kms\.tencentyun\.com:1688/);
        assert.match(run.log, /os: build 9600 \(2012R2\), Datacenter/);
        assert.match(run.log, /attempt 1\/5: -ato via kms\.tencentyun\.com/);
        assert.match(run.log, /Windows\(R\)\.\.\./, "slmgr's localized (Chinese) text goes to the log");
        assert.doesNotMatch(run.stdout, /Windows\(R\)/, "and not to stdout, whose last line is the JSON result");
        assert.equal(readRegistry("HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config", "MaxPosPhaseCorrection"), "0xffffffff");
        assert.equal(run.sleeps, 0);
    });

    test("already licensed against the configured host: only the status query, exit 0, nothing changed", () => {
        const scenario = withState(fresh2012R2, { "lic.status": "1", "lic.kms": "kms.tencentyun.com" });
        const run = runScript(script, scenario);
        assert.deepEqual(run.calls, [WMIC]);
        assert.equal(run.exitCode, 0);
        assertResult(run, { status: "Licensed", alreadyLicensed: true, attempts: 0, kmsHost: "kms.tencentyun.com" });
        assert.deepEqual(run.state, scenario.state);
        assert.equal(readRegistry("HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config", "MaxPosPhaseCorrection"), undefined);
    });

    test("licensed against the fallback host counts as configured (host compared case-insensitively)", () => {
        const run = runScript(script, withState(fresh2012R2, { "lic.status": "1", "lic.kms": "KMS1.tencentyun.com" }));
        assert.deepEqual(run.calls, [WMIC]);
        assertResult(run, { status: "Licensed", alreadyLicensed: true, kmsHost: "kms1.tencentyun.com" });
    });

    test("licensed against another host: re-pointed and re-activated", () => {
        const run = runScript(script, withState(fresh2012R2, { "lic.status": "1", "lic.kms": "kms.example.com" }));
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assertResult(run, { status: "Licensed", alreadyLicensed: false, attempts: 1 });
        assert.equal(run.state["lic.kms"], "kms.tencentyun.com");
    });

    test("a KMS host value with batch metacharacters is compared safely and treated as foreign", () => {
        const run = runScript(script, withState(fresh2012R2, { "lic.status": "1", "lic.kms": 'kms.tencentyun.com"&echo INJECTED' }));
        assert.doesNotMatch(run.stdout + run.log, /^INJECTED/m);
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO, WMIC]);
        assertResult(run, { status: "Licensed", alreadyLicensed: false });
    });

    test("2008 R2 with the SPP Notification Service disabled: enabled, started, then activated", () => {
        const scenario: Scenario = {
            build: 7601,
            editionId: "ServerEnterprise",
            wineVersion: "win2008r2",
            state: { "svc.w32time.state": "running", "svc.sppuinotify.start": "disabled", "svc.sppuinotify.state": "stopped", "lic.status": "0", "lic.kms": "" },
        };
        const run = runScript(script, scenario);
        assert.deepEqual(run.calls, [
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
        assert.equal(run.state["svc.sppuinotify.start"], "demand");
        assert.equal(run.state["svc.sppuinotify.state"], "running");
        assertResult(run, { status: "Licensed", osVersion: "2008R2", edition: "Enterprise", osBuild: 7601 });
    });

    test("w32time stopped: started before the NTP configuration; 'no time data' is retried", () => {
        const run = runScript(script, withState(fresh2012R2, { "svc.w32time.state": "stopped", "seq.resync": "nodata,ok" }));
        assert.deepEqual(run.calls, [WMIC, "sc qc w32time", "sc query w32time", "net start w32time", W32TM_CONFIG, "w32tm /resync", "ping -n 6 127.0.0.1", "w32tm /resync", SKMS, ATO, WMIC]);
        assert.equal(run.state["svc.w32time.state"], "running");
        assert.match(run.log, /time: resynced \(try 2\)/);
        assertResult(run, { status: "Licensed" });
    });

    test("KMS unreachable twice, then success: hosts alternate, back-off doubles", () => {
        const run = runScript(script, withState(fresh2012R2, { "seq.ato": `${C004F074},${C004F074},0` }));
        assert.deepEqual(run.calls, [
            WMIC, ...TIME_RUNNING, SKMS,
            ATO, SKMS_FALLBACK, "ping -n 16 127.0.0.1",
            ATO, SKMS, "ping -n 31 127.0.0.1",
            ATO, WMIC,
        ]);
        assertResult(run, { status: "Licensed", attempts: 3, lastErrorCode: -1073418124, errorClass: "kmsUnreachable", kmsHost: "kms.tencentyun.com" });
        assert.equal(run.sleeps, 2);
    });

    test("clock skew (0xC004F06C): a resync before the next attempt, then success", () => {
        const run = runScript(script, withState(fresh2012R2, { "seq.ato": `${C004F06C},0` }));
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO, "w32tm /resync", "ping -n 16 127.0.0.1", ATO, WMIC]);
        assertResult(run, { status: "Licensed", attempts: 2, errorClass: "clockSkew" });
    });

    test("primary KMS unreachable on every attempt: the fallback host succeeds", () => {
        const run = runScript(script, withState(fresh2012R2, { "unreachable.hosts": "kms.tencentyun.com" }));
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO, SKMS_FALLBACK, "ping -n 16 127.0.0.1", ATO, WMIC]);
        assertResult(run, { status: "Licensed", kmsHost: "kms1.tencentyun.com", attempts: 2 });
        assert.equal(run.state["lic.kms"], "kms1.tencentyun.com");
    });

    test("a key/SKU error (0xC004F035): no retry, exit 20, the JSON names the error", () => {
        const run = runScript(script, withState(fresh2012R2, { "seq.ato": `${C004F035},0` }));
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, SKMS, ATO]);
        assert.equal(run.exitCode, 20);
        assertResult(run, { status: "KeyRejected", lastErrorCode: -1073418187, errorClass: "keyRejected", attempts: 1, licenseStatus: 5 });
    });

    test("all attempts exhausted: transient exit 10 after 5 attempts and 4 waits, nothing hangs", () => {
        const run = runScript(script, withState(fresh2012R2, { "unreachable.hosts": "kms.tencentyun.com,kms1.tencentyun.com" }));
        assert.equal(run.calls.filter((c) => c === ATO).length, 5);
        assert.deepEqual(
            run.calls.filter((c) => c.startsWith("ping")),
            ["ping -n 16 127.0.0.1", "ping -n 31 127.0.0.1", "ping -n 61 127.0.0.1", "ping -n 121 127.0.0.1"],
        );
        assert.equal(run.exitCode, 10);
        assertResult(run, { status: "KmsUnreachable", attempts: 5, errorClass: "kmsUnreachable" });
    });

    test("-ato reports success but the status stays Unlicensed: not success, exit 13", () => {
        const run = runScript(script, withState(fresh2012R2, { "ato.sets_status": "0" }));
        assert.equal(run.calls.filter((c) => c === ATO).length, 5);
        assert.equal(run.exitCode, 13);
        assertResult(run, { status: "NotLicensedAfterActivation", licenseStatus: 0, errorClass: "unverified" });
    });

    test("a second run after success takes the fast path: one query, no change, no wait", () => {
        const first = runScript(script, fresh2012R2);
        assert.equal(first.exitCode, 0);
        const second = runScript(script, { ...fresh2012R2, state: first.state, keepLogs: true });
        assert.deepEqual(second.calls, [WMIC]);
        assert.equal(second.sleeps, 0);
        assert.deepEqual(second.state, first.state);
        assertResult(second, { status: "Licensed", alreadyLicensed: true });
        assert.equal(second.log.match(/start: KMS/g)?.length, 2, "the log keeps both runs");
    });

    test("2025 without wmic: the status comes from PowerShell's Get-CimInstance", () => {
        const scenario: Scenario = { build: 26100, editionId: "ServerDatacenter", wineVersion: "win10", noWmic: true, state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" } };
        const run = runScript(script, scenario);
        assert.equal(run.calls.length, 8);
        assert.match(run.calls[0], /^powershell -NoP -NonI -EP Bypass -C \$p=Get-CimInstance SoftwareLicensingProduct -F /);
        assert.deepEqual(run.calls.slice(1, 7), [...TIME_RUNNING, SKMS, ATO]);
        assert.equal(run.calls[7], run.calls[0]);
        assert.match(run.log, /status: no wmic, using PowerShell/);
        assertResult(run, { status: "Licensed", osVersion: "2025", osBuild: 26100 });
    });

    test("no wmic and no answer from PowerShell: exit 4, StatusUnavailable", () => {
        const run = runScript(script, { build: 26100, editionId: "ServerDatacenter", noWmic: true, state: { "svc.w32time.state": "running" } });
        assert.equal(run.exitCode, 4);
        assertResult(run, { status: "StatusUnavailable", licenseStatus: -1 });
    });

    test("Windows Server 2008 (build 6002) is refused: exit 2, no change", () => {
        const run = runScript(script, withState(fresh2012R2, {}, { build: 6002 }));
        assert.deepEqual(run.calls, []);
        assert.equal(run.exitCode, 2);
        assertResult(run, { status: "UnsupportedOs", osBuild: 6002 });
    });

    for (const [version, build, editionId, key] of [
        ["2016", 14393, "ServerDatacenter", "CB7KF-BWN84-R7R2Y-793K2-8XDDG"],
        ["2019", 17763, "ServerStandard", "N69G4-B89J2-4G8F4-WWYCC-J464C"],
        ["2022", 20348, "ServerDatacenter", "WX4NM-KYWYW-QJJR4-XV3QB-6VM33"],
    ] as const) {
        test(`${version} with installKmsClientKey: the ${editionId} KMS client key, then activation`, () => {
            const run = runScript(render({ installKmsClientKey: true }), { ...fresh2012R2, build, editionId, wineVersion: "win10" });
            assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING, `slmgr -ipk ${key}`, SKMS, ATO, WMIC]);
            assert.equal(run.state["lic.key"], key);
            assertResult(run, { status: "Licensed", osVersion: version });
        });
    }

    test("installKmsClientKey on an edition with no known key: exit 21 before any -ato", () => {
        const run = runScript(render({ installKmsClientKey: true }), { ...fresh2012R2, editionId: "ServerWeb" });
        assert.deepEqual(run.calls, [WMIC, ...TIME_RUNNING]);
        assert.equal(run.exitCode, 21);
        assertResult(run, { status: "NoKmsClientKey", edition: "Other" });
    });

    test("/check reports the first-boot run's result and changes nothing", () => {
        const previous = '{"activation":"tencentcloud-windows/1","status":"Licensed","exitCode":0}';
        const run = runScript(script, { ...fresh2012R2, previousResult: previous }, ["/check"]);
        assert.deepEqual(run.calls, []);
        assert.equal(run.exitCode, 0);
        assert.equal(run.stdout.trim().split(/\r?\n/).pop(), previous);
    });

    test("the script that user data carries, extracted from the <powershell> block, runs the same", () => {
        const options = { kmsHost: "10.0.0.53", fallbackKmsHosts: [], ntpServers: ["10.0.0.123"], maxAttempts: 2, retryDelaySeconds: 3 };
        const carried = extractHereStringScript(renderUserData({ activationScript: renderActivationScript(options) })!);
        assert.equal(carried, renderActivationScript(options));
        const run = runScript(MUTATION ? render(options) : carried, withState(fresh2012R2, { "seq.ato": `${C004F074},0` }));
        assert.deepEqual(run.calls, [
            WMIC, "sc qc w32time", "sc query w32time", "w32tm /config /syncfromflags:manual /manualpeerlist:10.0.0.123 /update", "w32tm /resync",
            "slmgr -skms 10.0.0.53:1688", ATO, "ping -n 4 127.0.0.1", ATO, WMIC,
        ]);
        assertResult(run, { status: "Licensed", kmsHost: "10.0.0.53", attempts: 2 });
    });
});
