/**
 * knownValue: a known output gives its value, an unknown one (a preview of a resource to be created)
 * gives undefined; secrets and promises are values like any other.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { knownValue } from "../components/known";
import { MockCloud } from "./support/mockCloud";
import { deploy } from "./support/deploy";

describe("knownValue", () => {
    test("known values, secret or not, from a promise or not", async () => {
        assert.deepEqual(await knownValue(pulumi.output("x")), { value: "x" });
        assert.deepEqual(await knownValue(pulumi.secret("s")), { value: "s" });
        assert.deepEqual(await knownValue(pulumi.output(Promise.resolve(3))), { value: 3 });
        assert.deepEqual(await knownValue(pulumi.output(undefined)), { value: undefined });
    });

    test("in a preview: a new resource's ID is unknown, an existing one's is known", async () => {
        const cloud = new MockCloud();
        const program = async () => {
            const sg = new tencentcloud.SecurityGroup("sg", { name: "sg" });
            return knownValue(sg.id as pulumi.Output<string>);
        };
        const first = await deploy(cloud, program, { preview: true });
        assert.equal(first.result, undefined);
        await deploy(cloud, program);
        const again = await deploy(cloud, program, { preview: true });
        assert.match(again.result?.value ?? "", /^securitygroup-/);
    });
});
