/**
 * Sets Pulumi's mock engine to a fresh MockCloud before a test file's tests run, then loads the
 * library (which must happen after the mocks are set).
 */
import { before } from "node:test";
import { MockCloud } from "./mockCloud";

type Library = typeof import("../../components");

/** The mock cloud of this test file, and the library loaded against it (usable once `before` has run). */
export function useMockCloud(): { cloud: MockCloud; mod: Library } {
    const cloud = new MockCloud();
    let loaded: Library | undefined;
    before(async () => {
        await cloud.start("tencentcloud-windows", "test");
        loaded = await import("../../components");
    });
    const mod = new Proxy({} as Library, { get: (_, key) => (loaded as any)[key] });
    return { cloud, mod };
}
