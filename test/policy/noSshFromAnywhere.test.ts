import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
    RULE_SET_TYPE,
    RULE_TYPE,
    isWholeAddressSpace,
    portSpecIncludes,
    validateNoSshFromAnywhere,
} from "../../policy/policies/noSshFromAnywhere";
import { UNKNOWN_ARRAY, UNKNOWN_STRING, recorder, resourceArgs } from "./engine";

function run(type: string, props: Record<string, unknown>) {
    const { report, violations } = recorder();
    validateNoSshFromAnywhere(resourceArgs(type, "sg", props), report);
    return violations.map((v) => v.message);
}

/** A SecurityGroupRuleSet with one ingress rule (ACCEPT TCP 22 from 0.0.0.0/0 unless overridden). */
function ruleSet(rule: Record<string, unknown>) {
    return run(RULE_SET_TYPE, {
        securityGroupId: "sg-12345678",
        ingresses: [{ action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "22", ...rule }],
    });
}

/** A SecurityGroupRule (ingress ACCEPT TCP 22 from 0.0.0.0/0 unless overridden). */
function singleRule(rule: Record<string, unknown>) {
    return run(RULE_TYPE, {
        securityGroupId: "sg-12345678",
        type: "ingress",
        cidrIp: "0.0.0.0/0",
        ipProtocol: "TCP",
        portRange: "22",
        policy: "ACCEPT",
        ...rule,
    });
}

describe("no-ssh-from-anywhere: SecurityGroupRuleSet", () => {
    test("passes SSH from a narrow block, and other ports from anywhere", () => {
        assert.deepEqual(ruleSet({ cidrBlock: "10.0.0.0/8" }), []);
        assert.deepEqual(ruleSet({ port: "3389" }), []);
    });

    test("reports TCP 22 from 0.0.0.0/0 with the rule's index and what to change", () => {
        const messages = ruleSet({});
        assert.equal(messages.length, 1);
        assert.match(
            messages[0],
            /ingresses\[0\] accepts SSH \(TCP 22\): protocol "TCP", port "22" from 0\.0\.0\.0\/0/,
        );
        assert.match(messages[0], /cidrBlock\/ipv6CidrBlock to a narrower block/);
    });

    test("port ranges, lists and ALL that contain 22 count; those that do not, do not", () => {
        for (const port of ["20-30", "22-22", "1-65535", "80,22,443", "80, 20-25", "ALL", "all"]) {
            assert.equal(ruleSet({ port }).length, 1, port);
        }
        for (const port of ["23-30", "1-21", "80,443", "2222", "220"]) {
            assert.deepEqual(ruleSet({ port }), [], port);
        }
    });

    test("protocol ALL, or no protocol and port at all (the provider's default: everything), counts", () => {
        assert.equal(ruleSet({ protocol: "ALL", port: "ALL" }).length, 1);
        assert.equal(ruleSet({ protocol: "all", port: "all" }).length, 1);
        assert.equal(ruleSet({ protocol: undefined, port: undefined }).length, 1);
        assert.equal(ruleSet({ protocol: "tcp", port: undefined }).length, 1);
        assert.deepEqual(ruleSet({ protocol: "UDP" }), []);
        assert.deepEqual(ruleSet({ protocol: "ICMP", port: undefined }), []);
    });

    test("IPv6 ::/0 counts", () => {
        assert.equal(ruleSet({ cidrBlock: undefined, ipv6CidrBlock: "::/0" }).length, 1);
        assert.deepEqual(ruleSet({ cidrBlock: undefined, ipv6CidrBlock: "2402:4e00::/32" }), []);
    });

    test("DROP rules, egress rules and rules whose ports live in a service template are ignored", () => {
        assert.deepEqual(ruleSet({ action: "DROP" }), []);
        assert.deepEqual(ruleSet({ action: "drop" }), []);
        assert.equal(ruleSet({ action: "accept" }).length, 1);
        assert.deepEqual(ruleSet({ protocol: undefined, port: undefined, serviceTemplateId: "ppm-12345678" }), []);
        assert.deepEqual(ruleSet({ protocol: undefined, port: undefined, serviceTemplateGroup: "ppmg-12345678" }), []);
        assert.deepEqual(
            run(RULE_SET_TYPE, {
                egresses: [{ action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "22" }],
            }),
            [],
        );
    });

    test("reports each offending rule of a set", () => {
        const messages = run(RULE_SET_TYPE, {
            ingresses: [
                { action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "3389" },
                { action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "22" },
                { action: "DROP", cidrBlock: "0.0.0.0/0", protocol: "ALL", port: "ALL" },
                { action: "ACCEPT", ipv6CidrBlock: "::/0", protocol: "ALL", port: "ALL" },
            ],
        });
        assert.deepEqual(
            messages.map((m) => /ingresses\[(\d)\]/.exec(m)?.[1]),
            ["1", "3"],
        );
    });

    test("unknown values during preview neither crash nor count", () => {
        assert.deepEqual(ruleSet({ cidrBlock: UNKNOWN_STRING }), []);
        assert.deepEqual(ruleSet({ port: UNKNOWN_STRING }), []);
        assert.deepEqual(ruleSet({ action: UNKNOWN_STRING }), []);
        assert.deepEqual(ruleSet({ protocol: undefined, port: undefined, serviceTemplateId: UNKNOWN_STRING }), []);
        assert.deepEqual(run(RULE_SET_TYPE, { ingresses: UNKNOWN_ARRAY }), []);
        // An unknown item does not stop the check of the others.
        const messages = run(RULE_SET_TYPE, {
            ingresses: [UNKNOWN_STRING, { action: "ACCEPT", cidrBlock: "0.0.0.0/0", protocol: "TCP", port: "22" }],
        });
        assert.equal(messages.length, 1);
        assert.match(messages[0], /ingresses\[1\]/);
    });
});

describe("no-ssh-from-anywhere: SecurityGroupRule", () => {
    test("passes a narrow source, and reports TCP 22 from anywhere", () => {
        assert.deepEqual(singleRule({ cidrIp: "203.0.113.0/24" }), []);
        const messages = singleRule({});
        assert.equal(messages.length, 1);
        assert.match(messages[0], /SecurityGroupRule "sg" accepts SSH/);
        assert.match(messages[0], /Set cidrIp to a narrower block/);
    });

    test("ranges, lists, ALL, default protocol and IPv6 count", () => {
        assert.equal(singleRule({ portRange: "1-1024" }).length, 1);
        assert.equal(singleRule({ portRange: "21,22" }).length, 1);
        assert.equal(singleRule({ ipProtocol: "ALL", portRange: undefined }).length, 1);
        assert.equal(singleRule({ ipProtocol: undefined, portRange: undefined }).length, 1);
        assert.equal(singleRule({ cidrIp: "::/0" }).length, 1);
        assert.deepEqual(singleRule({ portRange: "3389" }), []);
    });

    test("DROP, egress, a protocol template and unknowns are ignored", () => {
        assert.deepEqual(singleRule({ policy: "drop" }), []);
        assert.deepEqual(singleRule({ policy: "DROP" }), []);
        assert.deepEqual(singleRule({ type: "egress" }), []);
        assert.equal(singleRule({ type: "INGRESS", policy: "accept" }).length, 1);
        assert.deepEqual(
            singleRule({
                ipProtocol: undefined,
                portRange: undefined,
                protocolTemplate: { templateId: "ppm-12345678" },
            }),
            [],
        );
        assert.deepEqual(singleRule({ cidrIp: UNKNOWN_STRING }), []);
        assert.deepEqual(singleRule({ portRange: UNKNOWN_STRING }), []);
        assert.deepEqual(singleRule({ type: UNKNOWN_STRING }), []);
    });

    test("other resource types are ignored", () => {
        assert.deepEqual(
            run("tencentcloud:index/securityGroup:SecurityGroup", {
                ingresses: [{ action: "ACCEPT", cidrBlock: "0.0.0.0/0" }],
            }),
            [],
        );
    });
});

describe("port and address helpers", () => {
    test("portSpecIncludes", () => {
        assert.equal(portSpecIncludes(undefined, 22), true);
        assert.equal(portSpecIncludes("", 22), true);
        assert.equal(portSpecIncludes("30-20", 22), true);
        assert.equal(portSpecIncludes("22x", 22), false);
    });

    test("isWholeAddressSpace", () => {
        for (const cidr of ["0.0.0.0/0", "::/0", "0::0/0", " 0.0.0.0/0 "]) {
            assert.equal(isWholeAddressSpace(cidr), true, cidr);
        }
        for (const cidr of ["0.0.0.0/1", "10.0.0.0/8", "::/128", "0.0.0.0", "::/01x"]) {
            assert.equal(isWholeAddressSpace(cidr), false, cidr);
        }
    });
});
