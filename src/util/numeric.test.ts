import { describe, expect, it } from "vitest";
import {
  arangeFloat32Torch,
  ceilByFactor,
  floorByFactor,
  floorDiv,
  formatFixed,
  linspaceFloat32Torch,
  linspaceFloat64,
  pyFloatRepr,
  roundByFactor,
  roundHalfEven,
} from "./numeric.js";

describe("roundHalfEven", () => {
  it("rounds exact halves to the even neighbour, like python", () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 4, -2, -2]);
  });
  it("rounds everything else to the nearest integer", () => {
    expect([2.4999999999999996, 2.5000000000000004, -0.2, 7].map(roundHalfEven)).toEqual([2, 3, 0, 7]);
  });
  it("gives the tie cases of smart_resize (H = 14 mod 28) the even multiple", () => {
    expect([14, 42, 70, 98, 126].map((h) => roundByFactor(h, 28))).toEqual([0, 56, 56, 112, 112]);
  });
});

describe("floorDiv and factor helpers", () => {
  it("floors toward minus infinity for negative operands", () => {
    expect([floorDiv(-1, 2), floorDiv(7, 2), floorDiv(-7, 2), floorDiv(7, -2), floorDiv(6, 3)]).toEqual([-1, 3, -4, -4, 2]);
  });
  it("handles floats as python does", () => {
    expect([floorDiv(7.5, 2), floorDiv(-7.5, 2), floorDiv(0.3, 0.1)]).toEqual([3, -4, 2]);
  });
  it("rejects division by zero", () => {
    expect(() => floorDiv(1, 0)).toThrow(RangeError);
  });
  it("ceil/floor by factor", () => {
    expect([ceilByFactor(29, 28), ceilByFactor(28, 28), floorByFactor(55, 28), floorByFactor(56, 28)]).toEqual([56, 28, 28, 56]);
  });
});

describe("formatFixed (python .1f)", () => {
  it("rounds exact binary ties to even where toFixed rounds up", () => {
    expect(formatFixed(0.25, 1)).toBe("0.2");
    expect((0.25).toFixed(1)).toBe("0.3");
    expect([1.25, 0.75, 1.75, 4.25].map((x) => formatFixed(x, 1))).toEqual(["1.2", "0.8", "1.8", "4.2"]);
  });
  it("rounds inexact decimals by their binary value", () => {
    expect([0.05, 2.35, 0.35, 9.966666666666667].map((x) => formatFixed(x, 1))).toEqual(["0.1", "2.4", "0.3", "10.0"]);
  });
  it("agrees with toFixed whenever there is no exact tie", () => {
    let seed = 7;
    for (let k = 0; k < 2000; k++) {
      seed = (seed * 48271) % 2147483647;
      const x = (seed / 2147483647) * 1000;
      expect(formatFixed(x, 1)).toBe(x.toFixed(1));
      expect(formatFixed(x, 3)).toBe(x.toFixed(3));
    }
  });
  it("rounds every quarter as python does (.25 -> .2, .75 -> .8)", () => {
    for (let k = 0; k < 400; k++) {
      const x = k / 4;
      const whole = Math.floor(x);
      const want = k % 4 === 1 ? `${whole}.2` : k % 4 === 3 ? `${whole}.8` : x.toFixed(1);
      expect(formatFixed(x, 1)).toBe(want);
    }
  });
  it("prints signs, zero digits and non-finite values like python", () => {
    expect([formatFixed(-0.04, 1), formatFixed(-1.25, 1), formatFixed(2.5, 0), formatFixed(3.5, 0)]).toEqual(["-0.0", "-1.2", "2", "4"]);
    expect([formatFixed(Number.NaN, 1), formatFixed(Infinity, 1)]).toEqual(["nan", "inf"]);
  });
});

describe("pyFloatRepr", () => {
  it("writes floats as python's repr does in error messages", () => {
    expect([pyFloatRepr(201), pyFloatRepr(200.03571428571428), pyFloatRepr(0.1), pyFloatRepr(1e-5)]).toEqual(["201.0", "200.03571428571428", "0.1", "1e-05"]);
    expect([pyFloatRepr(1e16), pyFloatRepr(-2.5e-7), pyFloatRepr(123456.789), pyFloatRepr(0.0001), pyFloatRepr(-0)]).toEqual(["1e+16", "-2.5e-07", "123456.789", "0.0001", "-0.0"]);
  });
});

describe("linspace and arange emulation", () => {
  it("float32 torch linspace hits both endpoints and has the requested length", () => {
    for (const [s, e, n] of [[0, 299, 20], [60, 195, 8], [0, 107999, 768], [0, 1, 1]] as const) {
      const v = linspaceFloat32Torch(s, e, n);
      expect(v.length).toBe(n);
      expect(v[0]).toBe(s);
      if (n > 1) expect(v[n - 1]).toBe(e);
    }
    expect(linspaceFloat32Torch(0, 5, 0).length).toBe(0);
  });
  it("float32 linspace agrees with exact arithmetic on short clips", () => {
    for (let n = 2; n <= 64; n += 2) {
      const torch = Array.from(linspaceFloat32Torch(0, 299, n), roundHalfEven);
      expect(torch).toEqual(linspaceFloat64(0, 299, n).map(roundHalfEven));
    }
  });
  it("numpy linspace sets the last value to stop exactly", () => {
    const v = linspaceFloat64(0, 1, 7);
    expect(v[6]).toBe(1);
    expect(v[3]).toBeCloseTo(0.5, 15);
  });
  it("torch arange has ceil((end-start)/step) float32 values", () => {
    expect(Array.from(arangeFloat32Torch(0, 10, 2.5))).toEqual([0, 2.5, 5, 7.5]);
    const a = arangeFloat32Torch(0, 108000, 108000 / 768);
    expect(a.length).toBe(768);
    expect(Array.from(a.slice(0, 3), Math.trunc)).toEqual([0, 140, 281]);
    expect(() => arangeFloat32Torch(0, 1, 0)).toThrow(RangeError);
  });
});
