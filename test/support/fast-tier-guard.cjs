// `npm run test:fast` runs no circom compile (vitest.fast.config.ts). This guard makes a test that compiles
// with circom fail there at once, instead of slipping into the fast tier and slowing it down. It is loaded
// into vitest's workers by test/support/fast-tier.ts and into every process they spawn (the CLI under tsx)
// through NODE_OPTIONS=--require, which the fast config sets. circom is the circom2 package, required
// in-process by src/5-compile/circom.ts.
"use strict";
const Module = require("node:module");

if (!Module.__zkmlcFastTierGuard) {
  Module.__zkmlcFastTierGuard = true;
  const load = Module._load;
  Module._load = function guardedLoad(request, ...rest) {
    if (request === "circom2" || String(request).startsWith("circom2/")) {
      throw new Error(
        "circom (the circom2 compiler) was loaded in `npm run test:fast`, which runs no circom compile: " +
          'tag the test { tags: ["heavy"] } or list its file in HEAVY_FILES (vitest.fast.config.ts)',
      );
    }
    return load.call(this, request, ...rest);
  };
}
