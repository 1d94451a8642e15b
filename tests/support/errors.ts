// test helper: the OmnispecError code a call throws ("not-omnispec" for any other throw), or undefined.
import { OmnispecError } from "../../src/errors.js";

export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof OmnispecError ? e.code : "not-omnispec";
  }
  return undefined;
}
