import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { MockCloud } from "../support/mockCloud";

const cloud = new MockCloud();
let lookup: typeof import("../../components/images/imageLookup");

before(async () => {
    await cloud.start("tencentcloud-windows", "test");
    lookup = await import("../../components/images/imageLookup");
});

describe("getImages look-ups", () => {
    test("nothing matching is a clear error", async () => {
        await assert.rejects(
            lookup.findWindowsImage({ version: "2008R2", edition: "Enterprise", language: "en" }, undefined),
            /No Tencent public image matches Windows Server 2008R2 Enterprise \(en\)/,
        );
    });

    test("a custom image, a Linux image and an unknown image are refused by ID", async () => {
        await assert.rejects(
            lookup.checkPublicWindowsImage("img-custom01", undefined),
            /Invalid argument 'imageId': image img-custom01 .* is not a Tencent public Windows image \(type PRIVATE_IMAGE/,
        );
        await assert.rejects(
            lookup.checkPublicWindowsImage("img-linux001", undefined),
            /is not a Tencent public Windows image \(type PUBLIC_IMAGE, platform TencentOS\)/,
        );
        await assert.rejects(lookup.checkPublicWindowsImage("img-nothere1", undefined), /img-nothere1 was not found/);
    });

    test("the same query is invoked once, another provider invokes again", async () => {
        const count = () => cloud.calls.filter((c) => c.inputs.imageNameRegex === "^Windows Server 2016 ").length;
        const q = { version: "2016" as const, edition: "Datacenter" as const, language: "zh" as const };
        await Promise.all([
            lookup.findWindowsImage(q, undefined),
            lookup.findWindowsImage({ ...q, language: "en" }, undefined),
        ]);
        assert.equal(count(), 1);
        const other = new (await import("@pulumi/tencentcloud")).Provider("hk", { region: "ap-hongkong" });
        assert.equal((await lookup.findWindowsImage(q, other)).imageId, "img-2016zh01");
        assert.equal(count(), 2);
    });

    test("the name of the image a server runs: the chosen one's without an invoke, the catalog's otherwise, empty when retired", async () => {
        const chosen = { imageId: "img-2022zh02", imageName: "chosen name" };
        const before = cloud.calls.length;
        assert.equal(await lookup.runningImageName("img-2022zh02", chosen, undefined), "chosen name");
        assert.equal(cloud.calls.length, before, "no invoke when the server runs the chosen image");
        assert.equal(
            await lookup.runningImageName("img-2019zh01", chosen, undefined),
            "Windows Server 2019 数据中心版 64位中文版",
        );
        assert.equal(
            await lookup.runningImageName("img-retired1", chosen, undefined),
            "",
            "a retired image never fails the deployment",
        );
    });
});
