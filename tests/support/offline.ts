// test helper: makes every network call throw (globalThis.fetch and transformers.js' env.fetch) and counts the attempts.
import { env } from "@huggingface/transformers";

/** Installs the tripwire and turns off remote models and the FS cache; `attempts()` is how often it was touched. */
export function fetchTripwire(): { attempts(): number } {
  let attempts = 0;
  const trip = (() => {
    attempts++;
    throw new Error("network access during an offline test");
  }) as typeof fetch;
  globalThis.fetch = trip;
  env.fetch = trip;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  return { attempts: () => attempts };
}
