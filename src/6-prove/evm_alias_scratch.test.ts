import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, expect, it } from "vitest";
import { compileSampleCircuit } from "../5-compile/testing.js";
import { verifierCalldata } from "./calldata.js";
import { releaseCurves } from "./curve.js";
import { verifyOnEvm } from "./evm.js";
import { ensureLocalPtau } from "./ptau.js";
import { exportSolidityVerifier } from "./verifier_export.js";
import { loadWitnessCalculator } from "./witness.js";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
afterAll(releaseCurves);
it("alias", async () => {
  const c = await compileSampleCircuit({ optimize: 1 });
  const wtns = await (await loadWitnessCalculator(c.wasmPath)).calculateWtns({
    x: 5n,
    y: 11n,
    a: [
      [2n, 3n],
      [4n, 6n],
    ],
  });
  const ptau = await ensureLocalPtau(10);
  for (const system of ["plonk", "fflonk"] as const) {
    const zkey = join(c.workDir, `${system}.zkey`);
    if (system === "plonk") await snarkjs.plonk.setup(c.r1csPath, ptau.path, zkey);
    else await snarkjs.fflonk.setup(c.r1csPath, ptau.path, zkey);
    const source = await exportSolidityVerifier(zkey);
    const curve = (await snarkjs.curves.getCurveFromName("bn128")) as unknown as {
      Fr: Record<string, (...a: unknown[]) => unknown>;
    };
    const Fr = curve.Fr;
    const orig = Fr.toRprBE as (b: Uint8Array, o: number, e: unknown) => void;
    const five = Fr.e!(5n);
    Fr.toRprBE = (b: unknown, o: unknown, e: unknown) => {
      if (Fr.eq!(e, five)) {
        const hex = (5n + R).toString(16).padStart(64, "0");
        (b as Uint8Array).set(Buffer.from(hex, "hex"), o as number);
        return;
      }
      orig.call(Fr, b as Uint8Array, o as number, e);
    };
    let out;
    try {
      out =
        system === "plonk" ? await snarkjs.plonk.prove(zkey, wtns) : await snarkjs.fflonk.prove(zkey, wtns);
    } finally {
      Fr.toRprBE = orig as never;
    }
    const alias = [...out.publicSignals.slice(0, 5), (5n + R).toString()];
    const honest = await verifyOnEvm(source, verifierCalldata(system, out.proof, out.publicSignals).data);
    const aliased = await verifyOnEvm(source, verifierCalldata(system, out.proof, alias).data);
    const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
    const js =
      system === "plonk"
        ? await snarkjs.plonk.verify(vkey, alias, out.proof)
        : await snarkjs.fflonk.verify(vkey, alias, out.proof);
    console.log("ALIAS", system, { honest: honest.valid, aliased: aliased.valid, jsAliased: js });
  }
  await c.cleanup();
});
