import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderActivationScript } from "../../components/activation/script";
import { CLOUDBASE_INIT_RUN_AGAIN, SCRIPT_PATH, renderCarrier } from "../../components/delivery/carrier";
import { USER_DATA_LIMIT_BYTES, renderUserData } from "../../components/delivery/userData";
import { extractHereStringScript } from "../support/hereString";

const script = renderActivationScript();

describe("PowerShell carrier", () => {
    test("the batch it writes is byte-identical to renderActivationScript, for several option sets", () => {
        for (const options of [{}, { installKmsClientKey: true }, { kmsHost: "10.0.0.9", fallbackKmsHosts: ["a.example.com", "b.example.com"], ntpServers: ["1.2.3.4"] }]) {
            const s = renderActivationScript(options);
            assert.equal(extractHereStringScript(renderCarrier(s, "userData")), s);
            assert.equal(extractHereStringScript(renderCarrier(s, "tat")), s);
        }
    });

    test("user data mode re-runs at next boot (1002) only for transient codes 10-19; TAT mode always exits 0", () => {
        const ud = renderCarrier(script, "userData");
        assert.ok(ud.includes(`if ($code -ge 10 -and $code -le 19) { exit ${CLOUDBASE_INIT_RUN_AGAIN} }`));
        assert.match(ud, /\nexit \$code$/);
        const tat = renderCarrier(script, "tat");
        assert.match(tat, /\nexit 0$/);
        assert.ok(!tat.includes("1002"));
        assert.ok(tat.includes(`$path = '${SCRIPT_PATH}'`) && tat.includes("& cmd.exe /c $path"));
        assert.ok(renderCarrier(script, "tat", "/check").includes("& cmd.exe /c $path /check"));
    });

    test("a script that could close the here-string, or is not ASCII, is refused", () => {
        assert.throws(() => renderCarrier("echo x\r\n'@\r\ncalc\r\n", "tat"), /must not contain a line starting with '@/);
        assert.throws(() => renderCarrier("echo ä\r\n", "tat"), /printable ASCII/);
    });
});

describe("user data", () => {
    test("Tencent's <powershell> form, carrying the script, under 16 KB", () => {
        const ud = renderUserData({ activationScript: script })!;
        assert.match(ud, /^<powershell>\n/);
        assert.match(ud, /\n<\/powershell>\n$/);
        assert.equal(extractHereStringScript(ud), script);
        assert.ok(Buffer.byteLength(ud) < USER_DATA_LIMIT_BYTES);
    });

    test("OpenSSH enabling comes before the activation, and alone when delivery is not user data", () => {
        const both = renderUserData({ activationScript: script, enableOpenSsh: true })!;
        assert.ok(both.indexOf("Start-Service -Name sshd") < both.indexOf("$script = @'"));
        const ssh = renderUserData({ enableOpenSsh: true })!;
        assert.ok(ssh.includes("Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0"));
        assert.ok(!ssh.includes("$script"));
        assert.equal(renderUserData({}), undefined);
    });

    test("over 16 KB is refused with the reason", () => {
        assert.throws(() => renderUserData({ activationScript: "rem x\r\n".repeat(3000) }), /over Tencent's 16384-byte limit/);
    });
});
