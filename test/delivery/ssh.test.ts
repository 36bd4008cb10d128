import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as net from "node:net";
import { describe, test } from "node:test";
import { SSH_WAIT_COMMAND, sshWaitMessage } from "../../components/delivery/ssh";

/** Runs the wait command as local.Command does on Linux (`/bin/sh -c`), with its environment. */
function runWait(port: number, seconds: number): Promise<{ code: number | null; stderr: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
        const child = spawn("/bin/sh", ["-c", SSH_WAIT_COMMAND], {
            env: {
                ...process.env,
                TCW_HOST: "127.0.0.1",
                TCW_PORT: String(port),
                TCW_SECONDS: String(seconds),
                TCW_MESSAGE: sshWaitMessage("127.0.0.1", seconds),
            },
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code, stderr, ms: Date.now() - started }));
    });
}

/** A local TCP server that answers every connection with `greeting` (then closes), on a free port. */
async function server(greeting: string): Promise<{ port: number; close(): void }> {
    const s = net.createServer((c) => c.end(greeting));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { port: (s.address() as net.AddressInfo).port, close: () => s.close() };
}

describe("waiting for sshd (SSH delivery)", () => {
    test("a server that sends an SSH identification line ends the wait at once", async () => {
        const sshd = await server("SSH-2.0-OpenSSH_for_Windows_9.5\r\n");
        try {
            const r = await runWait(sshd.port, 30);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(r.ms < 5000, `${r.ms} ms`);
        } finally {
            sshd.close();
        }
    });

    test("nothing listening, or something that is not sshd: the wait ends at its deadline with the message naming the cause", async () => {
        const other = await server("HTTP/1.1 400 Bad Request\r\n\r\n");
        const closed = await server("");
        closed.close();
        try {
            for (const port of [other.port, closed.port]) {
                const r = await runWait(port, 1);
                assert.equal(r.code, 1);
                assert.equal(r.stderr.trim(), sshWaitMessage("127.0.0.1", 1));
                assert.ok(r.ms < 25000, `${r.ms} ms: bounded`);
            }
        } finally {
            other.close();
        }
        assert.match(
            sshWaitMessage("203.0.113.7", 1500),
            /203\.0\.113\.7:22 within 1500 s.*Add-WindowsCapability.*Windows Update or WSUS.*OpenSSH Server could not be installed/,
        );
    });

    test("the command has nothing that /bin/sh or cmd.exe would change inside its double quotes", () => {
        const inner = SSH_WAIT_COMMAND.slice('node -e "'.length, -1);
        assert.ok(SSH_WAIT_COMMAND.startsWith('node -e "') && SSH_WAIT_COMMAND.endsWith('"'));
        assert.doesNotMatch(inner, /["$`\\%!^]/);
    });
});
