import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { parseActivationOutput } from "../../components/activation/result";
import {
    CARRIER_STEPS,
    CLOUDBASE_INIT_RUN_AGAIN,
    CODE_PAGE_STATEMENT,
    OLD_SCRIPT_DAYS,
    PRUNE_STATEMENT,
    SYSTEM_FOLDER_STATEMENT,
    WRITE_NEW_FUNCTION,
    WRITE_STATEMENT,
    carrierFailureLine,
    renderCarrier,
    renderCarrierBody,
    renderCarrierCatch,
    renderFolderCarrierBody,
    scriptPath,
} from "../../components/delivery/carrier";
import { FOLDER_BLOCKED } from "../../components/activation/exitCodes";
import { EXPAND_PACKED_FUNCTION } from "../../components/delivery/packed";
import {
    FOLDER_NOT_OURS,
    FOLDER_STEPS,
    LEGACY_RESULT_STATEMENT,
    renderSecureServerFolder,
} from "../../components/delivery/serverFolder";
import {
    FIRST_BOOT_RUN,
    RUN_STATEMENTS,
    SCRIPT_FROM_LOADER,
    USER_DATA_LIMIT_BYTES,
    firstBootCapacity,
    renderUserData,
    renderUserDataBody,
} from "../../components/delivery/userData";
import { OPENSSH_INSTALL_FAILED, renderOpenSshEnable } from "../../components/delivery/openSsh";
import { ArgumentError } from "../../components/validation";
import { randomBytes } from "node:crypto";
import { PACKED_TEXT, carriedScript, expanded, printedCarrierFailure, userDataBody } from "../support/carrier";

const script = renderActivationScript();

/** The carrier's statements after the folder is secured, one per line: what the bytes go through. */
function statementsAfterFolder(carrier: string): string[] {
    const rest = carrier.slice(carrier.indexOf(renderSecureServerFolder()) + renderSecureServerFolder().length);
    return rest.split("\n").filter(Boolean);
}

describe("PowerShell carrier", () => {
    test("the bytes it writes are renderActivationScript's, for several option sets and both modes", () => {
        for (const options of [
            {},
            { installKmsClientKey: true },
            { kmsHost: "10.0.0.9", fallbackKmsHosts: ["a.example.com", "b.example.com"], ntpServers: ["1.2.3.4"] },
        ]) {
            const s = renderActivationScript(options);
            assert.equal(carriedScript(renderCarrier(s, "userData")), s);
            assert.equal(carriedScript(renderCarrier(s, "report")), s);
        }
    });

    test("the path from the packed literal to the disk: inflate, a file per script version written only when missing or different, never in place, run by full path", () => {
        const carrier = renderCarrier(script, "report");
        const lines = carrier.split("\n");
        assert.equal(lines[0], EXPAND_PACKED_FUNCTION);
        assert.equal(
            EXPAND_PACKED_FUNCTION,
            "function Expand-Packed([string]$t) { $t = $t.Replace('!', '<').Replace('\"', '>'); $q = New-Object IO.MemoryStream; " +
                "for ($i = 0; $i -lt $t.Length; $i += 5) { $v = [int64]0; for ($j = $i; $j -lt $i + 5; $j++) { $v = $v * 85 + [int]$t[$j] - 40 }; $q.Write([BitConverter]::GetBytes([uint32]$v), 0, 4) }; " +
                "$q.Position = 0; $z = New-Object IO.Compression.DeflateStream($q, [IO.Compression.CompressionMode]::Decompress); " +
                "$m = New-Object IO.MemoryStream; $b = New-Object byte[] 4096; while (($n = $z.Read($b, 0, 4096)) -gt 0) { $m.Write($b, 0, $n) }; , $m.ToArray() }",
            "base 85 (5 digits for 4 little-endian bytes), then raw deflate, every byte collected, returned as one array",
        );
        assert.match(lines[1], new RegExp(`^\\$s = \\(Expand-Packed '${PACKED_TEXT}+'\\)$`));
        const after = statementsAfterFolder(carrier);
        assert.deepEqual(after.slice(0, 10), [
            "function Test-Same([string]$Path, [byte[]]$Bytes) { (Test-Path -LiteralPath $Path) -and ([Convert]::ToBase64String([IO.File]::ReadAllBytes($Path)) -eq [Convert]::ToBase64String($Bytes)) }",
            "function Write-New([string]$Path, [byte[]]$Bytes) { $t = $Path + '.' + [Guid]::NewGuid().ToString('N') + '.new'; [IO.File]::WriteAllBytes($t, $Bytes); " +
                "try { if (-not (Test-Same $Path $Bytes)) { [IO.File]::Delete($Path); [IO.File]::Move($t, $Path) } } catch { if (-not (Test-Same $Path $Bytes)) { throw } } finally { [IO.File]::Delete($t) } }",
            "$step = 'writing the script'",
            `$p = '${scriptPath(script)}'`,
            "if (-not (Test-Same $p $s)) { Write-New $p $s }",
            PRUNE_STATEMENT,
            "$step = 'running the script'",
            CODE_PAGE_STATEMENT,
            '& "$sys\\cmd.exe" /c $p',
            "$code = $LASTEXITCODE",
        ]);
        assert.equal(after.slice(0, 2).join("\n"), WRITE_NEW_FUNCTION);
        assert.equal(after[4], WRITE_STATEMENT);
        assert.equal(after[after.length - 1], "exit 0");
        assert.doesNotMatch(
            carrier,
            /WriteAllBytes\(\$p|New-Item|Add-Content|Out-File|>>/,
            "no file in the folder is written in place or appended to",
        );
    });

    test("each script version has a file of its own, so a newer carrier never rewrites the file a run of an older script is executing", () => {
        const other = renderActivationScript({ maxAttempts: 3 });
        assert.match(scriptPath(script), /^C:\\Windows\\TencentCloudWindows\\activate-[0-9a-f]{12}\.cmd$/);
        assert.notEqual(scriptPath(script), scriptPath(other));
        assert.equal(scriptPath(script), scriptPath(renderActivationScript()), "the same script, the same file");
        for (const s of [script, other]) {
            const written = renderCarrier(s, "report")
                .split("\n")
                .filter((l) => l.startsWith("$p = "));
            assert.deepEqual(
                written,
                [`$p = '${scriptPath(s)}'`],
                "the carrier writes and runs only its own version's file",
            );
        }
        // The older versions' files: deleted only when no carrier started them for longer than any run can last.
        assert.equal(OLD_SCRIPT_DAYS, 2);
        assert.ok(
            OLD_SCRIPT_DAYS * 86400 > 86400,
            "longer than TAT's longest timeout (a day), the longest any run lasts",
        );
        assert.ok(
            PRUNE_STATEMENT.startsWith("[IO.File]::SetLastWriteTimeUtc($p, [DateTime]::UtcNow);"),
            "this version's file is marked as started before anything is pruned",
        );
        assert.match(PRUNE_STATEMENT, /\$_\.FullName -ne \$p -and \$_\.LastWriteTimeUtc -lt \$old/);
        assert.match(
            PRUNE_STATEMENT,
            /try \{ \[IO\.File\]::Delete\(\$f\.FullName\) \} catch \{\}/,
            "a file that cannot be deleted is left for next time",
        );
    });

    test("/check on a server set up by 0.3 or earlier: the old folder's result is copied in only when that folder passes the server folder's own test; it is read, never run", () => {
        const check = renderCarrier(script, "report", "/check").split("\n");
        const at = check.indexOf(LEGACY_RESULT_STATEMENT);
        assert.ok(
            at > 0 && at < check.indexOf('& "$sys\\cmd.exe" /c $p /check'),
            "before the script looks for a result",
        );
        assert.ok(at > check.indexOf(WRITE_STATEMENT), "after the server folder is secured");
        assert.ok(
            LEGACY_RESULT_STATEMENT.includes(
                "$d = 'C:\\ProgramData\\TencentCloudWindows'; $trusted = Test-Folder; $d = $new;",
            ),
            "the same test as the server folder's",
        );
        assert.ok(
            LEGACY_RESULT_STATEMENT.includes('if ($trusted) { Write-New "$d\\result.json"'),
            "copied only when trusted, into the server folder",
        );
        assert.ok(
            LEGACY_RESULT_STATEMENT.startsWith('if (-not (Test-Path -LiteralPath "$d\\result.json")'),
            "never over a result of the server folder's own",
        );
        for (const run of ["", "/diagnose"] as const) {
            assert.ok(
                !renderCarrier(script, "report", run).includes("ProgramData"),
                `the ${run || "activation"} carrier never looks at the old folder`,
            );
        }
        assert.ok(!renderCarrier(script, "userData").includes("ProgramData"));
    });

    test("a UTF-8 console (TAT's) is put back on the OEM code page before cmd.exe starts; a process without a console keeps what it has", () => {
        assert.equal(
            CODE_PAGE_STATEMENT,
            "if ([Console]::OutputEncoding.CodePage -eq 65001) { try { [Console]::OutputEncoding = [Text.Encoding]::GetEncoding([Globalization.CultureInfo]::CurrentCulture.TextInfo.OEMCodePage) } catch {} }",
        );
        const lines = renderCarrier(script, "report").split("\n");
        assert.equal(lines.indexOf(CODE_PAGE_STATEMENT) + 1, lines.indexOf('& "$sys\\cmd.exe" /c $p'));
        const firstBoot = renderCarrier(script, "userData");
        assert.ok(
            !firstBoot.includes(CODE_PAGE_STATEMENT) && !firstBoot.includes(PRUNE_STATEMENT),
            "cloudbase-init starts no UTF-8 console, and a first boot has no older version to prune",
        );
    });

    test("a 32-bit PowerShell (TAT agents up to 0.1.16) runs the 64-bit cmd.exe through Sysnative; nothing else names System32", () => {
        const carrier = renderCarrier(script, "report");
        assert.equal(
            SYSTEM_FOLDER_STATEMENT,
            '$sys = "$env:SystemRoot\\System32"; if ([IntPtr]::Size -eq 4 -and (Test-Path -LiteralPath "$env:SystemRoot\\Sysnative")) { $sys = "$env:SystemRoot\\Sysnative" }',
        );
        const lines = carrier.split("\n");
        assert.ok(lines.indexOf(SYSTEM_FOLDER_STATEMENT) < lines.indexOf('& "$sys\\cmd.exe" /c $p'));
        assert.deepEqual(
            lines.filter((l) => l.includes("System32")),
            [SYSTEM_FOLDER_STATEMENT],
            "every tool path goes through $sys",
        );
    });

    test("every step runs inside one try; a failure prints the carrier's own result line (the script's format) and ends as the mode wants", () => {
        const carrier = renderCarrier(script, "report");
        const lines = carrier.split("\n");
        assert.deepEqual(lines.slice(2, 6), [
            "$ErrorActionPreference = 'Stop'",
            SYSTEM_FOLDER_STATEMENT,
            "$step = 'securing the server folder'",
            "try {",
        ]);
        assert.ok(carrier.includes(`try {\n${renderSecureServerFolder()}\n`), "the folder is secured inside the try");
        const [before, after] = carrierFailureLine("\u0000").split("\\u0000");
        const [blockedBefore, blockedAfter] = carrierFailureLine("\u0000", FOLDER_BLOCKED).split("\\u0000");
        assert.equal(
            renderCarrierCatch(0, 0),
            [
                "} catch {",
                "$e = -join @(($step + ': ' + $_).ToCharArray() | ForEach-Object { $c = [int]$_; if ($c -lt 32 -or $c -gt 126 -or $c -eq 34 -or $c -eq 92) { '\\u{0:x4}' -f $c } else { [string]$_ } })",
                `if ($step -eq 'moving an untrusted server folder aside') { [Console]::Out.WriteLine('${blockedBefore}' + $e + '${blockedAfter}'); exit 0 }`,
                `[Console]::Out.WriteLine('${before}' + $e + '${after}')`,
                "exit 0",
                "}",
            ].join("\n"),
        );
        assert.ok(
            carrier.includes(`\n${renderCarrierCatch(0, 0)}\nexit 0`),
            "report mode: exit 0 after the line, so TAT reports SUCCESS",
        );
        assert.ok(
            renderCarrier(script, "userData").includes(
                `\n${renderCarrierCatch(30, CLOUDBASE_INIT_RUN_AGAIN)}\nif ($code`,
            ),
            "user data: exit 30 (not transient: cloudbase-init does not run it again), and 1002 for a blocked folder (run again at next boot)",
        );
        assert.doesNotMatch(before + after, /'/, "the template is a plain single-quoted PowerShell string");
    });

    test("what the catch prints is a result line the parser reads: CarrierFailed, root cause carrier, the step and the error text exactly", () => {
        for (const [step, error] of [
            [CARRIER_STEPS.folder, "Attempted to perform an unauthorized operation."],
            [
                CARRIER_STEPS.write,
                'There is not enough space on the disk. : "C:\\Windows\\TencentCloudWindows\\activate-0123456789ab.cmd.new"',
            ],
            [CARRIER_STEPS.run, "拒绝访问。\r\nline two\ttab"],
            [CARRIER_STEPS.folder, FOLDER_NOT_OURS],
        ]) {
            const line = printedCarrierFailure(renderCarrierCatch(0, 0), `${step}: ${error}`);
            assert.match(line, /^[\x20-\x7e]+$/, "ASCII only, one line");
            const r = parseActivationOutput(
                `moved aside: an untrusted C:\\Windows\\TencentCloudWindows\r\n${line}\r\n`,
            );
            assert.equal(r.status, "CarrierFailed");
            assert.equal(r.exitCode, 30);
            assert.equal(r.rootCause, "carrier");
            assert.equal(r.carrierError, `${step}: ${error}`);
            assert.equal(r.licensed, false);
            assert.equal(r.transient, false);
        }
    });

    test("an untrusted folder that cannot be moved aside (a file in it held open) is FolderBlocked: its own root cause, transient, run again at next boot", () => {
        const error = "The process cannot access the file because it is being used by another process.";
        const line = printedCarrierFailure(renderCarrierCatch(0, 0), `${FOLDER_STEPS.moveAside}: ${error}`);
        const r = parseActivationOutput(`${line}\r\n`);
        assert.equal(r.status, "FolderBlocked");
        assert.equal(r.exitCode, 31);
        assert.equal(r.rootCause, "serverFolderBlocked");
        assert.equal(r.transient, true);
        assert.match(r.rootCauseFix, /next run moves the folder aside/);
        assert.equal(r.carrierError, `${FOLDER_STEPS.moveAside}: ${error}`);
        const folder = renderSecureServerFolder();
        assert.ok(
            folder.includes(
                `{ $step = '${FOLDER_STEPS.moveAside}'; Move-Item -LiteralPath $d -Destination ($d + '.untrusted-' + (Get-Date -Format yyyyMMddHHmmss)); $step = '${FOLDER_STEPS.folder}'; `,
            ),
            "only the move itself runs under the blocked step",
        );
        assert.ok(
            renderCarrierCatch(30, CLOUDBASE_INIT_RUN_AGAIN).includes("); exit 1002 }"),
            "user data: a blocked folder asks cloudbase-init to run it again at next boot",
        );
    });
    test("user data mode re-runs at next boot (1002) only for transient codes 10-19; report mode always exits 0; /check is passed on", () => {
        const ud = renderCarrier(script, "userData");
        assert.ok(
            ud.endsWith(`\nif ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }\nexit $code`),
        );
        const report = renderCarrier(script, "report");
        assert.ok(report.endsWith(`\n$code = $LASTEXITCODE\n${renderCarrierCatch(0, 0)}\nexit 0`));
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

    test("a short loader: Expand-Packed, the statements and the script's bytes packed together, the user's code, and the statements dot-sourced", () => {
        const ud = renderUserData({ activationScript: script, firstBootPowerShell: "x" })!;
        const lines = ud.split("\n");
        assert.equal(lines.length, 7);
        assert.equal(lines[1], EXPAND_PACKED_FUNCTION);
        assert.match(lines[2], new RegExp(`^\\$u = \\(Expand-Packed '${PACKED_TEXT}+'\\)$`));
        assert.match(lines[3], new RegExp(`^\\$f = \\(Expand-Packed '${PACKED_TEXT}+'\\)$`));
        assert.equal(lines[4], RUN_STATEMENTS, "dot-sourced: its functions, variables and exit are the loader's");
        assert.equal(
            RUN_STATEMENTS,
            "$k = [Array]::IndexOf($u, [byte]0); . ([ScriptBlock]::Create([Text.Encoding]::ASCII.GetString($u, 0, $k)))",
            "the statements are the bytes before the NUL",
        );
        assert.equal(userDataBody(ud), renderUserDataBody({ activationScript: script, firstBootPowerShell: "x" }));
        assert.equal(userDataBody(ud).split("\n")[0], SCRIPT_FROM_LOADER);
        assert.equal(
            SCRIPT_FROM_LOADER,
            "$s = New-Object byte[] ($u.Length - $k - 1); [Array]::Copy($u, $k + 1, $s, 0, $s.Length)",
            "the script is every byte after the NUL",
        );
        assert.equal(
            userDataBody(ud),
            [
                SCRIPT_FROM_LOADER,
                renderCarrierBody(
                    script,
                    "userData",
                    "",
                    userDataBody(ud)
                        .split("\n")
                        .find((l) => l.includes("first-boot.done")),
                ),
            ].join("\n"),
            "the body is the user data carrier",
        );
    });

    test("OpenSSH enabling comes before the activation, and alone when delivery is not user data", () => {
        const both = userDataBody(renderUserData({ activationScript: script, enableOpenSsh: true })!);
        assert.ok(both.startsWith(`${SCRIPT_FROM_LOADER}\n${renderOpenSshEnable()}\n`));
        assert.ok(
            renderOpenSshEnable().includes(
                `if (-not $sshd) { try { $null = Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0 -ErrorAction Stop } catch { '${OPENSSH_INSTALL_FAILED}' + $_ } }`,
            ),
            "an install that cannot reach Windows Update or WSUS says so, naming the cause, in cloudbase-init's log",
        );
        assert.ok(both.indexOf("Start-Service -Name sshd") < both.indexOf("Write-New $p $s"));
        const ssh = renderUserData({ enableOpenSsh: true })!;
        assert.equal(userDataBody(ssh), renderOpenSshEnable());
        assert.ok(!userDataBody(ssh).includes("$s = "));
        assert.throws(() => carriedScript(ssh), /carries no script/);
        assert.equal(renderUserData({}), undefined);
    });

    test("the user's first-boot PowerShell: its own script file (UTF-8 with BOM) in the secured folder, its own PowerShell process, after the activation, at most once", () => {
        const own = "Add-Computer -DomainName corp.example -Restart:$false # 域 'quoted' \"x\" @' '@\nexit 1001";
        const ud = renderUserData({ activationScript: script, firstBootPowerShell: own })!;
        assert.equal(carriedScript(ud), script);
        const packedCode = ud.match(new RegExp(`^\\$f = \\(Expand-Packed '(${PACKED_TEXT}+)'\\)$`, "m"))![1];
        assert.deepEqual(
            expanded(packedCode),
            Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(own, "utf8")]),
            "the code arrives exactly, with a BOM so PowerShell 2.0 reads UTF-8",
        );
        const body = userDataBody(ud).split("\n");
        const runner =
            "if (-not (Test-Path -LiteralPath 'C:\\Windows\\TencentCloudWindows\\first-boot.done')) { try { Write-New 'C:\\Windows\\TencentCloudWindows\\first-boot.done' (New-Object byte[] 0); " +
            "Write-New 'C:\\Windows\\TencentCloudWindows\\first-boot.ps1' $f; Set-Location -LiteralPath $sys; " +
            "& \"$sys\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File 'C:\\Windows\\TencentCloudWindows\\first-boot.ps1'; " +
            "'firstBootPowerShell exited ' + $LASTEXITCODE } catch { 'firstBootPowerShell failed: ' + $_ } }";
        const runAt = body.indexOf('& "$sys\\cmd.exe" /c $p');
        const ownAt = body.indexOf(runner);
        assert.ok(runAt > 0 && runAt < ownAt, `activation ${runAt}, own ${ownAt}`);
        assert.deepEqual(
            body.slice(ownAt - 2, ownAt),
            ["exit 30", "}"],
            "right after the carrier's try and catch: it runs only when the carrier did not fail",
        );
        assert.deepEqual(
            body.slice(ownAt + 1),
            [`if ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`, "exit $code"],
            "the carrier's own exit code, whatever the user's code did",
        );
        assert.ok(
            !body.join("\n").includes("[ScriptBlock]::Create"),
            "the user's code is never a script block of the carrier",
        );
        assert.equal(FIRST_BOOT_RUN, runner.match(/& "\$sys.*first-boot\.ps1'/)![0]);
        assert.match(ud, /^[\x20-\x7e\n]+$/, "the user data stays ASCII");
        const alone = renderUserData({ firstBootPowerShell: own })!;
        assert.equal(
            userDataBody(alone),
            renderFolderCarrierBody(runner),
            "without the activation carrier: the folder secured, then the same runner",
        );
        assert.ok(
            renderFolderCarrierBody(runner).endsWith(
                `\n${runner}\n} catch { 'firstBootPowerShell did not run: ' + $step + ': ' + $_ }`,
            ),
        );
    });

    test("the limit is the strict one, on the total, and the error says what is left", () => {
        assert.equal(USER_DATA_LIMIT_BYTES, 12288);
        const base = Buffer.byteLength(renderUserData({ activationScript: script })!);
        const room = firstBootCapacity({ activationScript: script });
        // The script grew by the lock, the domain-member and correction-limit handling and the VBScript check (issue
        // 19), then by the per-mode locks and files, the saved correction limits, /check's wait and the Script Host
        // check (issue 27; base 85 instead of base64 won back 6%): docs/arguments.md gives the figure.
        assert.ok(room > 400, `room ${room}`);
        // Random base64 text deflates to about three quarters of its size (6 bits a character).
        const noise = (n: number) => randomBytes(n).toString("base64").slice(0, n);
        assert.ok(
            Buffer.byteLength(renderUserData({ activationScript: script, firstBootPowerShell: noise(room) })!) <=
                USER_DATA_LIMIT_BYTES,
        );
        assert.ok(
            Buffer.byteLength(
                renderUserData({
                    activationScript: script,
                    firstBootPowerShell: "Write-Output 'hello'\n".repeat(1000),
                })!,
            ) <= USER_DATA_LIMIT_BYTES,
            "20 KB of repetitive PowerShell packs small",
        );
        assert.throws(
            () => renderUserData({ activationScript: script, firstBootPowerShell: noise(2 * room) }),
            (e: unknown) =>
                e instanceof ArgumentError &&
                e.field === "firstBootPowerShell" &&
                e.message.includes(`over Tencent's limit of 12288`) &&
                e.message.includes(`leaves ${USER_DATA_LIMIT_BYTES - base} for your first-boot PowerShell`) &&
                !e.message.includes("xxxx"),
        );
        const rems = Array.from(
            { length: 4000 },
            (_, i) => `rem ${(i * 7919) % 100003} ${(i * 104729) % 99991}\r\n`,
        ).join("");
        assert.throws(
            () => renderUserData({ activationScript: rems }),
            (e: unknown) => e instanceof ArgumentError && e.field === "activation" && /over Tencent's/.test(e.message),
        );
    });
});
