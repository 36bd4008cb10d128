/**
 * A model of `pulumi up`'s wall clock for N TAT invocation attachments, from the sources that decide it:
 * - the engine runs at most `--parallel` steps at once, and a step holds its worker until the provider's
 *   Create returns (pulumi/pulumi `pkg/resource/deploy/step_executor.go`; `--parallel` defaults to 4 x
 *   CPUs, `pkg/cmd/pulumi/operations/up.go` `defaultParallel`);
 * - the attachment's Create calls InvokeCommand once, then polls DescribeInvocations until SUCCESS
 *   (provider `tat/resource_tc_tat_invocation_invoke_attachment.go` L144-193), the first poll at once,
 *   then after 0.5, 1, 2, 4, 8 and then every 10 s (terraform-plugin-sdk `helper/retry/state.go`: the wait
 *   doubles, at least `MinTimeout` 500 ms, at most 10 s).
 * The time a run takes on the server (`runSeconds`, from InvokeCommand to SUCCESS) is an input: it is
 * not known from any source (a first activation waits on w32tm and KMS; a server that is already
 * activated takes the fast path).
 */

/** The waits between DescribeInvocations polls (seconds): 0.5, 1, 2, 4, 8, then 10. */
export function pollWaits(): () => number {
    let wait = 0.25;
    return () => {
        wait = Math.min(Math.max(wait * 2, 0.5), 10);
        return wait;
    };
}

/** What the model predicts. */
export interface WallClock {
    /** From the first InvokeCommand to the last attachment's Create returning (seconds). */
    seconds: number;
    /** Rounds of `parallel` attachments. */
    rounds: number;
    /** The most InvokeCommand and DescribeInvocations requests in any one second. */
    peakInvokesPerSecond: number;
    peakPollsPerSecond: number;
}

/** `instances` attachments created `parallel` at a time, each run taking `runSeconds` on its server. */
export function modelUp(instances: number, parallel: number, runSeconds: number): WallClock {
    const invokes = new Map<number, number>();
    const polls = new Map<number, number>();
    const count = (m: Map<number, number>, t: number) => m.set(Math.floor(t), (m.get(Math.floor(t)) ?? 0) + 1);
    // Each worker takes the next attachment as soon as its previous Create returned.
    const free = Array.from({ length: Math.min(parallel, instances) }, () => 0);
    let end = 0;
    for (let i = 0; i < instances; i++) {
        const worker = free.indexOf(Math.min(...free));
        const start = free[worker];
        count(invokes, start);
        const done = start + runSeconds;
        const next = pollWaits();
        let t = start;
        count(polls, t);
        while (t < done) {
            t += next();
            count(polls, t);
        }
        free[worker] = t;
        end = Math.max(end, t);
    }
    const peak = (m: Map<number, number>) => Math.max(0, ...m.values());
    return {
        seconds: end,
        rounds: Math.ceil(instances / parallel),
        peakInvokesPerSecond: peak(invokes),
        peakPollsPerSecond: peak(polls),
    };
}
