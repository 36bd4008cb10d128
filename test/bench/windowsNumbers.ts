/**
 * Figures from the Windows bench (`npm run bench:windows`): wall time of one scenario under Wine,
 * and the tool calls and waits of the happy path, of the fast path (a second run on an activated
 * server, which should change nothing and wait for nothing), of a failure with its diagnosis and
 * of `/diagnose` on demand. Printed, and written to .bench/windows-bench.json for `npm run bench`.
 * Reported, never asserted. (Under Wine the stand-ins answer at once: the times are the script's own.)
 */
import * as fs from "fs";
import * as path from "path";
import { renderActivationScript } from "../../components/activation/script";
import { Scenario, prepareBench, runScript, stopBench } from "../windows/wineBench";

const OUT = path.join(__dirname, "..", "..", ".bench", "windows-bench.json");

/** The stand-ins' state without the records every run leaves (the folder's ACL, the last Application event). */
function licensing(state: Record<string, string>): Record<string, string> {
    const { "dir.inheritance": _acl, "event.last": _event, ...rest } = state;
    return rest;
}

function main(): void {
    prepareBench();
    try {
        const script = renderActivationScript();
        const fresh: Scenario = {
            build: 9600,
            editionId: "ServerDatacenter",
            wineVersion: "win81",
            state: { "svc.w32time.state": "running", "lic.status": "5", "lic.kms": "" },
        };
        const happy = runScript(script, fresh);
        const fast = runScript(script, { ...fresh, state: happy.state, keepLogs: true });
        const retried = runScript(script, {
            ...fresh,
            state: { ...fresh.state, "seq.ato": "-1073418124,-1073418124,0" },
        });
        const oneAttempt = renderActivationScript({ maxAttempts: 1 });
        const diagnosed = runScript(oneAttempt, {
            ...fresh,
            state: {
                ...fresh.state,
                "unreachable.hosts": "kms.tencentyun.com,kms1.tencentyun.com",
                "net.kms.tencentyun.com": "closed",
                "net.kms1.tencentyun.com": "closed",
            },
        });
        const onDemand = runScript(
            script,
            { ...fresh, state: { ...fresh.state, "lic.status": "1", "lic.kms": "kms.tencentyun.com" } },
            ["/diagnose"],
        );
        const figures = {
            happyPath: {
                wallMs: happy.wallMs,
                toolCalls: happy.calls.length,
                sleeps: happy.sleeps,
                exitCode: happy.exitCode,
            },
            fastPath: {
                wallMs: fast.wallMs,
                toolCalls: fast.calls.length,
                sleeps: fast.sleeps,
                exitCode: fast.exitCode,
                changedState: JSON.stringify(licensing(fast.state)) !== JSON.stringify(licensing(happy.state)),
            },
            twoUnreachableThenSuccess: {
                wallMs: retried.wallMs,
                toolCalls: retried.calls.length,
                sleeps: retried.sleeps,
                exitCode: retried.exitCode,
            },
            failedOnceWithDiagnosis: {
                wallMs: diagnosed.wallMs,
                toolCalls: diagnosed.calls.length,
                sleeps: diagnosed.sleeps,
                exitCode: diagnosed.exitCode,
            },
            diagnoseOnDemand: {
                wallMs: onDemand.wallMs,
                toolCalls: onDemand.calls.length,
                sleeps: onDemand.sleeps,
                exitCode: onDemand.exitCode,
            },
        };
        fs.mkdirSync(path.dirname(OUT), { recursive: true });
        fs.writeFileSync(OUT, JSON.stringify(figures, null, 2));
        console.log("scenario                        wall ms  tool calls  sleeps  exit");
        for (const [name, f] of Object.entries(figures)) {
            console.log(
                `${name.padEnd(30)} ${String(f.wallMs).padStart(8)}  ${String(f.toolCalls).padStart(10)}  ${String(f.sleeps).padStart(6)}  ${f.exitCode}`,
            );
        }
        console.log(`fast path changed the stand-ins' state: ${figures.fastPath.changedState}`);
        const diagnosisCalls = diagnosed.calls
            .slice(diagnosed.calls.lastIndexOf("slmgr -ato") + 1)
            .filter((c) => !c.startsWith("eventcreate"));
        console.log(
            `the diagnosis after a failed attempt: ${diagnosisCalls.length} read-only tool calls (${diagnosisCalls.map((c) => c.split(" ")[0]).join(", ")})`,
        );
        console.log(`written to ${OUT}`);
    } finally {
        stopBench();
    }
}

main();
