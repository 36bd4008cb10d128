import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ImageInfo, imageLanguage, imageNameRegex, matchesImage, pickImage } from "../../components/images/imageNames";

const img = (
    imageName: string,
    createdTime = "2025-01-01",
    imageType = "PUBLIC_IMAGE",
    platform = "Windows",
): ImageInfo => ({
    imageId: `img-${imageName.length}`,
    imageName,
    imageType,
    platform,
    createdTime,
});

describe("image names", () => {
    test("languages of China-site and international names", () => {
        assert.equal(imageLanguage("Windows Server 2019 数据中心版 64位中文版"), "zh");
        assert.equal(imageLanguage("Windows Server 2019 数据中心版 64位英文版"), "en");
        assert.equal(imageLanguage("Windows Server 2019 DataCenter 64bit EN"), "en");
        assert.equal(imageLanguage("Windows Server 2019 DataCenter 64bit English"), "en");
        assert.equal(imageLanguage("Windows Server 2019 DataCenter 64bit Chinese"), "zh");
        assert.equal(imageLanguage("Windows Server 2008 R2 企业版 SP1 64位"), "zh");
        assert.equal(imageLanguage("Windows Server 2019 DataCenter 64bit"), undefined);
    });

    test("the server-side regex tells 2012 from 2012 R2", () => {
        assert.equal(imageNameRegex("2012R2"), "^Windows Server 2012 R2 ");
        assert.equal(imageNameRegex("2019"), "^Windows Server 2019 ");
        const q = { version: "2012R2" as const, edition: "Datacenter" as const, language: "zh" as const };
        assert.equal(matchesImage(img("Windows Server 2012 R2 数据中心版 64位中文版"), q), true);
        assert.equal(matchesImage(img("Windows Server 2012 数据中心版 64位中文版"), q), false);
        assert.equal(
            matchesImage(img("Windows Server 2012 R2 数据中心版 64位中文版"), { ...q, version: "2016" }),
            false,
        );
    });

    test("editions: Datacenter, Standard and Enterprise in both scripts", () => {
        const q = { version: "2022" as const, language: "zh" as const };
        assert.equal(matchesImage(img("Windows Server 2022 标准版 64位中文版"), { ...q, edition: "Standard" }), true);
        assert.equal(
            matchesImage(img("Windows Server 2022 标准版 64位中文版"), { ...q, edition: "Datacenter" }),
            false,
        );
        assert.equal(
            matchesImage(img("Windows Server 2022 Standard 64bit Chinese"), { ...q, edition: "Standard" }),
            true,
        );
        assert.equal(
            matchesImage(img("Windows Server 2008 R2 企业版 SP1 64位"), {
                version: "2008R2",
                edition: "Enterprise",
                language: "zh",
            }),
            true,
        );
    });

    test("only public Windows images match", () => {
        const q = { version: "2022" as const, edition: "Datacenter" as const, language: "zh" as const };
        assert.equal(matchesImage(img("Windows Server 2022 数据中心版 64位中文版", "2025", "PRIVATE_IMAGE"), q), false);
        assert.equal(
            matchesImage(img("Windows Server 2022 数据中心版 64位中文版", "2025", "PUBLIC_IMAGE", "Linux"), q),
            false,
        );
    });

    test("pickImage takes the newest match and explains an empty result", () => {
        const q = { version: "2019" as const, edition: "Datacenter" as const, language: "en" as const };
        const older = { ...img("Windows Server 2019 DataCenter 64bit EN", "2024-01-01"), imageId: "img-older" };
        const newer = { ...img("Windows Server 2019 DataCenter 64bit EN", "2025-02-01"), imageId: "img-newer" };
        assert.equal(pickImage([older, newer], q).imageId, "img-newer");
        assert.throws(
            () => pickImage([img("Windows Server 2019 数据中心版 64位中文版")], q),
            /No Tencent public image matches Windows Server 2019 Datacenter \(en\)\. Images seen for this version: Windows Server 2019 数据中心版 64位中文版/,
        );
    });
});
