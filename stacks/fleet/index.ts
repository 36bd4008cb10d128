/**
 * Example stack: Windows servers that already exist (made by hand, by Terraform, by another stack)
 * audited, then activated against Tencent's KMS through TAT, and kept activated. Copy it into your
 * own project; every setting comes from stack config:
 *
 *   pulumi config set --path 'instanceIds[0]' ins-xxxxxxxx
 *   pulumi config set --path 'instanceIds[1]' ins-yyyyyyyy
 *   pulumi up                                     # first: mode audit (this example's default) reports,
 *                                                 #   changes nothing in licensing
 *   pulumi config set mode activate               # then: activate
 *   pulumi up
 *
 * The IDs can also come from another stack: `new pulumi.StackReference("org/servers/prod").getOutput("instanceIds")`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ActivationMode, WindowsActivation } from "tencentcloud-windows";

const config = new pulumi.Config();
const mode = (config.get("mode") ?? "audit") as ActivationMode;

const fleet = new WindowsActivation("windows-fleet", {
    instanceIds: config.requireObject<string[]>("instanceIds"),
    mode,
    // keepActivated runs the script every Sunday 03:00 (UTC+8) on every running instance; audits change nothing.
    activation: mode === "activate" ? { keepActivated: true } : undefined,
});

/** Stack outputs: counts, every failed instance with its root cause, and each instance's result. */
export const summary = fleet.summary;
export const results = fleet.results;
