import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, test } from "node:test";
import { useMockCloud } from "../support/mockProgram";
import { LICENSED_LINE, isSecretValue, valueOf } from "../support/mockCloud";
import { CARRIER_ERROR, FAILED_LINE } from "../support/failingProgram";
import { ROOT_CAUSES } from "../../components/activation/rootCauses";
import { carriedScript, userDataBody } from "../support/carrier";
import { DEFAULT_ACTIVATION_SCRIPT_OPTIONS } from "../../components/activation/options";
import { worstCaseSeconds } from "../../components/activation/schedule";
import { SSH_WAIT_COMMAND, sshWaitMessage } from "../../components/delivery/ssh";
import { SERVER_ARGS } from "../support/deploy";

const { cloud, mod } = useMockCloud();

const PASSWORD = "Remote(Passw0rd)";
const base = { ...SERVER_ARGS, password: PASSWORD };
const byName = (name: string) => cloud.resources.find((r) => r.name === name)!;
const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("TAT delivery", () => {
    test("a POWERSHELL TatCommand with a Windows working directory and a timeout that covers every retry; an attachment per server", async () => {
        const server = new mod.ActivatedWindowsServer("tat1", { ...base, activation: { delivery: "tat" } });
        assert.equal(await valueOf(server.activationStatus), "Licensed");
        const attachment = byName("tat1-activation");
        assert.equal(attachment.type, "tencentcloud:index/tatInvocationInvokeAttachment:TatInvocationInvokeAttachment");
        const command = cloud.resources.find(
            (r) => r.type === "tencentcloud:index/tatCommand:TatCommand" && r.id === attachment.inputs.commandId,
        )!;
        assert.equal(command.inputs.commandType, "POWERSHELL");
        assert.equal(command.inputs.workingDirectory, "C:\\Windows\\System32", "a folder ordinary users cannot write");
        assert.equal(attachment.inputs.workingDirectory, "C:\\Windows\\System32");
        assert.equal(attachment.inputs.instanceId, byName("tat1-instance").id);
        const script = await valueOf(server.activationScript);
        assert.equal(carriedScript(command.inputs.content), script, "TAT carries the exact script");
        assert.match(command.inputs.content, /\nexit 0$/, "the carrier always ends the invocation as SUCCESS");
        const worst = worstCaseSeconds(DEFAULT_ACTIVATION_SCRIPT_OPTIONS);
        assert.equal(
            command.inputs.timeout,
            worst + 300,
            "the command may run for the script's worst case plus 5 minutes",
        );
        assert.equal(attachment.inputs.timeout, command.inputs.timeout);
        assert.deepEqual(
            attachment.inputs.timeouts,
            { create: `${Math.ceil((worst + 600) / 60)}m` },
            "the provider polls 5 minutes longer than TAT lets the command run",
        );
        assert.ok(
            attachment.options.ignoreChanges.includes("timeouts"),
            "an existing attachment keeps the timeouts it was created with",
        );
        assert.equal(byName("tat1-instance").inputs.userDataRaw, undefined, "no user data: TAT is the delivery");
        const task = cloud.calls.find(
            (c) =>
                c.token === "tencentcloud:index/getTatInvocationTask:getTatInvocationTask" &&
                c.inputs.filters[0].values[0] === attachment.id.split("#")[0],
        );
        assert.deepEqual(task?.inputs, {
            filters: [{ name: "invocation-id", values: [attachment.id.split("#")[0]] }],
            hideOutput: false,
        });
        const result = await valueOf(server.activationResult);
        assert.equal(result?.kmsHost, "kms.tencentyun.com");
        assert.equal(result?.licensed, true);
    });

    test("servers sharing a script share one TatCommand; a changed script is a new command", async () => {
        const commands = () =>
            cloud.resources.filter((r) => r.type === "tencentcloud:index/tatCommand:TatCommand").length;
        const before = commands();
        const servers = Array.from(
            { length: 5 },
            (_, i) =>
                new mod.ActivatedWindowsServer(`shared${i}`, {
                    ...base,
                    activation: { delivery: "tat", maxAttempts: 4 },
                }),
        );
        await Promise.all(servers.map((s) => valueOf(s.activationStatus)));
        assert.equal(commands() - before, 1);
        assert.equal(cloud.resources.filter((r) => /^shared\d-activation$/.test(r.name)).length, 5);
        const changed = new mod.ActivatedWindowsServer("shared-changed", {
            ...base,
            activation: { delivery: "tat", maxAttempts: 4, ntpServers: ["10.0.0.1"] },
        });
        await valueOf(changed.activationStatus);
        assert.equal(commands() - before, 2);
        const a = cloud.resources.find((r) => r.name === "shared0-activation")!.inputs.commandId;
        const b = cloud.resources.find((r) => r.name === "shared-changed-activation")!.inputs.commandId;
        assert.notEqual(
            a,
            b,
            "the attachment of a changed script points at another command, so it is replaced and runs again",
        );
    });

    test("failOnActivationError: false reports Failed with the parsed result", async () => {
        cloud.tatOutput = () => b64(`log\r\n${FAILED_LINE}\r\n`);
        try {
            const quiet = new mod.ActivatedWindowsServer("tatquiet", {
                ...base,
                activation: { delivery: "tat", failOnActivationError: false },
            });
            assert.equal(await valueOf(quiet.activationStatus), "Failed");
            assert.equal((await valueOf(quiet.activationResult))?.lastErrorHex, "0xC004F074");
        } finally {
            cloud.tatOutput = () => b64(`${LICENSED_LINE}\r\n`);
        }
    });

    test("garbage, a missing line and bad base64 never read as Licensed; a missing record is Unknown", async () => {
        const cases: [string | undefined, string][] = [
            [b64("log only, the script was killed\r\n"), "Failed"],
            [b64('{"activation":"tencentcloud-windows/1","status":"Lic'), "Failed"],
            ["!!not base64!!", "Failed"],
            [undefined, "Unknown"],
        ];
        for (const [i, [output, status]] of cases.entries()) {
            cloud.tatOutput = () => output;
            const server = new mod.ActivatedWindowsServer(`tatbad${i}`, {
                ...base,
                activation: { delivery: "tat", failOnActivationError: false },
            });
            assert.equal(await valueOf(server.activationStatus), status);
        }
        cloud.tatOutput = () => b64(`${LICENSED_LINE}\r\n`);
    });

    test("verifyWithTat: user data activates, a read-only /check invocation reports", async () => {
        const server = new mod.ActivatedWindowsServer("verify", { ...base, activation: { verifyWithTat: true } });
        assert.equal(await valueOf(server.activationStatus), "Licensed");
        const script = await valueOf(server.activationScript);
        assert.equal(carriedScript(byName("verify-instance").inputs.userDataRaw), script);
        const attachment = byName("verify-activation-check");
        const command = cloud.resources.find((r) => r.id === attachment.inputs.commandId)!;
        assert.ok(command.inputs.content.includes('\n& "$sys\\cmd.exe" /c $p /check\n'));
        assert.equal(
            carriedScript(command.inputs.content),
            script,
            "the same bytes: the running first-boot script is not rewritten",
        );
    });
});

describe("SSH delivery", () => {
    const ssh = { delivery: "ssh" as const, sshAllowedCidrs: ["198.51.100.0/24", "203.0.113.7/32"] };

    test("security group limited to sshAllowedCidrs, OpenSSH user data, the carrier copied to the Administrator's home and run by full path", async () => {
        const server = new mod.ActivatedWindowsServer("ssh1", { ...base, publicIpBandwidthMbps: 5, activation: ssh });
        assert.equal(await valueOf(server.activationStatus), "Licensed");
        const rules = byName("ssh1-ssh-rules");
        assert.deepEqual(
            rules.inputs.ingresses.map((r: any) => [r.action, r.cidrBlock, r.protocol, r.port]),
            [
                ["ACCEPT", "198.51.100.0/24", "TCP", "22"],
                ["ACCEPT", "203.0.113.7/32", "TCP", "22"],
            ],
        );
        const instance = byName("ssh1-instance");
        assert.ok(instance.inputs.orderlySecurityGroups.includes(byName("ssh1-ssh").id));
        assert.match(userDataBody(instance.inputs.userDataRaw), /Start-Service -Name sshd/);
        assert.doesNotMatch(instance.inputs.userDataRaw, /^\$s = /m, "the script goes over SSH, not user data");
        const copy = byName("ssh1-activation-script");
        const command = byName("ssh1-activation");
        assert.equal(copy.type, "command:remote:CopyToRemote");
        assert.equal(command.type, "command:remote:Command");
        assert.equal(
            copy.inputs.remotePath,
            "tencentcloud-windows-activate.ps1",
            "relative to the SFTP home: the Administrator's profile",
        );
        const carrier: string = await copy.inputs.source.text;
        assert.equal(
            carriedScript(carrier),
            await valueOf(server.activationScript),
            "the carrier holds the exact script",
        );
        assert.match(carrier, /\nexit 0$/, "it always exits 0: the result travels in stdout");
        assert.equal(
            command.inputs.create,
            "%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File tencentcloud-windows-activate.ps1 & exit /b 0",
        );
        for (const r of [copy, command]) {
            assert.ok(isSecretValue(r.inputs.connection), "the connection is secret");
            const conn = r.inputs.connection.value;
            assert.equal(conn.user, "Administrator");
            assert.equal(conn.host, await valueOf(server.publicIp));
            assert.equal(conn.password, PASSWORD);
            assert.ok(conn.dialErrorLimit >= 5 && conn.perDialTimeout >= 15);
            assert.ok(
                conn.dialErrorLimit * conn.perDialTimeout <= 600,
                "once sshd has answered, the dials are bounded to minutes",
            );
        }
        const wait = byName("ssh1-activation-ssh-wait");
        assert.equal(wait.type, "command:local:Command");
        assert.equal(wait.inputs.create, SSH_WAIT_COMMAND);
        const host = await valueOf(server.publicIp);
        assert.deepEqual(wait.inputs.environment, {
            TCW_HOST: host,
            TCW_PORT: "22",
            TCW_SECONDS: "1500",
            TCW_MESSAGE: sshWaitMessage(host!, 1500),
        });
        assert.ok(
            copy.options.dependencies.some((urn: string) => urn.endsWith("::ssh1-activation-ssh-wait")),
            "nothing dials before sshd answered",
        );
        assert.ok(
            wait.options.dependencies.some((urn: string) => urn.endsWith("::ssh1-ssh-rules")),
            "the wait starts once the rules let it in",
        );
        assert.ok(!JSON.stringify(command.inputs.create).includes(PASSWORD), "the password is not in the command text");
        assert.deepEqual(command.inputs.triggers, copy.inputs.triggers);
        assert.deepEqual(
            command.inputs.triggers,
            [byName("ssh1-activation").inputs.triggers[0], instance.id],
            "the script's hash and the instance's id",
        );
        assert.ok(
            command.options.dependencies.some((urn) => urn.endsWith("::ssh1-activation-script")),
            "the run waits for the copy",
        );
    });

    test("the private address is used when asked or when there is no public IP", async () => {
        const server = new mod.ActivatedWindowsServer("ssh2", { ...base, activation: ssh });
        await valueOf(server.activationStatus);
        assert.equal(byName("ssh2-activation").inputs.connection.value.host, await valueOf(server.privateIp));
    });

    test("triggers: a changed script changes the trigger hash; the same settings give the same hash", async () => {
        const a = new mod.ActivatedWindowsServer("ssh3", { ...base, activation: ssh });
        const b = new mod.ActivatedWindowsServer("ssh4", { ...base, activation: ssh });
        const c = new mod.ActivatedWindowsServer("ssh5", {
            ...base,
            activation: { ...ssh, kmsHost: "kms2.example.com" },
        });
        await Promise.all([a, b, c].map((s) => valueOf(s.activationStatus)));
        const hash = (n: string) => byName(`${n}-activation`).inputs.triggers[0];
        assert.equal(hash("ssh3"), hash("ssh4"));
        assert.notEqual(hash("ssh3"), hash("ssh5"));
        assert.match(hash("ssh3"), /^[0-9a-f]{12}$/);
    });
});

describe("failOnActivationError (default true) fails the program", () => {
    for (const delivery of ["tat", "ssh"]) {
        test(`${delivery}: a failing carrier's own result line fails the program at once, with the carrier's step and error`, () => {
            const run = spawnSync(
                process.execPath,
                ["--import", "tsx", path.join(__dirname, "..", "support", "failingProgram.ts"), `${delivery}Carrier`],
                { encoding: "utf8", timeout: 60000 },
            );
            assert.notEqual(run.status, 0);
            const text = run.stdout + run.stderr;
            assert.ok(
                text.includes(
                    `server 'failing-${delivery}Carrier' failed: CarrierFailed: the delivery's PowerShell carrier failed at ${CARRIER_ERROR}. Fix: ${ROOT_CAUSES.carrier.fix}`,
                ),
                text,
            );
            assert.doesNotMatch(
                text,
                /no result line|not valid JSON|unknown status/,
                "a clear failure, not a parse error",
            );
            // TAT: one look for a kept run (none on a new server), then, the carrier having exited 0 and the
            // invocation being SUCCESS, its output read once (no polling until the create timeout).
            assert.match(text, new RegExp(`task reads: ${delivery === "tat" ? 2 : 0}\\b`));
        });
    }

    for (const delivery of ["tat", "ssh"]) {
        test(`${delivery}: the program exits non-zero naming the server, the status, the HRESULT and the log`, () => {
            const run = spawnSync(
                process.execPath,
                ["--import", "tsx", path.join(__dirname, "..", "support", "failingProgram.ts"), delivery],
                { encoding: "utf8", timeout: 60000 },
            );
            assert.notEqual(run.status, 0);
            const text = run.stdout + run.stderr;
            assert.match(
                text,
                new RegExp(`server 'failing-${delivery}' failed: KmsUnreachable \\(script exit code 10`),
            );
            assert.match(text, /0xC004F074 \(kmsUnreachable\)/);
            assert.match(text, /activation\.log/);
            assert.ok(!text.includes("Remote(Passw0rd)"), "the password is not printed");
        });
    }
});
