/**
 * Development setup from nothing: zkmlc's direct Groth16 key generation against the snarkjs chain
 * (powersoftau new + contribute + prepare phase2, then groth16 setup = zkey new + contribute) on the
 * same r1cs, both from an empty cache, with a proof made and verified with each key.
 * Usage: npx tsx bench/setup.ts [log2 constraints = 16] [--skip-snarkjs]
 * The circuit is a chain of multiplications sized to fill a 2^n Groth16 domain.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileCircuitSource } from "../src/5-compile/testing.js";
import { releaseCurves } from "../src/6-prove/curve.js";
import { groth16DevSetup } from "../src/6-prove/groth16_dev.js";
import { groth16Prove } from "../src/6-prove/groth16_prove.js";
import { groth16Setup } from "../src/6-prove/groth16_setup.js";
import { groth16Verify } from "../src/6-prove/groth16_verify.js";
import { generateLocalPtauSnarkjs, requiredPower } from "../src/6-prove/ptau.js";
import { loadWitnessCalculator } from "../src/6-prove/witness.js";
import { readJsonFile } from "../src/artifacts.js";

const power = Number(process.argv[2] ?? 16);
const skipSnarkjs = process.argv.includes("--skip-snarkjs");
const n = 2 ** power - 3; // constraints + 1 public output + 1 <= 2^power

const source = `pragma circom 2.1.0;
template Chain(n) {
    signal input x;
    signal output y;
    signal s[n + 1];
    s[0] <== x;
    for (var i = 0; i < n; i++) s[i + 1] <== s[i] * s[i] + i;
    y <== s[n];
}
component main = Chain(${n});
`;

const seconds = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

const circuit = await compileCircuitSource(source, { optimize: 2 });
if (requiredPower(circuit.nConstraints, 1) !== power)
  throw new Error(`circuit needs 2^${requiredPower(circuit.nConstraints, 1)}`);
const wc = await loadWitnessCalculator(circuit.wasmPath);
const wtns = await wc.calculateWtns({ x: "3" });

async function check(zkey: string, vkey: string): Promise<boolean> {
  const { proof, publicSignals } = await groth16Prove(zkey, wtns);
  return groth16Verify(await readJsonFile<object>(vkey), publicSignals, proof);
}

const work = mkdtempSync(join(tmpdir(), "zkmlc-bench-setup-"));
const fast = { zkey: join(work, "dev.zkey"), vkey: join(work, "dev.vkey.json") };
const zkmlc = await seconds(() =>
  groth16DevSetup({ r1csPath: circuit.r1csPath, zkeyPath: fast.zkey, vkeyPath: fast.vkey }),
);
const report: Record<string, unknown> = {
  constraints: circuit.nConstraints,
  power,
  zkmlcDevSetup: { seconds: zkmlc, proofVerifies: await check(fast.zkey, fast.vkey) },
};
if (!skipSnarkjs) {
  const ptau = join(work, "pot.ptau");
  const slow = { zkey: join(work, "snarkjs.zkey"), vkey: join(work, "snarkjs.vkey.json") };
  const ptauTime = await seconds(() => generateLocalPtauSnarkjs(power, ptau, () => {}));
  const zkeyTime = await seconds(() =>
    groth16Setup({ r1csPath: circuit.r1csPath, ptauPath: ptau, zkeyPath: slow.zkey, vkeyPath: slow.vkey }),
  );
  report.snarkjsChain = {
    seconds: ptauTime + zkeyTime,
    powersOfTau: ptauTime,
    groth16Setup: zkeyTime,
    proofVerifies: await check(slow.zkey, slow.vkey),
  };
  report.speedup = (ptauTime + zkeyTime) / zkmlc;
}
console.log(JSON.stringify(report, null, 2));
rmSync(work, { recursive: true, force: true });
await circuit.cleanup();
await releaseCurves();
