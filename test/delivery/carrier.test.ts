import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { CLOUDBASE_INIT_RUN_AGAIN, SCRIPT_PATH, WRITE_STATEMENT, renderCarrier } from "../../components/delivery/carrier";
import { EXPAND_PACKED_FUNCTION } from "../../components/delivery/packed";
import { renderSecureServerFolder } from "../../components/delivery/serverFolder";
import { USER_DATA_LIMIT_BYTES, firstBootCapacity, renderUserData } from "../../components/delivery/userData";
import { ArgumentError } from "../../components/validation";
import { randomBytes } from "node:crypto";
import { carriedScript, expanded } from "../support/carrier";

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

    test("the path from the packed literal to the disk: inflate, WriteAllBytes only when the file differs, run by full path", () => {
        const lines = statementsAfterFolder(renderCarrier(script, "report"));
        assert.equal(lines[0], EXPAND_PACKED_FUNCTION);
        assert.equal(
            EXPAND_PACKED_FUNCTION,
            "function Expand-Packed([string]$Text) { $z = New-Object IO.Compression.DeflateStream((New-Object IO.MemoryStream(, [Convert]::FromBase64String($Text))), [IO.Compression.CompressionMode]::Decompress); " +
                "$m = New-Object IO.MemoryStream; $buf = New-Object byte[] 4096; while (($n = $z.Read($buf, 0, $buf.Length)) -gt 0) { $m.Write($buf, 0, $n) }; , $m.ToArray() }",
            "raw deflate of the base64 literal, every byte collected, returned as one array",
        );
        assert.match(lines[1], /^\$s = \(Expand-Packed '[A-Za-z0-9+/=]+'\)$/);
        assert.deepEqual(lines.slice(2), [
            `$p = '${SCRIPT_PATH}'`,
            "if (-not (Test-Path -LiteralPath $p) -or [Convert]::ToBase64String([IO.File]::ReadAllBytes($p)) -ne [Convert]::ToBase64String($s)) { [IO.File]::WriteAllBytes($p, $s) }",
            '& "$env:SystemRoot\\System32\\cmd.exe" /c $p',
            "$code = $LASTEXITCODE",
            "exit 0",
        ]);
        assert.equal(lines[3], WRITE_STATEMENT);
        assert.equal(SCRIPT_PATH, "C:\\ProgramData\\TencentCloudWindows\\activate.cmd");
    });

    test("the folder is secured first: untrusted owners or reparse points moved aside, SYSTEM and Administrators only, inheritance cut", () => {
        const carrier = renderCarrier(script, "userData");
        const folder = renderSecureServerFolder();
        assert.ok(carrier.startsWith(`$ErrorActionPreference = 'Stop'\n${folder}\n`), "nothing is written before the folder is secured");
        assert.ok(folder.includes("$d = 'C:\\ProgramData\\TencentCloudWindows'"));
        assert.ok(folder.includes("New-Object Security.Principal.SecurityIdentifier 'S-1-5-18'") && folder.includes("New-Object Security.Principal.SecurityIdentifier 'S-1-5-32-544'"));
        assert.ok(folder.includes("if ($i.Attributes -band [IO.FileAttributes]::ReparsePoint) { return $false }"), "a junction is never trusted");
        assert.ok(folder.includes("Rename-Item -LiteralPath $d -NewName ('TencentCloudWindows.untrusted-'"), "an untrusted folder is moved aside, not deleted");
        assert.ok(folder.includes("$acl.SetAccessRuleProtection($true, $false)"), "inheritance from ProgramData is cut, inherited entries dropped");
        assert.ok(folder.includes("foreach ($w in $sy, $ad) { $acl.AddAccessRule((New-Object Security.AccessControl.FileSystemAccessRule($w, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow'))) }"));
        assert.ok(folder.includes("[IO.Directory]::SetAccessControl($d, $acl)"));
        assert.doesNotMatch(folder, /Users|Everyone|S-1-5-32-545|S-1-1-0|Get-CimInstance|::new\(/, "no other account, nothing PowerShell 2.0 lacks");
    });

    test("user data mode re-runs at next boot (1002) only for transient codes 10-19; report mode always exits 0; /check is passed on", () => {
        const ud = renderCarrier(script, "userData");
        assert.ok(ud.endsWith(`\nif ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }\nexit $code`));
        const report = renderCarrier(script, "report");
        assert.ok(report.endsWith("\n$code = $LASTEXITCODE\nexit 0"));
        assert.ok(!report.includes("1002"));
        assert.ok(renderCarrier(script, "report", "/check").includes('\n& "$env:SystemRoot\\System32\\cmd.exe" /c $p /check\n'));
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

    test("OpenSSH enabling comes before the activation, and alone when delivery is not user data", () => {
        const both = renderUserData({ activationScript: script, enableOpenSsh: true })!;
        assert.ok(both.indexOf("Start-Service -Name sshd") < both.indexOf("FromBase64String"));
        const ssh = renderUserData({ enableOpenSsh: true })!;
        assert.ok(ssh.includes("Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0"));
        assert.ok(!ssh.includes("FromBase64String"));
        assert.equal(renderUserData({}), undefined);
    });

    test("the user's first-boot PowerShell runs after the activation, once, from base64 of its UTF-8 text; the batch is still byte-identical", () => {
        const own = "Add-Computer -DomainName corp.example -Restart:$false # 域 'quoted' \"x\" @' '@";
        const ud = renderUserData({ activationScript: script, firstBootPowerShell: own })!;
        assert.equal(carriedScript(ud), script);
        const lines = ud.split("\n");
        const runAt = lines.indexOf('& "$env:SystemRoot\\System32\\cmd.exe" /c $p');
        const ownAt = lines.findIndex((l) => l.includes("[ScriptBlock]::Create"));
        const exitAt = lines.indexOf("exit $code");
        assert.ok(runAt > 0 && runAt < ownAt && ownAt < exitAt, `activation ${runAt}, own ${ownAt}, exit ${exitAt}`);
        const packedCode = lines[ownAt].match(/Expand-Packed '([A-Za-z0-9+/=]+)'/)![1];
        assert.equal(expanded(packedCode).toString("utf8"), own, "the code arrives exactly");
        assert.equal(
            lines[ownAt],
            `if (-not (Test-Path -LiteralPath 'C:\\ProgramData\\TencentCloudWindows\\first-boot.done')) { try { & ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString((Expand-Packed '${packedCode}')))); $null = New-Item -ItemType File -Path 'C:\\ProgramData\\TencentCloudWindows\\first-boot.done' -Force } catch { 'firstBootPowerShell failed: ' + $_ } }`,
        );
        assert.match(ud, /^[\x20-\x7e\n]+$/, "the user data stays ASCII");
        const alone = renderUserData({ firstBootPowerShell: own })!;
        assert.ok(!alone.includes("first-boot.done") && alone.includes("[ScriptBlock]::Create"), "without the activation carrier it simply runs once");
        assert.ok(alone.indexOf(EXPAND_PACKED_FUNCTION) > 0 && alone.indexOf(EXPAND_PACKED_FUNCTION) < alone.indexOf("[ScriptBlock]::Create"), "with its own Expand-Packed");
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
