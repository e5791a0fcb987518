import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { evaluatePlan } from "../../src/3-lower/evaluate.js";
import { checkDirect } from "../../src/4-emit/r1cs/direct.js";
import { compileCircom, copyCircuitLibrary } from "../../src/5-compile/circom.js";
import { checkWitness, readR1csInfo, readSymbols } from "../../src/5-compile/r1cs.js";
import { loadWitnessCalculator } from "../../src/6-prove/witness.js";
import { type Build, loadRunner } from "../../src/steps/build.js";
import { quantizeSample, type Sample } from "../../src/steps/inputs.js";
import { computeWitness } from "../../src/steps/witness.js";

/**
 * The two backends on one build (issue 11, "equivalence is tested, not assumed"): the direct backend's
 * r1cs against circom's --O2 compile of the same circuit.circom. They must have the same number of
 * constraints, wires, outputs and public inputs; per sample, the direct witness must satisfy the direct
 * r1cs, carry the same public signals as circom's witness, and, mapped onto circom's wires through the
 * signal names of both .sym files, satisfy circom's r1cs too.
 */
export async function checkBackends(
  build: Build,
  samples: Sample[],
): Promise<{ constraints: number; wires: number }> {
  if (build.settings.backend !== "direct") throw new Error("checkBackends takes a direct-backend build");
  const dir = join(build.dir, "circom-o2");
  mkdirSync(dir, { recursive: true });
  await copyCircuitLibrary(dir);
  copyFileSync(join(build.dir, "circuit.circom"), join(dir, "circuit.circom"));
  const circom = await compileCircom({ workDir: dir, mainFile: "circuit.circom", optimize: 2 });
  const direct = await readR1csInfo(join(build.dir, "circuit.r1cs"));
  const theirs = await readR1csInfo(circom.r1csPath);
  expect({ ...direct, prime: 0n }, "direct r1cs header vs circom --O2").toEqual({ ...theirs, prime: 0n });
  const symbols = await readSymbols(circom.symPath);
  const wc = await loadWitnessCalculator(circom.wasmPath);
  const runner = await loadRunner(build);
  const nPublic = direct.nOutputs + direct.nPubInputs;
  const ownSymbols = await readSymbols(join(build.dir, "circuit.sym"));
  const nameOf = (i: number) => [...ownSymbols].find(([, x]) => x === i)?.[0] ?? `wire ${i}`;
  for (const s of samples) {
    const w = await computeWitness(build, runner, s);
    // Every signal's value by name, from an in-memory build that also checks each constraint as made.
    const checked = checkDirect(
      build.plan,
      evaluatePlan(build.plan, quantizeSample(s, build.settings.inputs)),
    );
    const { failing, named } = checked;
    expect(failing).toEqual([]);
    // The witness the prover gets is the one the check built, and it satisfies the r1cs file.
    const differs = w.witness.findIndex((v, k) => v !== checked.witness[k]);
    expect(
      differs < 0 ? "" : `${nameOf(differs)}: ${w.witness[differs]} vs ${checked.witness[differs]}`,
    ).toBe("");
    expect(
      (await checkWitness(join(build.dir, "circuit.r1cs"), w.witness)).ok,
      "direct witness, direct r1cs",
    ).toBe(true);
    const cw = await wc.calculate(w.circuitInput);
    expect(w.witness.slice(1, 1 + nPublic), "public signals").toEqual(cw.slice(1, 1 + nPublic));
    const mapped = new Array<bigint>(theirs.nVars).fill(-1n);
    mapped[0] = 1n;
    for (const [name, wire] of symbols) {
      const v = named.get(name);
      if (v !== undefined) mapped[wire] = v;
    }
    const unknown = mapped.flatMap((v, i) =>
      v < 0n ? [[...symbols].find(([, x]) => x === i)?.[0] ?? `wire ${i}`] : [],
    );
    expect(unknown, "circom wires the direct backend has no value for").toEqual([]);
    expect((await checkWitness(circom.r1csPath, mapped)).ok, "direct witness mapped onto circom's r1cs").toBe(
      true,
    );
  }
  return { constraints: direct.nConstraints, wires: direct.nVars };
}
