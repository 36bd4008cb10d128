/**
 * CrossGuard policy pack for Windows Server CVMs on Tencent Cloud. Run it with
 * `pulumi preview --policy-pack policy`; see README.md. Only wiring here: the policies live in
 * `policies/`.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
    description:
        "Windows Server CVMs on Tencent Cloud come up activated through the tencentcloud-windows component, keep the TAT agent, and never open SSH to the whole internet.",
    displayName: "Tencent Cloud Windows servers",
    provider: "tencentcloud",
    tags: ["tencentcloud", "windows", "activation", "security"],
    policies,
});
