/**
 * Property-based hostile-input tests (fast-check) of resolveActivationArgs: delivery, sshHost and
 * sshAllowedCidrs are refused by name without the value, or accepted in their one allowed form.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { DELIVERIES, resolveActivationArgs } from "../components/activationArgs";
import { PIECES, Tagged, checkRule, ctx, enumValue, hostileString, nonString } from "./support/hostileInput";

// ---------------------------------------------------------------------------------------------
// Component-level activation args: delivery, sshHost, sshAllowedCidrs
// ---------------------------------------------------------------------------------------------

const CIDR_FORM = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const validCidr = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, p]) => `${ip}/${p}`);
const cidrValue: fc.Arbitrary<Tagged> = fc.oneof(
    {
        weight: 3,
        arbitrary: fc.array(validCidr, { minLength: 1, maxLength: 20 }).map((value) => ({ value, valid: true })),
    },
    {
        weight: 6,
        arbitrary: fc
            .array(
                fc.oneof(
                    validCidr,
                    fc
                        .tuple(validCidr, fc.nat(), fc.constantFrom(...PIECES))
                        .map(([c, at, p]) => c.slice(0, at % (c.length + 1)) + p + c.slice(at % (c.length + 1))),
                    fc.constantFrom(
                        "0.0.0.0/0",
                        "10.0.0.0/33",
                        "256.0.0.0/8",
                        "10.0.0.0/08",
                        "10.0.0.0",
                        "10.0.0.0/8/8",
                        " 10.0.0.0/8",
                        "１0.0.0.0/8",
                        "::/0",
                        "10.0.0.0/-1",
                    ),
                    hostileString,
                    nonString,
                ),
                { maxLength: 22 },
            )
            .map((value) => ({ value, valid: false })),
    },
    { weight: 1, arbitrary: fc.oneof(hostileString, nonString).map((value) => ({ value, valid: false })) },
);

test("resolveActivationArgs: hostile delivery is refused by name or one of the three", () => {
    checkRule(
        "delivery",
        enumValue(DELIVERIES),
        /^activation\.delivery$/,
        (value) =>
            resolveActivationArgs(
                { delivery: value, ...(value === "ssh" ? { sshAllowedCidrs: ["198.51.100.0/24"] } : {}) } as never,
                ctx,
            ),
        (value, resolved) => {
            // null, like undefined, means "not set" (the resolver uses ??): the default applies.
            assert.ok(
                (DELIVERIES as readonly unknown[]).includes(value) || value === null,
                `accepted delivery ${String(value)}`,
            );
            assert.equal(resolved.delivery, value ?? "userData");
        },
    );
});

test("resolveActivationArgs: hostile sshHost is refused by name or public/private", () => {
    checkRule(
        "sshHost",
        enumValue(["public", "private"]),
        /^activation\.sshHost$/,
        (value) =>
            resolveActivationArgs(
                { delivery: "ssh", sshAllowedCidrs: ["198.51.100.0/24"], sshHost: value } as never,
                ctx,
            ),
        (value, resolved) => {
            assert.ok(value === "public" || value === "private" || value === null, `accepted sshHost ${String(value)}`);
            assert.equal(resolved.sshHost, value ?? "public");
        },
    );
});

test("resolveActivationArgs: hostile sshAllowedCidrs are refused by name or plain IPv4 CIDR blocks", () => {
    checkRule(
        "sshAllowedCidrs",
        cidrValue,
        /^activation\.sshAllowedCidrs(\[\d+\])?$/,
        (value) => resolveActivationArgs({ delivery: "ssh", sshAllowedCidrs: value } as never, ctx),
        (value, resolved) => {
            assert.ok(Array.isArray(value) && value.length >= 1 && value.length <= 20);
            assert.deepEqual(resolved.sshAllowedCidrs, value);
            for (const c of resolved.sshAllowedCidrs) {
                const m = CIDR_FORM.exec(c);
                assert.ok(m !== null, `accepted CIDR ${JSON.stringify(c)}`);
                assert.ok(
                    m.slice(1, 5).every((o) => Number(o) <= 255 && String(Number(o)) === o) && Number(m[5]) <= 32,
                    `accepted CIDR ${c}`,
                );
            }
        },
    );
});
