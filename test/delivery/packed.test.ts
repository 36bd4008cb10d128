import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { renderActivationScript } from "../../components/activation/script";
import { PACKED_ALPHABET, expandPacked, pack } from "../../components/delivery/packed";
import { PACKED_TEXT, expanded } from "../support/carrier";

describe("packed text", () => {
    test("any bytes come back whole through the decoder that applies Expand-Packed's steps", () => {
        fc.assert(
            fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
                const text = pack(Buffer.from(bytes));
                assert.match(text, new RegExp(`^${PACKED_TEXT}*$`));
                assert.deepEqual(expanded(text), Buffer.from(bytes));
            }),
            { numRuns: 300 },
        );
    });

    test("85 digits, none that ends a single-quoted PowerShell string or looks like a <powershell> tag", () => {
        assert.equal(PACKED_ALPHABET.length, 85);
        assert.equal(new Set(PACKED_ALPHABET).size, 85);
        assert.doesNotMatch(PACKED_ALPHABET, /['<>\s]/);
        assert.match(PACKED_ALPHABET, /^[\x21-\x7e]+$/);
        assert.equal(
            PACKED_ALPHABET,
            '()*+,-./0123456789:;!="?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|',
        );
        assert.equal(expandPacked(Buffer.from("x")), `(Expand-Packed '${pack(Buffer.from("x"))}')`);
    });

    test("5 characters for every 4 deflated bytes: the script takes 6% less than base64 of the same deflate", () => {
        const script = Buffer.from(renderActivationScript());
        const deflated = deflateRawSync(script, { level: 9 });
        const text = pack(script);
        assert.equal(text.length, Math.ceil(deflated.length / 4) * 5);
        assert.ok(
            text.length < deflated.toString("base64").length * 0.95,
            `${text.length} against ${deflated.toString("base64").length}`,
        );
    });
});
