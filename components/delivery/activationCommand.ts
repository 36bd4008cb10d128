/**
 * The TAT commands that run the activation script: the carrier around the script, with the
 * argument of the run (none, `/check` or `/diagnose`), and a timeout sized from that run's worst
 * case. Every component that runs the script through TAT asks here, so that one script and run
 * give one shared command (`sharedTatCommand`), whoever asks.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResolvedActivationScriptOptions } from "../activation/options";
import {
    TAT_TIMEOUT_MARGIN_SECONDS,
    checkWorstCaseSeconds,
    diagnoseWorstCaseSeconds,
    worstCaseSeconds,
} from "../activation/schedule";
import { ScriptArguments, renderCarrier } from "./carrier";
import { sharedTatCommand } from "./tat";

/**
 * Every run of the script a command can start: activate it, report
 * the first-boot run (`/check`), or diagnose read-only (`/diagnose`).
 */
export const SCRIPT_RUNS = ["activate", "check", "diagnose"] as const;

/** Which run of the script a command starts (one of {@link SCRIPT_RUNS}). */
export type ScriptRun = (typeof SCRIPT_RUNS)[number];

/**
 * The carrier (PowerShell) a TAT command of `run` carries: `script`
 * written to the server, then run with the run's argument.
 */
export function renderScriptRunCarrier(script: string, run: ScriptRun): string {
    const args: ScriptArguments = run === "activate" ? "" : run === "check" ? "/check" : "/diagnose";
    return renderCarrier(script, "report", args);
}

/** The ID of a TAT command and the timeout (seconds) its invocations use. */
export interface ScriptCommand {
    commandId: pulumi.Output<string>;
    timeoutSeconds: number;
}

type Timing = Pick<ResolvedActivationScriptOptions, "maxAttempts" | "retryDelaySeconds">;

/**
 * The TAT command timeout (seconds) of `run` with these settings:
 * the run's worst case plus {@link TAT_TIMEOUT_MARGIN_SECONDS}.
 */
export function scriptRunTimeoutSeconds(run: ScriptRun, options: Timing): number {
    const worst =
        run === "activate"
            ? worstCaseSeconds(options)
            : run === "check"
              ? checkWorstCaseSeconds(options)
              : diagnoseWorstCaseSeconds();
    return worst + TAT_TIMEOUT_MARGIN_SECONDS;
}

/** The shared TAT command that runs `script` as `run`, through `provider`. */
export function scriptTatCommand(
    script: string,
    run: ScriptRun,
    options: Timing,
    provider: pulumi.ProviderResource | undefined,
): ScriptCommand {
    const timeoutSeconds = scriptRunTimeoutSeconds(run, options);
    return {
        commandId: sharedTatCommand(renderScriptRunCarrier(script, run), timeoutSeconds, provider),
        timeoutSeconds,
    };
}
