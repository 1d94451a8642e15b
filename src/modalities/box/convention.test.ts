import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { boxFromModel, boxText, boxToModel, parseBox, type BoxFrame } from "./convention.js";

const frame: BoxFrame = { original: { width: 1800, height: 1200 }, resized: { width: 1316, height: 868 } };

describe("box conventions", () => {
  it("parses arrays and the OFASys string form", () => {
    expect(parseBox("10, 20,110,220")).toEqual([10, 20, 110, 220]);
    expect(parseBox([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });

  it("rejects malformed boxes naming the slot and the value", () => {
    for (const bad of ["1,2,3", [1, 2, 3, Number.NaN], [5, 5, 1, 1], "a,b,c,d", 7]) {
      try {
        parseBox(bad, "region");
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(OmnispecError);
        expect((e as OmnispecError).slot).toBe("region");
        expect((e as OmnispecError).value).toEqual(bad);
      }
    }
  });

  it("maps to each convention", () => {
    const box = [900, 300, 1800, 1200] as const;
    expect(boxToModel(box, frame, { convention: "qwen2-vl-rel1000" })).toEqual([500, 250, 1000, 1000]);
    expect(boxToModel(box, frame, { convention: "qwen2.5-vl-abs" })).toEqual([658, 217, 1316, 868]);
    expect(boxToModel(box, frame, { convention: "ofa-bins", bins: 1000 })).toEqual([500, 250, 999, 999]);
    expect(boxText([1, 2, 3, 4], "ofa-bins")).toBe("<bin_1><bin_2><bin_3><bin_4>");
    expect(boxText([1, 2, 3, 4], "qwen2-vl-rel1000")).toBe("(1,2),(3,4)");
  });

  it("round-trips within 1 px in every convention on a photo-sized frame", () => {
    let worst = 0;
    for (const convention of ["ofa-bins", "qwen2-vl-rel1000", "qwen2.5-vl-abs"] as const) {
      for (let i = 0; i < 500; i++) {
        const x0 = (i * 37) % 1700;
        const y0 = (i * 53) % 1100;
        const box = [x0, y0, x0 + 1 + ((i * 11) % 99), y0 + 1 + ((i * 7) % 99)] as const;
        const back = boxFromModel(boxToModel(box, frame, { convention }), frame, { convention });
        for (let k = 0; k < 4; k++) worst = Math.max(worst, Math.abs(back[k] - box[k]));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});
