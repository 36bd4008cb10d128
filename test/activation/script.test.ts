import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { EXIT_CODES } from "../../components/activation/exitCodes";
import { KNOWN_HRESULTS } from "../../components/activation/hresults";
import { KMS_CLIENT_KEYS } from "../../components/activation/kmsClientKeys";
import { ROOT_CAUSES } from "../../components/activation/rootCauses";
import { renderActivationScript } from "../../components/activation/script";
import { ACCOUNT_SIDS, probeCommand, serviceSid } from "../../components/activation/scriptDiagnosis";

const script = renderActivationScript();
const lines = script.split("\r\n");
const RESULT_ECHO = "echo %RESULT%";

describe("renderActivationScript", () => {
    test("CRLF line endings only, printable ASCII, ends with a newline", () => {
        assert.ok(script.endsWith("\r\n"));
        assert.doesNotMatch(script.replace(/\r\n/g, ""), /[\r\n]/);
        assert.doesNotMatch(script, /[^\x20-\x7e\r\n]/);
    });

    test("defaults from Tencent's document: KMS host and port 1688, fallback host, NTP server", () => {
        assert.ok(lines.includes('set "KMS_PORT=1688"'));
        assert.ok(lines.includes('set "KMS_HOST_1=kms.tencentyun.com"'));
        assert.ok(lines.includes('set "KMS_HOST_2=kms1.tencentyun.com"'));
        assert.ok(lines.includes('set "KMS_HOST_COUNT=2"'));
        assert.ok(
            lines.includes('set "NTP_PEERS=ntpupdate.tencentyun.com,0x8"'),
            "client mode unless other flags are given",
        );
        assert.ok(lines.includes('set "NTP_HOST=ntpupdate.tencentyun.com"'));
        assert.ok(lines.includes('set "MAX_ATTEMPTS=5"'));
    });

    test("the steps come in order: OS, status and fast path, services and clock, KMS host, -ato, result", () => {
        const order = [
            "call :detect_os",
            "call :read_status",
            'if "%LICENSE_STATUS%%HOST_MATCH%"=="1yes" goto fast_path',
            "if %BUILD% LSS 9200 call :ensure_service sppuinotify demand",
            "call :sync_clock",
            "call :set_kms_host",
            '%SYS%\\cscript.exe //nologo %SYS%\\slmgr.vbs -ato >>"%LOG%" 2>&1',
            "echo %RESULT%",
        ];
        const positions = order.map((l) => lines.indexOf(l));
        assert.ok(
            positions.every((p) => p >= 0),
            `missing: ${order.filter((_, i) => positions[i] < 0)}`,
        );
        assert.deepEqual(
            [...positions].sort((a, b) => a - b),
            positions,
        );
    });

    test("time: w32time started, peers configured with /update, resync confirmed by the measured offset, large corrections allowed while it syncs", () => {
        assert.ok(lines.includes("call :ensure_service w32time auto"));
        assert.ok(
            lines.includes(
                '%SYS%\\w32tm.exe /config /syncfromflags:manual /manualpeerlist:"%NTP_PEERS%" /update >>"%LOG%" 2>&1',
            ),
        );
        assert.ok(lines.includes('%SYS%\\w32tm.exe /resync /rediscover >>"%LOG%" 2>&1'));
        assert.ok(
            lines.includes('if "%CLOCK_SYNCED%"=="true" goto resync_done'),
            "success is the offset, not /resync's exit code",
        );
        assert.ok(lines.includes("if %RESYNC_TRY% GEQ 3 goto resync_failed"));
        assert.ok(lines.includes('if %OFFSET_DIGITS% LSS 300 set "CLOCK_SYNCED=true"'));
        assert.ok(lines.includes('set "W32_KEY=HKLM\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Config"'));
        assert.ok(
            lines.includes(
                'for %%d in (Pos Neg) do %SYS%\\reg.exe add "%W32_KEY%" /v Max%%dPhaseCorrection /t REG_DWORD /d 0xFFFFFFFF /f >>"%LOG%" 2>&1',
            ),
        );
        const restore = 'if "%LIMITS_LIFTED%"=="yes" call :restore_limits';
        assert.ok(
            lines.indexOf(restore, lines.indexOf(":resync_done")) < lines.indexOf(":resync_failed"),
            "put back after a confirmed sync",
        );
        assert.ok(
            lines.indexOf(restore, lines.indexOf(":done")) < lines.indexOf(RESULT_ECHO),
            "and at the end of the run in any case",
        );
    });

    test("a domain member, or a server whose membership is unknown, keeps its time source: membership asked before any w32tm /config, which it skips", () => {
        const sync = lines.slice(lines.indexOf(":sync_clock"), lines.indexOf(":save_limits"));
        assert.ok(sync.indexOf("call :domain_member") < sync.indexOf('if "%DOMAIN_MEMBER%"=="yes" goto sync_domain'));
        assert.equal(
            sync.indexOf('if "%DOMAIN_MEMBER%"=="unknown" goto sync_unknown'),
            sync.indexOf('if "%DOMAIN_MEMBER%"=="yes" goto sync_domain') + 1,
            "unknown is the safe case",
        );
        assert.ok(
            sync.indexOf('if "%DOMAIN_MEMBER%"=="unknown" goto sync_unknown') <
                sync.findIndex((l) => l.includes("w32tm.exe /config")),
        );
        const domain = sync.slice(sync.indexOf(":sync_domain"));
        assert.deepEqual(
            domain.filter((l) => /w32tm\.exe \/config|reg\.exe|:save_limits/.test(l)),
            [],
        );
        const resync = lines.slice(lines.indexOf(":resync_clock"), lines.indexOf(":resync_again"));
        assert.equal(
            resync[1],
            'if not "%TIME_SOURCE%"=="ntp" goto resync_once',
            "no offset measured against an NTP server the domain member does not use",
        );
        assert.ok(script.includes("%SYS%\\wbem\\wmic.exe computersystem get PartOfDomain /value"));
    });

    test("failures of tools that return negative HRESULTs are tested with a string comparison, never 'if errorlevel 1'", () => {
        for (const line of lines.filter((l) => /(w32tm|slmgr)/.test(l) && />>"%LOG%" 2>&1$/.test(l))) {
            const next = lines[lines.indexOf(line) + 1];
            assert.doesNotMatch(next, /errorlevel 1/, `${line} -> ${next}`);
        }
        assert.ok(lines.includes('if not "%errorlevel%"=="0" call :log "warning: -skms failed: %errorlevel%"'));
        assert.ok(lines.includes('if not "%errorlevel%"=="0" call :log "warning: w32tm /config failed: %errorlevel%"'));
    });

    test("the working directory is never searched: it changes to System32 first and every tool is called by full path", () => {
        assert.deepEqual(lines.slice(3, 5), ['set "SYS=%SystemRoot%\\System32"', 'cd /d "%SYS%"']);
        const tools = [
            "reg",
            "find",
            "findstr",
            "sc",
            "net",
            "ping",
            "cscript",
            "wscript",
            "w32tm",
            "wmic",
            "powershell",
            "icacls",
            "eventcreate",
            "timeout",
        ];
        for (const line of lines.map((l) => l.replace(/call :log "[^"]*"/, "call :log MESSAGE"))) {
            for (const t of tools) {
                const bare = new RegExp(`(^|[\\s|('&])${t}(\\.exe)?\\s`, "i");
                assert.doesNotMatch(line, bare, `bare ${t} in: ${line}`);
            }
        }
        assert.ok(script.includes("%SYS%\\wbem\\wmic.exe path SoftwareLicensingProduct"));
        assert.ok(
            script.includes('%SYS%\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -Command "'),
        );
    });

    test("license status: Windows' own row (not an add-on), language-neutrally, wmic then PowerShell 2.0-compatible Get-WmiObject; slmgr text is never parsed", () => {
        assert.ok(
            script.includes(
                "path SoftwareLicensingProduct where \"ApplicationID='55c92734-d682-4d71-983e-d6ec3f16059f' and PartialProductKey is not null and LicenseIsAddon=FALSE\" get Description,GracePeriodRemaining,KeyManagementServiceMachine,LicenseStatus /value",
            ),
        );
        assert.ok(
            script.includes(
                "Get-WmiObject SoftwareLicensingProduct -Filter 'ApplicationID=''55c92734-d682-4d71-983e-d6ec3f16059f'' AND PartialProductKey IS NOT NULL AND LicenseIsAddon=FALSE'",
            ),
        );
        assert.doesNotMatch(script, /Get-CimInstance/, "PowerShell 2.0 (2008 R2) has no CIM cmdlets");
        assert.ok(lines.includes('if "%ROWS%"=="1" exit /b 0'), "more than one row is not used");
        assert.ok(lines.includes("if %STATUS_TRY% GEQ 3 goto read_status_failed"));
        for (const line of lines.filter((l) => l.includes("slmgr.vbs"))) {
            assert.match(line, />>"%LOG%" 2>&1$/, `slmgr output goes only to the log: ${line}`);
        }
        assert.doesNotMatch(script, /findstr/, "Wine's findstr is a stub; find is used instead");
    });

    test("every known HRESULT is classified and every failure class has an end label", () => {
        for (const h of KNOWN_HRESULTS) {
            assert.ok(lines.includes(`set "HR_${h.exitCode}=${h.errorClass}"`), h.hex);
            assert.ok(
                lines.includes(`:end_${h.errorClass}`) || lines.some((l) => l === `:end_${h.errorClass}`),
                h.errorClass,
            );
        }
        for (const cls of ["unknown", "unverified"]) {
            assert.ok(lines.includes(`:end_${cls}`));
        }
        for (const [name, info] of Object.entries(EXIT_CODES).filter(
            ([name]) => !["firstBootRunning", "noFirstBootResult"].includes(name),
        )) {
            const i = lines.indexOf(`:end_${name}`);
            assert.ok(i >= 0, name);
            assert.equal(lines[i + 1], `set "EXIT_CODE=${info.code}" & set "STATUS=${info.status}" & goto done`);
        }
    });

    test("every goto and call target exists", () => {
        const labels = new Set(lines.filter((l) => l.startsWith(":")).map((l) => l.slice(1).toLowerCase()));
        for (const line of lines) {
            for (const m of line.matchAll(/\b(?:goto|call) :?([A-Za-z_]+)(?:%ERROR_CLASS%)?/g)) {
                if (m[1] !== "set" && m[1] !== "eof") {
                    const target = line.includes(`${m[1]}%ERROR_CLASS%`) ? null : m[1].toLowerCase();
                    if (target) {
                        assert.ok(labels.has(target), `${line} -> ${target}`);
                    }
                }
            }
        }
    });

    test("the KMS client key table is only rendered when asked for, and covers every version and edition", () => {
        assert.doesNotMatch(script, /KMS_CLIENT_KEY/);
        const withKeys = renderActivationScript({ installKmsClientKey: true });
        const keyLines = withKeys.split("\r\n").filter((l) => l.includes('set "KEY_'));
        assert.equal(keyLines.length, KMS_CLIENT_KEYS.length, "one line per version");
        for (const v of KMS_CLIENT_KEYS) {
            const line = keyLines.find((l) => l.startsWith(`if "%OS_VERSION%"=="${v.version}" `));
            assert.ok(line !== undefined, v.version);
            for (const [edition, key] of Object.entries(v.keys)) {
                assert.ok(line.includes(`set "KEY_${edition}=${key}"`), `${v.version} ${edition}`);
            }
        }
        assert.ok(
            withKeys.includes('call set "KMS_CLIENT_KEY=%%KEY_%EDITION%%%"'),
            "the edition found picks the key; Other picks none",
        );
        assert.ok(withKeys.includes("call :install_key"));
    });

    test("the OS version of every supported build, from the registry build number", () => {
        const expected: [number, string][] = [
            [7601, "2008R2"],
            [9200, "2012"],
            [9600, "2012R2"],
            [14393, "2016"],
            [17763, "2019"],
            [20348, "2022"],
            [26100, "2025"],
        ];
        const rules = lines
            .map((l) => l.match(/^if %BUILD% GEQ (\d+) set "OS_VERSION=(\w+)"$/))
            .filter((m): m is RegExpMatchArray => m !== null)
            .map((m) => [Number(m[1]), m[2]] as const);
        for (const [build, version] of expected) {
            let result = "unsupported";
            for (const [min, v] of rules) {
                if (build >= min) {
                    result = v;
                }
            }
            assert.equal(result, version, `build ${build}`);
        }
        assert.ok(lines.includes("if %BUILD% LSS 7600 goto end_unsupportedOs"));
    });

    test("options reach the script; one fallback host fewer means one host line fewer", () => {
        const s = renderActivationScript({
            kmsHost: "10.1.2.3",
            kmsPort: 1700,
            fallbackKmsHosts: [],
            ntpServers: ["time1.example.com", "time2.example.com"],
            maxAttempts: 9,
            retryDelaySeconds: 7,
        });
        assert.ok(s.includes('set "KMS_HOST_1=10.1.2.3"\r\n'));
        assert.ok(s.includes('set "KMS_HOST_COUNT=1"'));
        assert.ok(!s.includes("KMS_HOST_2="));
        assert.ok(s.includes('set "KMS_PORT=1700"'));
        assert.ok(s.includes('set "NTP_PEERS=time1.example.com,0x8 time2.example.com,0x8"'));
        assert.ok(s.includes('set "NTP_HOST=time1.example.com"'));
        const flagged = renderActivationScript({ ntpServers: ["10.0.0.1,0x9", "time.example.com"] });
        assert.ok(
            flagged.includes('set "NTP_PEERS=10.0.0.1,0x9 time.example.com,0x8"') &&
                flagged.includes('set "NTP_HOST=10.0.0.1"'),
        );
        assert.ok(
            s.includes('set "MAX_ATTEMPTS=9"') && s.includes('set "DELAY=7"') && s.includes('set "MAX_DELAY=56"'),
        );
    });

    test("bad options are refused before rendering", () => {
        assert.throws(() => renderActivationScript({ kmsHost: "kms&calc" }), /activation\.kmsHost/);
        assert.throws(
            () => renderActivationScript({ fallbackKmsHosts: ["kms.tencentyun.com"] }),
            /activation\.fallbackKmsHosts.*must not repeat kmsHost/,
        );
    });

    test("the diagnosis changes nothing: its lines call no state-changing tool", () => {
        const start = lines.indexOf(":diagnose");
        const end = lines.findIndex((l, i) => i > start && l.startsWith(":") && !l.startsWith(":diagnose"));
        const body = lines.slice(start, end);
        assert.ok(body.length > 40);
        for (const line of body) {
            assert.doesNotMatch(
                line,
                /slmgr|-skms|-ato|-ipk|sc\.exe config|net\.exe start|w32tm\.exe \/config|w32tm\.exe \/resync|reg\.exe add|:ensure_service|:sync_clock|:resync_clock|:set_kms_host/,
                line,
            );
        }
    });

    test("the probe: every configured host and the port, PowerShell 2.0 only, the ACL read as SIDs; the root cause order", () => {
        const probe = probeCommand(["kms.tencentyun.com", "10.0.0.1"], 1700);
        assert.ok(probe.includes("foreach($h in @('kms.tencentyun.com','10.0.0.1'))"));
        assert.ok(
            probe.includes("BeginConnect($h,1700,$null,$null)") &&
                probe.includes("WaitOne(3000,$false)") &&
                probe.includes("$c.EndConnect($r);$p='open'"),
        );
        assert.ok(probe.includes("GetAccessRules($true,$true,[Security.Principal.SecurityIdentifier])"));
        assert.doesNotMatch(
            probe,
            /Get-CimInstance|ConvertTo-Json|Resolve-DnsName|Test-NetConnection|::new\(|\[pscustomobject\]/,
        );
        assert.deepEqual(ACCOUNT_SIDS.NS.slice(-1), ["S-1-5-80-123231216-2592883651-3715271367-3753151631-4175906628"]);
        assert.equal(
            serviceSid("TrustedInstaller"),
            "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
            "the service SID derivation gives Windows' own TrustedInstaller SID",
        );
        const from = lines.indexOf(":diagnose_cause");
        const decision = lines.slice(
            from,
            lines.findIndex((l, i) => i > from && l.startsWith('set "CHECKS={')),
        );
        const order = decision
            .filter((l) => /^if .* set "ROOT_CAUSE=\w+"$/.test(l))
            .map((l) => l.match(/ROOT_CAUSE=(\w+)/)![1])
            .reverse();
        assert.equal(order.length, 11);
        const ranked = Object.keys(ROOT_CAUSES).filter((c) => order.includes(c));
        assert.deepEqual(order, ranked, "the script decides in the documented order");
    });

    test("one Application event per run, before the final line; none for /check or /diagnose", () => {
        const at = lines.findIndex((l) => l.startsWith("%SYS%\\eventcreate.exe "));
        assert.equal(
            lines[at],
            '%SYS%\\eventcreate.exe /L APPLICATION /T %EVENT_TYPE% /SO TencentCloudWindowsActivation /ID %EVENT_ID% /D "%EVENT_TEXT%" >nul 2>&1',
        );
        assert.ok(lines.indexOf("set /a EVENT_ID=100+EXIT_CODE") < at && at < lines.indexOf("echo %RESULT%"));
        assert.equal(lines.filter((l) => l.includes("eventcreate")).length, 1);
    });

    test("the probe's first field is told apart by its last three letters: Windows' for /f keeps a byte-order mark in it", () => {
        // Windows' cmd.exe keeps a UTF-8 BOM as the first characters of the first token of a `for /f`
        // line (Wine 8's drops it, so the Wine bench cannot show this): emulate the two lines that
        // read the token, `set "TAG=%~1"` and the comparison, with %1 as Windows passes it.
        const block = lines.slice(lines.indexOf(":diagnose_line"), lines.indexOf(":diagnose_kms"));
        const expand = (text: string, vars: Record<string, string>) =>
            text.replace(
                /%~?1|%(\w+)(?::~(-?\d+)(?:,(\d+))?)?%/g,
                (_match, name: string | undefined, start?: string, len?: string) => {
                    if (name === undefined) {
                        return vars["1"];
                    }
                    const value = vars[name] ?? "";
                    const from =
                        start === undefined
                            ? 0
                            : Number(start) < 0
                              ? Math.max(0, value.length + Number(start))
                              : Number(start);
                    return value.slice(from, len === undefined ? undefined : from + Number(len));
                },
            );
        const route = (first: string) => {
            const vars: Record<string, string> = { "1": first };
            for (const line of block) {
                const set = /^set "(\w+)=(.*)"$/.exec(line);
                if (set) {
                    vars[set[1]] = expand(set[2], vars);
                }
                const jump = /^if (not )?"(.*)"=="(\w+)" (goto \w+|exit \/b 0)$/.exec(line);
                if (jump && (expand(jump[2], vars) === jump[3]) !== (jump[1] !== undefined)) {
                    return jump[4];
                }
            }
            return "exe";
        };
        assert.equal(route("\u00ef\u00bb\u00bfkms"), "goto diagnose_kms", "a BOM read in an ANSI code page");
        assert.equal(route("\uFEFFkms"), "goto diagnose_kms", "a BOM read as UTF-8");
        assert.equal(route("kms"), "goto diagnose_kms");
        assert.equal(route("\uFEFFexe"), "exe");
        assert.equal(route("other"), "exit /b 0");
    });
});
