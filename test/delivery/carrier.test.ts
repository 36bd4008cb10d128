import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { parseActivationOutput } from "../../components/activation/result";
import {
    CARRIER_STEPS,
    CLOUDBASE_INIT_RUN_AGAIN,
    SCRIPT_PATH,
    SYSTEM_FOLDER_STATEMENT,
    WRITE_NEW_FUNCTION,
    WRITE_STATEMENT,
    carrierFailureLine,
    renderCarrier,
    renderCarrierBody,
    renderCarrierCatch,
    renderFolderCarrierBody,
} from "../../components/delivery/carrier";
import { EXPAND_PACKED_FUNCTION } from "../../components/delivery/packed";
import { FOLDER_NOT_OURS, renderSecureServerFolder } from "../../components/delivery/serverFolder";
import { FIRST_BOOT_RUN, USER_DATA_LIMIT_BYTES, firstBootCapacity, renderUserData, renderUserDataBody } from "../../components/delivery/userData";
import { OPENSSH_INSTALL_FAILED, renderOpenSshEnable } from "../../components/delivery/openSsh";
import { ArgumentError } from "../../components/validation";
import { randomBytes } from "node:crypto";
import { carriedScript, expanded, printedCarrierFailure, userDataBody } from "../support/carrier";

const script = renderActivationScript();

/** The carrier's statements after the folder is secured, one per line: what the bytes go through. */
function statementsAfterFolder(carrier: string): string[] {
    const rest = carrier.slice(carrier.indexOf(renderSecureServerFolder()) + renderSecureServerFolder().length);
    return rest.split("\n").filter(Boolean);
}

describe("PowerShell carrier", () => {
    test("the bytes it writes are renderActivationScript's, for several option sets and both modes", () => {
        for (const options of [{}, { installKmsClientKey: true }, { kmsHost: "10.0.0.9", fallbackKmsHosts: ["a.example.com", "b.example.com"], ntpServers: ["1.2.3.4"] }]) {
            const s = renderActivationScript(options);
            assert.equal(carriedScript(renderCarrier(s, "userData")), s);
            assert.equal(carriedScript(renderCarrier(s, "report")), s);
        }
    });

    test("the path from the packed literal to the disk: inflate, a new file moved over the old one only when the bytes differ, run by full path", () => {
        const carrier = renderCarrier(script, "report");
        const lines = carrier.split("\n");
        assert.equal(lines[0], EXPAND_PACKED_FUNCTION);
        assert.equal(
            EXPAND_PACKED_FUNCTION,
            "function Expand-Packed([string]$Text) { $z = New-Object IO.Compression.DeflateStream((New-Object IO.MemoryStream(, [Convert]::FromBase64String($Text))), [IO.Compression.CompressionMode]::Decompress); " +
                "$m = New-Object IO.MemoryStream; $buf = New-Object byte[] 4096; while (($n = $z.Read($buf, 0, $buf.Length)) -gt 0) { $m.Write($buf, 0, $n) }; , $m.ToArray() }",
            "raw deflate of the base64 literal, every byte collected, returned as one array",
        );
        assert.match(lines[1], /^\$s = \(Expand-Packed '[A-Za-z0-9+/=]+'\)$/);
        const after = statementsAfterFolder(carrier);
        assert.deepEqual(after.slice(0, 8), [
            "function Write-New([string]$Path, [byte[]]$Bytes) { $t = $Path + '.new'; [IO.File]::Delete($t); [IO.File]::WriteAllBytes($t, $Bytes); [IO.File]::Delete($Path); [IO.File]::Move($t, $Path) }",
            "$step = 'writing the script'",
            `$p = '${SCRIPT_PATH}'`,
            "if (-not (Test-Path -LiteralPath $p) -or [Convert]::ToBase64String([IO.File]::ReadAllBytes($p)) -ne [Convert]::ToBase64String($s)) { Write-New $p $s }",
            "$step = 'running the script'",
            '& "$sys\\cmd.exe" /c $p',
            "$code = $LASTEXITCODE",
            "} catch {",
        ]);
        assert.equal(after[0], WRITE_NEW_FUNCTION);
        assert.equal(after[3], WRITE_STATEMENT);
        assert.equal(after[after.length - 1], "exit 0");
        assert.doesNotMatch(carrier, /WriteAllBytes\(\$p|New-Item|Add-Content|Out-File|>>/, "no file in the folder is written in place or appended to");
        assert.equal(SCRIPT_PATH, "C:\\ProgramData\\TencentCloudWindows\\activate.cmd");
    });

    test("a 32-bit PowerShell (TAT agents up to 0.1.16) runs the 64-bit cmd.exe through Sysnative; nothing else names System32", () => {
        const carrier = renderCarrier(script, "report");
        assert.equal(
            SYSTEM_FOLDER_STATEMENT,
            '$sys = "$env:SystemRoot\\System32"; if ([IntPtr]::Size -eq 4 -and (Test-Path -LiteralPath "$env:SystemRoot\\Sysnative")) { $sys = "$env:SystemRoot\\Sysnative" }',
        );
        const lines = carrier.split("\n");
        assert.ok(lines.indexOf(SYSTEM_FOLDER_STATEMENT) < lines.indexOf('& "$sys\\cmd.exe" /c $p'));
        assert.deepEqual(lines.filter((l) => l.includes("System32")), [SYSTEM_FOLDER_STATEMENT], "every tool path goes through $sys");
    });

    test("every step runs inside one try; a failure prints the carrier's own result line (the script's format) and ends as the mode wants", () => {
        const carrier = renderCarrier(script, "report");
        const lines = carrier.split("\n");
        assert.deepEqual(lines.slice(2, 6), ["$ErrorActionPreference = 'Stop'", SYSTEM_FOLDER_STATEMENT, "$step = 'securing the server folder'", "try {"]);
        assert.ok(carrier.includes(`try {\n${renderSecureServerFolder()}\n`), "the folder is secured inside the try");
        const [before, after] = carrierFailureLine("\u0000").split("\\u0000");
        assert.equal(
            renderCarrierCatch(0),
            [
                "} catch {",
                "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })",
                `[Console]::Out.WriteLine('${before}' + $e + '${after}')`,
                "exit 0",
                "}",
            ].join("\n"),
        );
        assert.ok(carrier.includes(`\n${renderCarrierCatch(0)}\nexit 0`), "report mode: exit 0 after the line, so TAT reports SUCCESS");
        assert.ok(renderCarrier(script, "userData").includes(`\n${renderCarrierCatch(30)}\nif ($code`), "user data: exit 30 (not transient: cloudbase-init does not run it again)");
        assert.doesNotMatch(before + after, /'/, "the template is a plain single-quoted PowerShell string");
    });

    test("what the catch prints is a result line the parser reads: CarrierFailed, root cause carrier, the step and the error text exactly", () => {
        for (const [step, error] of [
            [CARRIER_STEPS.folder, "Attempted to perform an unauthorized operation."],
            [CARRIER_STEPS.write, 'There is not enough space on the disk. : "C:\\ProgramData\\TencentCloudWindows\\activate.cmd.new"'],
            [CARRIER_STEPS.run, "拒绝访问。\r\nline two\ttab"],
            [CARRIER_STEPS.folder, FOLDER_NOT_OURS],
        ]) {
            const line = printedCarrierFailure(renderCarrierCatch(0), `${step}: ${error}`);
            assert.match(line, /^[\x20-\x7e]+$/, "ASCII only, one line");
            const r = parseActivationOutput(`moved aside: an untrusted C:\\ProgramData\\TencentCloudWindows\r\n${line}\r\n`);
            assert.equal(r.status, "CarrierFailed");
            assert.equal(r.exitCode, 30);
            assert.equal(r.rootCause, "carrier");
            assert.equal(r.carrierError, `${step}: ${error}`);
            assert.equal(r.licensed, false);
            assert.equal(r.transient, false);
        }
    });
    test("user data mode re-runs at next boot (1002) only for transient codes 10-19; report mode always exits 0; /check is passed on", () => {
        const ud = renderCarrier(script, "userData");
        assert.ok(ud.endsWith(`\nif ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }\nexit $code`));
        const report = renderCarrier(script, "report");
        assert.ok(report.endsWith(`\n$code = $LASTEXITCODE\n${renderCarrierCatch(0)}\nexit 0`));
        assert.ok(!report.includes("1002"));
        assert.ok(renderCarrier(script, "report", "/check").includes('\n& "$sys\\cmd.exe" /c $p /check\n'));
    });

    test("a script that is not printable ASCII with CRLF line ends is refused; the carrier itself is ASCII", () => {
        assert.throws(() => renderCarrier("echo \u00e4\r\n", "report"), /printable ASCII/);
        assert.throws(() => renderCarrier("echo x\n", "report"), /CRLF/);
        assert.throws(() => renderCarrier("echo x\r", "report"), /CRLF/);
        assert.match(renderCarrier(script, "userData"), /^[\x20-\x7e\n]+$/);
    });
});

describe("user data", () => {
    test("Tencent's <powershell> form, carrying the script, under 16 KB", () => {
        const ud = renderUserData({ activationScript: script })!;
        assert.match(ud, /^<powershell>\n/);
        assert.match(ud, /\n<\/powershell>\n$/);
        assert.equal(carriedScript(ud), script);
        assert.ok(Buffer.byteLength(ud) < USER_DATA_LIMIT_BYTES);
    });

    test("a short loader: Expand-Packed, the script's bytes, the user's code, and the statements packed and dot-sourced", () => {
        const ud = renderUserData({ activationScript: script, firstBootPowerShell: "x" })!;
        const lines = ud.split("\n");
        assert.equal(lines.length, 7);
        assert.equal(lines[1], EXPAND_PACKED_FUNCTION);
        assert.match(lines[2], /^\$s = \(Expand-Packed '[A-Za-z0-9+/=]+'\)$/);
        assert.match(lines[3], /^\$f = \(Expand-Packed '[A-Za-z0-9+/=]+'\)$/);
        assert.match(lines[4], /^\. \(\[ScriptBlock\]::Create\(\[Text\.Encoding\]::ASCII\.GetString\(\(Expand-Packed '[A-Za-z0-9+/=]+'\)\)\)\)$/, "dot-sourced: its functions, variables and exit are the loader's");
        assert.equal(userDataBody(ud), renderUserDataBody({ activationScript: script, firstBootPowerShell: "x" }));
        assert.equal(userDataBody(ud), renderCarrierBody("userData", "", userDataBody(ud).split("\n").find((l) => l.includes("first-boot.done"))), "the body is the user data carrier");
    });

    test("OpenSSH enabling comes before the activation, and alone when delivery is not user data", () => {
        const both = userDataBody(renderUserData({ activationScript: script, enableOpenSsh: true })!);
        assert.ok(both.startsWith(renderOpenSshEnable() + "\n"));
        assert.ok(
            renderOpenSshEnable().includes(`if (-not $sshd) { try { $null = Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 -ErrorAction Stop } catch { '${OPENSSH_INSTALL_FAILED}' + $_ } }`),
            "an install that cannot reach Windows Update or WSUS says so, naming the cause, in cloudbase-init's log",
        );
        assert.ok(both.indexOf("Start-Service -Name sshd") < both.indexOf("Write-New $p $s"));
        const ssh = renderUserData({ enableOpenSsh: true })!;
        assert.equal(userDataBody(ssh), renderOpenSshEnable());
        assert.ok(!ssh.includes("$s = "));
        assert.equal(renderUserData({}), undefined);
    });

    test("the user's first-boot PowerShell: its own script file (UTF-8 with BOM) in the secured folder, its own PowerShell process, after the activation, at most once", () => {
        const own = "Add-Computer -DomainName corp.example -Restart:$false # 域 'quoted' \"x\" @' '@\nexit 1001";
        const ud = renderUserData({ activationScript: script, firstBootPowerShell: own })!;
        assert.equal(carriedScript(ud), script);
        const packedCode = ud.match(/^\$f = \(Expand-Packed '([A-Za-z0-9+/=]+)'\)$/m)![1];
        assert.deepEqual(expanded(packedCode), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(own, "utf8")]), "the code arrives exactly, with a BOM so PowerShell 2.0 reads UTF-8");
        const body = userDataBody(ud).split("\n");
        const runner =
            "if (-not (Test-Path -LiteralPath 'C:\\ProgramData\\TencentCloudWindows\\first-boot.done')) { try { Write-New 'C:\\ProgramData\\TencentCloudWindows\\first-boot.done' (New-Object byte[] 0); " +
            "Write-New 'C:\\ProgramData\\TencentCloudWindows\\first-boot.ps1' $f; Set-Location -LiteralPath $sys; " +
            "& \"$sys\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File 'C:\\ProgramData\\TencentCloudWindows\\first-boot.ps1'; " +
            "'firstBootPowerShell exited ' + $LASTEXITCODE } catch { 'firstBootPowerShell failed: ' + $_ } }";
        const runAt = body.indexOf('& "$sys\\cmd.exe" /c $p');
        const ownAt = body.indexOf(runner);
        assert.ok(runAt > 0 && runAt < ownAt, `activation ${runAt}, own ${ownAt}`);
        assert.deepEqual(body.slice(ownAt - 2, ownAt), ["exit 30", "}"], "right after the carrier's try and catch: it runs only when the carrier did not fail");
        assert.deepEqual(body.slice(ownAt + 1), [`if ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`, "exit $code"], "the carrier's own exit code, whatever the user's code did");
        assert.ok(!body.join("\n").includes("[ScriptBlock]::Create"), "the user's code is never a script block of the carrier");
        assert.equal(FIRST_BOOT_RUN, runner.match(/& "\$sys.*first-boot\.ps1'/)![0]);
        assert.match(ud, /^[\x20-\x7e\n]+$/, "the user data stays ASCII");
        const alone = renderUserData({ firstBootPowerShell: own })!;
        assert.equal(userDataBody(alone), renderFolderCarrierBody(runner), "without the activation carrier: the folder secured, then the same runner");
        assert.ok(renderFolderCarrierBody(runner).endsWith(`\n${runner}\n} catch { 'firstBootPowerShell did not run: ' + $step + ': ' + $_ }`));
    });

    test("the limit is the strict one, on the total, and the error says what is left", () => {
        assert.equal(USER_DATA_LIMIT_BYTES, 12288);
        const base = Buffer.byteLength(renderUserData({ activationScript: script })!);
        const room = firstBootCapacity({ activationScript: script });
        // The script grew by the lock, the domain-member and correction-limit handling and the VBScript check (issue 19).
        assert.ok(room > 1000, `room ${room}`);
        // Random base64 text packs to about three quarters of its size (6 bits a character).
        const noise = (n: number) => randomBytes(n).toString("base64").slice(0, n);
        assert.ok(Buffer.byteLength(renderUserData({ activationScript: script, firstBootPowerShell: noise(room) })!) <= USER_DATA_LIMIT_BYTES);
        assert.ok(Buffer.byteLength(renderUserData({ activationScript: script, firstBootPowerShell: "Write-Output 'hello'\n".repeat(1000) })!) <= USER_DATA_LIMIT_BYTES, "20 KB of repetitive PowerShell packs small");
        assert.throws(
            () => renderUserData({ activationScript: script, firstBootPowerShell: noise(2 * room) }),
            (e: unknown) =>
                e instanceof ArgumentError &&
                e.field === "firstBootPowerShell" &&
                e.message.includes(`over Tencent's limit of 12288`) &&
                e.message.includes(`leaves ${USER_DATA_LIMIT_BYTES - base} for your first-boot PowerShell`) &&
                !e.message.includes("xxxx"),
        );
        const rems = Array.from({ length: 4000 }, (_, i) => `rem ${(i * 7919) % 100003} ${(i * 104729) % 99991}\r\n`).join("");
        assert.throws(() => renderUserData({ activationScript: rems }), (e: unknown) => e instanceof ArgumentError && e.field === "activation" && /over Tencent's/.test(e.message));
    });
});
