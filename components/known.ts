/**
 * Whether an output's value is known: in a preview, the ID of a resource that will be created (or
 * replaced) is not. Components decide differently for a value they can read (ask the cloud about an
 * existing server) and one they cannot (show what an update would create).
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * `{ value }` once `output` resolves to a known value, or undefined when it resolves unknown (only in
 * a preview). Public API only: an apply's callback runs exactly when the value is known, and
 * `pulumi.isSecret` of the applied output resolves after the callback has run or been skipped.
 */
export async function knownValue<T>(output: pulumi.Output<T>): Promise<{ value: T } | undefined> {
    let seen: { value: T } | undefined;
    const probe = output.apply((value) => {
        seen = { value };
        return true;
    });
    await pulumi.isSecret(probe);
    return seen;
}
