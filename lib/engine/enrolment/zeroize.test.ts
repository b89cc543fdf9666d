import { describe, expect, it } from "vitest";
import { zeroize } from "@/lib/engine/enrolment/zeroize";

describe("zeroize", () => {
  it("overwrites every buffer in place, including views, and skips undefined", () => {
    const whole = Uint8Array.of(1, 2, 3, 4);
    const buffer = Buffer.from([5, 6, 7]);
    const view = new Uint8Array(new Uint8Array([9, 9, 9, 9]).buffer, 1, 2);
    zeroize(whole, undefined, buffer, view);
    expect([...whole, ...buffer]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect([...new Uint8Array(view.buffer)]).toEqual([9, 0, 0, 9]);
  });
});
