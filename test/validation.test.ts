import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as v from "../components/validation";

const HOSTILE = [
    "",
    "a&b",
    "a|b",
    "a<b",
    "a>b",
    "a^b",
    "%PATH%",
    "!x!",
    '"x"',
    "(x)",
    "a\r\nb",
    "a\nb",
    "a b",
    "`calc`",
    "$(calc)",
    "ｋｍｓ.com",
    "kms.tencentyun.com.",
    "-kms.com",
    "kms-.com",
    "a".repeat(64) + ".com",
    ("a".repeat(60) + ".").repeat(5) + "com",
];

function refused(fn: () => unknown, field: string): void {
    assert.throws(
        fn,
        (e: unknown) =>
            e instanceof v.ArgumentError && e.field === field && e.message.startsWith(`Invalid argument '${field}'`),
    );
}

describe("validation rules", () => {
    test("hosts: DNS names and IPv4 only", () => {
        for (const ok of [
            "kms.tencentyun.com",
            "kms1.tencentyun.com",
            "ntpupdate.tencentyun.com",
            "localhost",
            "10.0.0.1",
            "255.255.255.255",
            "a-b.c-d.example",
        ]) {
            assert.equal(v.requireHost("h", ok), ok);
        }
        for (const bad of [...HOSTILE, "256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.4 ", 5, null, undefined, ["a.com"]]) {
            refused(() => v.requireHost("h", bad), "h");
        }
    });

    test("host lists: bounded length, each element named", () => {
        assert.deepEqual(v.requireHostList("l", ["a.com", "1.2.3.4"], 1, 4), ["a.com", "1.2.3.4"]);
        refused(() => v.requireHostList("l", [], 1, 4), "l");
        refused(() => v.requireHostList("l", ["a.com", "b.com", "c.com", "d.com", "e.com"], 1, 4), "l");
        refused(() => v.requireHostList("l", "a.com", 1, 4), "l");
        refused(() => v.requireHostList("l", ["a.com", "b&c"], 1, 4), "l[1]");
    });

    test("NTP peers: a host, optionally a comma and w32time flags 0x1-0xF; one message whatever the value", () => {
        assert.deepEqual(v.requireNtpPeerList("n", ["time.example.com", "10.0.0.1,0x9", "a.b,0xF"], 1, 4), [
            "time.example.com",
            "10.0.0.1,0x9",
            "a.b,0xF",
        ]);
        const messages = new Set<string>();
        for (const bad of [
            "a.com,0x0",
            "a.com,0x10",
            "a.com,8",
            "a.com,",
            ",0x8",
            "a.com,0x8,0x1",
            "a&b,0x8",
            "a.com,0x8 ",
            "a.com;0x8",
        ]) {
            assert.throws(
                () => v.requireNtpPeerList("n", [bad], 1, 4),
                (e: unknown) =>
                    e instanceof v.ArgumentError &&
                    e.field === "n[0]" &&
                    !e.message.includes(bad) &&
                    messages.add(e.message) !== undefined,
            );
        }
        assert.equal(messages.size, 1);
        refused(() => v.requireNtpPeerList("n", [], 1, 4), "n");
    });

    test("cron: 5 fields of numbers, '*', ranges, lists and steps within each field's range", () => {
        for (const ok of [
            "0 3 * * 0",
            "*/15 * * * *",
            "0 0-23/2 1,15 1-12 1-5",
            "59 23 31 12 7",
            "5,10,20-30/5 4 * * *",
        ]) {
            assert.equal(v.requireCron("c", ok), ok);
        }
        for (const bad of [
            "",
            "0 3 * *",
            "0 3 * * 0 0",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 8",
            "5-1 * * * *",
            "*/0 * * * *",
            "1/5 * * * *",
            "MON * * * *",
            "0  3 * * 0",
            "0 3 * * 0\n",
            "0 3 * * 0 & calc",
            "? * * * *",
            5,
        ]) {
            refused(() => v.requireCron("c", bad), "c");
        }
    });

    test("integers: whole and in range", () => {
        assert.equal(v.requireInteger("n", 1688, 1, 65535), 1688);
        for (const bad of [0, 65536, 1.5, -1, NaN, Infinity, "1688", null]) {
            refused(() => v.requireInteger("n", bad, 1, 65535), "n");
        }
    });

    test("CIDR blocks", () => {
        assert.equal(v.requireCidr("c", "203.0.113.0/24"), "203.0.113.0/24");
        assert.equal(v.requireCidr("c", "0.0.0.0/0"), "0.0.0.0/0");
        for (const bad of ["203.0.113.0", "203.0.113.0/33", "203.0.113.0/24 ", "::/0", "x/24", 24]) {
            refused(() => v.requireCidr("c", bad), "c");
        }
    });

    test("Windows hostnames", () => {
        for (const ok of ["web-01", "AB", "a".repeat(15)]) {
            assert.equal(v.requireWindowsHostname("hn", ok), ok);
        }
        for (const bad of ["a", "a".repeat(16), "12345", "a.b", "a_b", "a&b", ""]) {
            refused(() => v.requireWindowsHostname("hn", bad), "hn");
        }
    });

    test("Windows passwords: 12-30 chars, 3 of 4 classes, allowed specials only; the value never appears in the error", () => {
        for (const ok of ["Abcdefgh1234", "abcdefgh12()", "ABCDEFGH!@#1", "Aa1" + "x".repeat(27)]) {
            assert.equal(v.requireWindowsPassword("pw", ok), ok);
        }
        for (const bad of [
            "Abcdefgh123",
            "Aa1" + "x".repeat(28),
            "abcdefghijkl",
            "abcdefgh1234",
            "Abcdefgh123\u00e9",
            "Abcdefgh12 3",
            'Abcdefgh12"3',
            "Abcdefgh12\\3",
        ]) {
            assert.throws(
                () => v.requireWindowsPassword("pw", bad),
                (e: any) => e instanceof v.ArgumentError && e.field === "pw" && !e.message.includes(bad),
            );
        }
    });

    test("one-of and boolean", () => {
        assert.equal(v.requireOneOf("d", "tat", ["userData", "tat"] as const), "tat");
        refused(() => v.requireOneOf("d", "TAT", ["userData", "tat"] as const), "d");
        assert.equal(v.requireBoolean("b", false), false);
        refused(() => v.requireBoolean("b", "false"), "b");
    });
});
