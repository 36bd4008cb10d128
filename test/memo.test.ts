/**
 * The renderers' memo: one computation per key, a bounded memory, nothing remembered of a call that threw.
 */
import { strict as assert } from "assert";
import { describe, test } from "node:test";
import { memoize } from "../components/memo";

describe("memoize", () => {
    test("computes a key's result once and returns the same result after", () => {
        let calls = 0;
        const square = memoize((x: number) => {
            calls++;
            return { value: x * x };
        }, String);
        const first = square(3);
        assert.equal(square(3), first, "the second call returns the remembered object");
        assert.equal(calls, 1);
        assert.deepEqual(square(4), { value: 16 });
        assert.equal(calls, 2);
    });

    test("remembers at most `limit` results, forgetting the oldest first", () => {
        const seen: number[] = [];
        const f = memoize((x: number) => seen.push(x), String, 2);
        f(1);
        f(2);
        f(3); // forgets 1
        f(2);
        f(3);
        assert.deepEqual(seen, [1, 2, 3]);
        f(1);
        assert.deepEqual(seen, [1, 2, 3, 1], "1 was forgotten and is computed again");
    });

    test("a call that throws remembers nothing, so the next call tries again", () => {
        let fail = true;
        const f = memoize(
            (x: string) => {
                if (fail) {
                    throw new Error(`bad ${x}`);
                }
                return x.toUpperCase();
            },
            (x) => x,
        );
        assert.throws(() => f("a"), /bad a/);
        fail = false;
        assert.equal(f("a"), "A");
    });

    test("servers with other settings get their own script and user data: the component's memo keys tell them apart", async () => {
        const { resolveServerArgs } = await import("../components/serverArgs");
        const args = {
            windowsVersion: "2022" as const,
            availabilityZone: "ap-guangzhou-3",
            instanceType: "S5.MEDIUM4",
            vpcId: "vpc-1",
            subnetId: "subnet-1",
            password: "Str0ng(Passw0rd)",
        };
        const plain = resolveServerArgs(args);
        const otherPort = resolveServerArgs({ ...args, activation: { kmsPort: 1689 } });
        assert.notEqual(otherPort.script, plain.script);
        assert.match(otherPort.script, /1689/);
        assert.notEqual(otherPort.userData, plain.userData);
        const withExtra = resolveServerArgs({ ...args, firstBootPowerShell: "Write-Output extra" });
        assert.equal(withExtra.script, plain.script);
        assert.notEqual(withExtra.userData, plain.userData);
        assert.equal(
            resolveServerArgs({ ...args }).userData,
            plain.userData,
            "the same settings give the same user data",
        );
    });
});
