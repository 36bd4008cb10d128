/**
 * The TAT commands that run the activation script: the carrier around the script, with the
 * argument of the run (none, `/check` or `/diagnose`), and a timeout sized from that run's worst
 * case. Every component that runs the script through TAT asks here, so that one script and run
 * give one shared command (`sharedTatCommand`), whoever asks.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { ResolvedActivationScriptOptions } from "../activation/options";
import { CHECK_WAIT, diagnoseWorstCaseSeconds, worstCaseSeconds } from "../activation/schedule";
import { renderCarrier } from "./carrier";
import { TAT_TIMEOUT_MARGIN_SECONDS, sharedTatCommand } from "./tat";

/** Which run of the script a command starts: activate it, report the first-boot run (`/check`), or diagnose read-only (`/diagnose`). */
export type ScriptRun = "activate" | "check" | "diagnose";

/** A TAT command and the timeout (seconds) its invocations use. */
export interface ScriptCommand {
    command: tencentcloud.TatCommand;
    timeoutSeconds: number;
}

/** The shared TAT command that runs `script` as `run`, through `provider`. */
export function scriptTatCommand(
    script: string,
    run: ScriptRun,
    options: Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">,
    provider: pulumi.ProviderResource | undefined,
): ScriptCommand {
    const worst = run === "activate" ? worstCaseSeconds(options) : run === "check" ? CHECK_WAIT.tries * CHECK_WAIT.pauseSeconds : diagnoseWorstCaseSeconds();
    const timeoutSeconds = worst + TAT_TIMEOUT_MARGIN_SECONDS;
    const args = run === "activate" ? "" : run === "check" ? "/check" : "/diagnose";
    return { command: sharedTatCommand(renderCarrier(script, "report", args), timeoutSeconds, provider), timeoutSeconds };
}
