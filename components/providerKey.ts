/**
 * A short key per explicit provider, for resources and invokes that the component shares across
 * servers (one per provider, since providers differ in region or account).
 */
import * as pulumi from "@pulumi/pulumi";

const keys = new Map<pulumi.ProviderResource, string>();

/** "" for the default provider; "p1", "p2", ... for explicit providers, in order of first use. */
export function providerKey(provider: pulumi.ProviderResource | undefined): string {
    if (provider === undefined) {
        return "";
    }
    let key = keys.get(provider);
    if (key === undefined) {
        key = `p${keys.size + 1}`;
        keys.set(provider, key);
    }
    return key;
}
