import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { SCRIPT_RUNS, renderScriptRunCarrier } from "../../components/delivery/activationCommand";
import { renderOpenSshEnable } from "../../components/delivery/openSsh";
import { SSH_RUN_COMMAND } from "../../components/delivery/ssh";
import { renderUserData } from "../../components/delivery/userData";
import { ArgumentError } from "../../components/validation";
import { userDataAsRun } from "../support/carrier";
import { powershellInBatch, ps2Violations, readPs2Table, uses } from "../support/powershell2";

const scripts = [
    renderActivationScript(),
    renderActivationScript({
        installKmsClientKey: true,
        kmsHost: "10.0.0.9",
        fallbackKmsHosts: ["a.example.com"],
        kmsPort: 1700,
    }),
];

/** What `render` returns, or undefined when it refuses the combination (an ArgumentError). */
function renderedOrRefused(render: () => string | undefined): string | undefined {
    try {
        return render();
    } catch (e) {
        if (e instanceof ArgumentError) {
            return undefined;
        }
        throw e;
    }
}

/** Every PowerShell text the library renders, as it runs, and whether it runs only on Windows Server 2019 and later. */
function libraryPowerShell(): { name: string; text: string; server2019: boolean }[] {
    const texts: { name: string; text: string; server2019: boolean }[] = [];
    for (const [i, script] of scripts.entries()) {
        // Every TAT command's carrier: activate (also the SSH carrier),
        // /check, and /diagnose (WindowsActivation's audit mode).
        for (const run of SCRIPT_RUNS) {
            texts.push({
                name: `TAT ${run} carrier ${i}`,
                text: renderScriptRunCarrier(script, run),
                server2019: false,
            });
        }
        // The batch script's powershell.exe calls (status fallback,
        // diagnosis probe), with the KMS port cmd.exe puts in.
        for (const [j, text] of powershellInBatch(script.replace(/%KMS_PORT%/g, "1688")).entries()) {
            texts.push({ name: `batch ${i} call ${j}`, text, server2019: false });
        }
        for (const enableOpenSsh of [false, true]) {
            for (const firstBootPowerShell of [undefined, "exit 1001"]) {
                // A combination over Tencent's size limit is refused before any resource exists: it never runs.
                const ud = renderedOrRefused(() =>
                    renderUserData({ activationScript: script, enableOpenSsh, firstBootPowerShell }),
                );
                if (ud !== undefined) {
                    texts.push({
                        name: `user data ${i} ssh=${enableOpenSsh} own=${firstBootPowerShell !== undefined}`,
                        text: userDataAsRun(ud),
                        server2019: enableOpenSsh,
                    });
                }
            }
        }
    }
    texts.push({
        name: "user data, first-boot code only",
        text: userDataAsRun(renderUserData({ firstBootPowerShell: "Write-Output 1" })!),
        server2019: false,
    });
    texts.push({
        name: "user data, OpenSSH only",
        text: userDataAsRun(renderUserData({ enableOpenSsh: true })!),
        server2019: true,
    });
    texts.push(
        ...powershellInBatch(SSH_RUN_COMMAND).map((text) => ({ name: "SSH run command", text, server2019: true })),
    );
    return texts;
}

describe("static PowerShell 2.0 check", () => {
    const texts = libraryPowerShell();

    test("everything the library renders uses only what POWERSHELL2.md lists (2.0 everywhere, 2019 cmdlets in the OpenSSH user data only)", () => {
        for (const { name, text, server2019 } of texts) {
            assert.deepEqual(ps2Violations(text, readPs2Table({ server2019 })), [], name);
        }
    });

    test("every run of a TAT command is checked, the audit's /diagnose included", () => {
        for (const run of ["activate", "check", "diagnose"]) {
            assert.ok(
                texts.some((t) => t.name.startsWith(`TAT ${run} carrier`)),
                run,
            );
        }
        assert.ok(
            texts.some((t) => t.text.includes("/c $p /diagnose")),
            "the audit carrier runs the script with /diagnose",
        );
    });

    test("the extraction reaches every emitter: carriers, loader, first-boot runner, status fallback, probe, OpenSSH, SSH command", () => {
        const all = texts.flatMap((t) => uses(t.text));
        const has = (kind: string, name: string) =>
            all.some((u) => u.kind === kind && u.name.toLowerCase() === name.toLowerCase());
        assert.ok(has("static member", "SetAccessControl"), "the folder securing");
        assert.ok(has("static member", "Create"), "the loader's dot-sourced body");
        assert.ok(
            has("command", "powershell.exe") && has("switch", "File"),
            "the first-boot runner and the SSH command",
        );
        assert.ok(has("cmdlet", "Get-WmiObject"), "the status fallback");
        assert.ok(has("static member", "GetHostAddresses") && has("cmdlet", "Get-Acl"), "the diagnosis probe");
        assert.ok(has("cmdlet", "Add-WindowsCapability"), "the OpenSSH user data");
        assert.ok(has("instance member", "WriteLine"), "the carrier's own result line");
        for (const script of scripts) {
            const calls = (script.match(/powershell\.exe -/g) ?? []).length;
            assert.ok(calls >= 2, "the status fallback and the probe");
            assert.equal(
                powershellInBatch(script).filter((t) => t.startsWith("& 'powershell.exe'")).length,
                calls,
                "every powershell.exe call of the batch script is read",
            );
        }
    });

    test("every row of the table is used (the table lists what the library emits)", () => {
        const all = texts.flatMap((t) => uses(t.text));
        const table = readPs2Table({ server2019: true });
        for (const cmdlet of table.cmdlets.keys()) {
            assert.ok(
                all.some((u) => u.kind === "cmdlet" && u.name.toLowerCase() === cmdlet),
                cmdlet,
            );
        }
        for (const sw of table.switches) {
            assert.ok(
                all.some((u) => u.kind === "switch" && u.name.toLowerCase() === sw),
                sw,
            );
        }
    });

    test("it fails on what PowerShell 2.0 lacks: Rename-Item -LiteralPath, -EP, ::new(), 3.0 cmdlets, operators and variables", () => {
        const cases: [string, string][] = [
            ["if ($bad) { Rename-Item -LiteralPath $d -NewName 'x' }", "parameter rename-item -LiteralPath"],
            ["& 'powershell.exe' -NoP -NonI -EP Bypass -C ''", "switch -EP"],
            ["$s = [Text.StringBuilder]::new()", "type Text.StringBuilder"],
            ["$c = [IO.File]::new()", "static member IO.File new"],
            ["Get-CimInstance Win32_OperatingSystem", "cmdlet get-ciminstance"],
            ["$x = 'a' | ConvertTo-Json", "cmdlet convertto-json"],
            ["if (1 -in @(1)) { 1 }", "operator -in"],
            ["@(1) | ForEach-Object { $PSItem }", "variable PSItem"],
            ["$a = @(1).Where({ $_ })", "instance member Where"],
            ["[ordered]@{}", "type ordered"],
        ];
        for (const [text, expected] of cases) {
            assert.ok(ps2Violations(text).includes(expected), `${text}: ${JSON.stringify(ps2Violations(text))}`);
        }
        // The statement 2.0 runs: Move-Item.
        assert.deepEqual(ps2Violations("$d = 'C:\\x'; Move-Item -LiteralPath $d -Destination ($d + '.x')"), []);
        // With 2.0's Rename-Item in the table (its -Path and -NewName), -LiteralPath is still refused.
        const markdown = fs.readFileSync(path.join(__dirname, "POWERSHELL2.md"), "utf8");
        const withRename = readPs2Table(
            {},
            markdown.replace(
                "| `Test-Path` |",
                "| `Rename-Item` | `Path`, `NewName` | PowerShell 2.0 | https://learn.microsoft.com/en-us/previous-versions/dd315353(v=technet.10) |\n| `Test-Path` |",
            ),
        );
        assert.deepEqual(ps2Violations("$d = 'C:\\x'; Rename-Item -Path $d -NewName 'y'", withRename), []);
        assert.deepEqual(ps2Violations("$d = 'C:\\x'; Rename-Item -LiteralPath $d -NewName 'y'", withRename), [
            "parameter rename-item -LiteralPath",
        ]);
        // The OpenSSH cmdlets exist from Windows Server 2012/2019 on: refused against the 2.0 table.
        assert.ok(ps2Violations(renderOpenSshEnable()).includes("cmdlet add-windowscapability"));
    });
});
