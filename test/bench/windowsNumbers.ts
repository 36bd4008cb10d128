/**
 * Figures from the Windows bench (`npm run bench:windows`): wall time of one scenario under Wine,
 * and the tool calls and waits of the happy path and of the fast path (a second run on an
 * activated server, which should change nothing and wait for nothing). Printed, and written to
 * .bench/windows-bench.json for `npm run bench`. Reported, never asserted.
 */
import * as fs from "fs";
import * as path from "path";
import { renderActivationScript } from "../../components/activation/script";
import { Scenario, prepareBench, runScript, stopBench } from "../windows/wineBench";

const OUT = path.join(__dirname, "..", "..", ".bench", "windows-bench.json");

function main(): void {
    prepareBench();
    try {
        const script = renderActivationScript();
        const fresh: Scenario = { build: 9600, editionId: "ServerDatacenter", wineVersion: "win81", state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" } };
        const happy = runScript(script, fresh);
        const fast = runScript(script, { ...fresh, state: happy.state, keepLogs: true });
        const retried = runScript(script, { ...fresh, state: { ...fresh.state, "seq.ato": "-1073418124,-1073418124,0" } });
        const figures = {
            happyPath: { wallMs: happy.wallMs, toolCalls: happy.calls.length, sleeps: happy.sleeps, exitCode: happy.exitCode },
            fastPath: { wallMs: fast.wallMs, toolCalls: fast.calls.length, sleeps: fast.sleeps, exitCode: fast.exitCode, changedState: JSON.stringify(fast.state) !== JSON.stringify(happy.state) },
            twoUnreachableThenSuccess: { wallMs: retried.wallMs, toolCalls: retried.calls.length, sleeps: retried.sleeps, exitCode: retried.exitCode },
        };
        fs.mkdirSync(path.dirname(OUT), { recursive: true });
        fs.writeFileSync(OUT, JSON.stringify(figures, null, 2));
        console.log("scenario                        wall ms  tool calls  sleeps  exit");
        for (const [name, f] of Object.entries(figures)) {
            console.log(`${name.padEnd(30)} ${String(f.wallMs).padStart(8)}  ${String(f.toolCalls).padStart(10)}  ${String(f.sleeps).padStart(6)}  ${f.exitCode}`);
        }
        console.log(`fast path changed the stand-ins' state: ${figures.fastPath.changedState}`);
        console.log(`written to ${OUT}`);
    } finally {
        stopBench();
    }
}

main();
