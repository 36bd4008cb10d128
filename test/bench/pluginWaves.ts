/**
 * The plugin benchmark (`npm run bench:plugin`): what Construct calls cost another language's program in
 * wall clock. The package runs in `@pulumi/pulumi`'s own plugin host against the test engine and the mock
 * cloud; each new server's TAT agent answers Offline for `agentSeconds` polls (1 s apart), so a server's
 * Construct call lasts about that long. The program sends N calls with at most `limit` in flight, as
 * Python's executor does (`pulumi-language-python-exec`: `4 x --parallel` threads, each held by a
 * Construct until the component's outputs are known), against all N at once, as Go does (a goroutine per
 * resource). Prints the measured wall clock, and the rounds the executor makes.
 *
 *   npm run bench:plugin                 # 24 servers, 3 s each, limits 8 and 24
 *   npm run bench:plugin -- 48 2         # 48 servers, 2 s each
 */
import * as fs from "fs";
import { MockCloud } from "../support/mockCloud";
import { startTestEngine } from "../support/testEngine";
import {
    COMPONENT,
    PROJECT,
    STACK,
    buildPackage,
    construct,
    constructRequest,
    pluginClient,
    serverInputs,
    startPlugin,
} from "../support/pluginHost";

/** Sends `n` server Construct calls, at most `limit` at a time; resolves with the wall clock in ms. */
async function waves(dir: string, n: number, limit: number, agentSeconds: number): Promise<number> {
    const cloud = new MockCloud();
    cloud.begin(PROJECT, STACK);
    cloud.agentOfflinePolls = agentSeconds;
    const engine = await startTestEngine(cloud, PROJECT, STACK);
    const stderr: string[] = [];
    const plugin = await startPlugin(dir, engine.engineAddress, stderr);
    const client = pluginClient(plugin.port);
    try {
        const started = Date.now();
        let next = 0;
        const slot = async () => {
            while (next < n) {
                const i = next++;
                const inputs = serverInputs(i, { delivery: "tat", tatAgentPollSeconds: 1 });
                const response = await construct(client, constructRequest(engine, `s${i}`, inputs, COMPONENT));
                if (response.getState().toJavaScript().activationStatus !== "Licensed") {
                    throw new Error(`server s${i}: ${JSON.stringify(response.getState().toJavaScript())}`);
                }
            }
        };
        await Promise.all(Array.from({ length: Math.min(limit, n) }, slot));
        return Date.now() - started;
    } finally {
        client.close();
        plugin.child.kill();
        await engine.stop();
    }
}

async function main(): Promise<void> {
    const n = Number(process.argv[2] ?? 24);
    const agentSeconds = Number(process.argv[3] ?? 3);
    const dir = buildPackage();
    try {
        console.log(
            `Plugin benchmark: ${n} new servers (TAT delivery), each agent Online after ${agentSeconds} polls 1 s apart`,
        );
        console.log("calls in flight (limit)  rounds  wall clock  per round");
        for (const limit of [8, n]) {
            const ms = await waves(dir, n, limit, agentSeconds);
            const rounds = Math.ceil(n / limit);
            console.log(
                `${String(limit).padEnd(23)}  ${String(rounds).padEnd(6)}  ${(ms / 1000).toFixed(1).padStart(8)} s  ${(ms / 1000 / rounds).toFixed(1)} s`,
            );
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
