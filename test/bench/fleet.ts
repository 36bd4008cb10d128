/**
 * The fleet benchmark (`npm run bench:fleet`): 1,000 existing instances through one WindowsActivation
 * (activate, audit, and a fleet with 3% odd instances audited, activated and run again unchanged) beside
 * the same fleet as 1,000 new ActivatedWindowsServers with TAT delivery, under the mock engine: TAT
 * invocations, agent-status calls and every other cloud read, the requests Tencent sees, resources
 * registered and changed, program evaluation time and peak heap. TAT is read directly (the stand-in API,
 * as with the default provider's key pair in the environment) except in the column that repeats the
 * odd fleet through the provider's data sources. Each side runs in a fresh process, one after
 * another (timings on a shared machine are noisy; the counts are exact). Prints a table and writes
 * .bench/fleet.json.
 *
 *   npm run bench:fleet              # 1,000 instances (about 4 minutes on 2 cores)
 *   npm run bench:fleet -- 250       # another size
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, child } from "./childProcess";
import { modelUp } from "./wallClock";

interface FleetRun {
    ms: number;
    peakHeapBytes: number;
    invocations: number;
    tatCommands: number;
    agentStatusCalls: number;
    getInstances: number;
    getImages: number;
    getTatInvocationTask: number;
    resources: number;
    licensed: number;
    skipped: number;
    requests: number;
    apiRequests: number;
    changed: number;
}

const KINDS = [
    ["activate", "existing, WindowsActivation activate"],
    ["audit", "existing, WindowsActivation audit"],
    ["odd", "existing, 3% odd: 3rd run, unchanged"],
    ["odd-provider", "the same through the provider"],
    ["servers", "new, ActivatedWindowsServer (tat)"],
] as const;

async function main(): Promise<void> {
    const n = Number(process.argv[2] ?? 1000);
    const runs: Record<string, FleetRun> = {};
    for (const [kind] of KINDS) {
        process.stderr.write(`bench:fleet: ${kind} x${n}\n`);
        runs[kind] = (await child<FleetRun>(["fleet", kind, String(n)])).result;
    }
    const figures: [string, (r: FleetRun) => string][] = [
        ["TAT invocations (odd: audit + activate)", (r) => String(r.invocations)],
        ["TatCommand resources", (r) => String(r.tatCommands)],
        ["agent-status calls (getTatAgent)", (r) => String(r.agentStatusCalls)],
        ["instance reads (getInstances)", (r) => String(r.getInstances)],
        ["image reads (getImages)", (r) => String(r.getImages)],
        ["task reads (getTatInvocationTask)", (r) => String(r.getTatInvocationTask)],
        ["Tencent requests (provider paging)", (r) => String(r.requests)],
        ["of which direct API requests", (r) => String(r.apiRequests)],
        ["resources registered / changed", (r) => `${r.resources} / ${r.changed}`],
        ["instances Licensed / Skipped", (r) => `${r.licensed} / ${r.skipped}`],
        ["program evaluation (mock engine)", (r) => `${(r.ms / 1000).toFixed(1)} s`],
        ["peak heap", (r) => `${(r.peakHeapBytes / 1024 / 1024).toFixed(0)} MB`],
    ];
    const header = [`${n} instances`, ...KINDS.map(([, label]) => label)];
    const table = [header, ...figures.map(([label, f]) => [label, ...KINDS.map(([kind]) => f(runs[kind]))])];
    const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    console.log(
        `Fleet benchmark (${os.cpus().length} CPUs, Node ${process.version}; one run each, timings noisy on a shared machine)\n`,
    );
    for (const [i, row] of table.entries()) {
        console.log(
            row
                .map((cell, c) => cell.padEnd(widths[c]))
                .join("  ")
                .trimEnd(),
        );
        if (i === 0) {
            console.log(widths.map((w) => "-".repeat(w)).join("  "));
        }
    }
    const modelled = printWallClockModel();
    const out = path.join(ROOT, ".bench", "fleet.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
        out,
        JSON.stringify(
            {
                generatedAt: new Date().toISOString(),
                node: process.version,
                cpus: os.cpus().length,
                instances: n,
                runs,
                modelled,
            },
            null,
            2,
        ) + "\n",
    );
    console.log(`\nFigures written to ${out}`);
}

/** Seconds a run takes on a server in the model: assumed, not measured (no source gives them). */
const RUN_SECONDS = { "fast path (already activated)": 15, "first activation": 120 } as const;

/** Prints and returns the modelled `pulumi up` wall clock (wallClock.ts) for 100 and 1,000 attachments. */
function printWallClockModel(): object[] {
    const rows: object[] = [];
    console.log(
        "\nModelled pulumi up wall clock of the TAT attachments (test/bench/wallClock.ts; run times assumed):\n",
    );
    for (const [label, runSeconds] of Object.entries(RUN_SECONDS)) {
        for (const instances of [100, 1000]) {
            for (const parallel of [8, 64, instances]) {
                const m = modelUp(instances, parallel, runSeconds);
                rows.push({ run: label, runSeconds, instances, parallel, ...m });
                const minutes = (m.seconds / 60).toFixed(1);
                console.log(
                    `${label} (${runSeconds} s), ${instances} instances, --parallel ${parallel}: ${minutes} min, ${m.rounds} rounds, ` +
                        `peak ${m.peakInvokesPerSecond} InvokeCommand/s, ${m.peakPollsPerSecond} DescribeInvocations/s`,
                );
            }
        }
    }
    return rows;
}

main().catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
});
