/**
 * The Solidity verifier of a verification key (Groth16, PLONK or FFLONK), from snarkjs's own templates.
 *
 * snarkjs's `zKey.exportSolidityVerifier(zkey, templates)` reads the verification key out of the
 * proving key and renders `templates/verifier_<protocol>.sol.ejs` (shipped in its package) with it;
 * for FFLONK it first adds the powers w3², w4², w4³ and w8^i of the key's roots of unity. A verifier
 * needs nothing the verification key lacks, so zkmlc renders the same templates with the same values
 * from verification_key.json (byte-identical, verifier_export.test.ts): exporting a verifier never
 * needs the proving key, which can be hundreds of megabytes and stays with the prover.
 *
 * The generated contracts' `verifyProof` signatures are listed in calldata.ts.
 *
 * Public-signal range check. snarkjs 0.7.6's Groth16 verifier returns false unless every public signal
 * is < r, but its PLONK and FFLONK verifiers only range-check the proof's own values: the public
 * signals enter the arithmetic reduced mod r and the Fiat-Shamir transcript as raw 256-bit words. A
 * prover who hashes x + r instead of x into the transcript therefore gets a proof that those contracts
 * accept for the public signal x + r (and snarkjs's JS verifier rejects): two calldata encodings of one
 * statement, which breaks any contract that uses a signal as a nullifier, an id or an amount. So zkmlc
 * adds the same check Groth16's template has (`checkField` on every public signal, a few hundred gas)
 * to the PLONK and FFLONK contracts; evm.test.ts forges such a proof and shows the difference.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ejs from "ejs";
import { fail } from "../errors.js";
import { BN254_R } from "./groth16_setup.js";
import { isProofSystem, type ProofSystem } from "./systems.js";

const require = createRequire(import.meta.url);

/** snarkjs's `templates/` folder (its package.json has no "exports" entry for it; locate via the CJS main). */
export function snarkjsTemplatesDir(): string {
  // require.resolve("snarkjs") gives <pkg>/build/main.cjs.
  return join(dirname(dirname(require.resolve("snarkjs"))), "templates");
}

/** The contract each template defines. */
export const VERIFIER_CONTRACT: Record<ProofSystem, string> = {
  groth16: "Groth16Verifier",
  plonk: "PlonkVerifier",
  fflonk: "FflonkVerifier",
};

const SYSTEMS = Object.keys(VERIFIER_CONTRACT) as ProofSystem[];

let templates: Promise<Record<ProofSystem, string>> | undefined;

async function readTemplates(): Promise<Record<ProofSystem, string>> {
  const out: Partial<Record<ProofSystem, string>> = {};
  for (const system of SYSTEMS) {
    const path = join(snarkjsTemplatesDir(), `verifier_${system}.sol.ejs`);
    try {
      out[system] = await readFile(path, "utf8");
    } catch (e) {
      return fail("bug", `snarkjs's Solidity template is missing at ${path}`, { cause: e });
    }
  }
  return out as Record<ProofSystem, string>;
}

/** snarkjs's Solidity templates, by protocol (what `zKey.exportSolidityVerifier` takes). */
export function solidityTemplates(): Promise<Record<ProofSystem, string>> {
  if (!templates) {
    templates = readTemplates();
    templates.catch(() => {
      templates = undefined;
    });
  }
  return templates;
}

const PUB_ARRAY: Record<Exclude<ProofSystem, "groth16">, RegExp> = {
  plonk: /uint256\[(\d+)\] calldata (_pubSignals)\)/g,
  fflonk: /uint256\[(\d+)\] calldata (pubSignals)\)/g,
};

/**
 * Insert a `checkField` of every public signal after the proof-data checks of snarkjs's PLONK or FFLONK
 * verifier (see the module comment). Groth16's text is returned unchanged: its template already checks.
 */
export function addPublicSignalRangeCheck(system: ProofSystem, code: string): string {
  if (system === "groth16") return code;
  const arrays = [...code.matchAll(PUB_ARRAY[system])];
  const calls = [...code.matchAll(/^([ \t]*)checkProofData\(\)[ \t]*$/gm)];
  const n = arrays[0]?.[1];
  const name = arrays[0]?.[2];
  const call = calls[0];
  if (arrays.length !== 1 || calls.length !== 1 || !n || !name || !call || call.index === undefined) {
    return fail(
      "bug",
      `snarkjs's ${system} verifier template has changed: cannot add the public-signal range check`,
      {
        hint: "zkmlc supports the templates of snarkjs 0.7.x",
      },
    );
  }
  const indent = call[1] ?? "";
  const end = call.index + call[0].length;
  const check =
    `\n${indent}// zkmlc: every public signal must be < r (as in snarkjs's Groth16 verifier), or x and x + r` +
    `\n${indent}// would be two encodings of one statement.` +
    `\n${indent}for { let i := 0 } lt(i, ${n}) { i := add(i, 1) } { checkField(calldataload(add(${name}, mul(i, 32)))) }`;
  return code.slice(0, end) + check + code.slice(end);
}

export interface ExportVerifierOptions {
  /**
   * Return snarkjs's text as it is, without zkmlc's public-signal range check (for comparison with the
   * snarkjs CLI; such PLONK and FFLONK contracts accept public signals >= r).
   */
  unpatched?: boolean;
}

function powMod(b: bigint, e: number): bigint {
  let r = 1n;
  for (let i = 0; i < e; i++) r = (r * b) % BN254_R;
  return r;
}

/** snarkjs's FFLONK export adds these powers of the key's roots of unity before rendering. */
function fflonkPowers(vk: Record<string, unknown>): Record<string, unknown> {
  const root = (name: string): bigint => {
    const v = vk[name];
    if (typeof v !== "string" || !/^[0-9]+$/.test(v))
      fail("corrupt-artifact", `the FFLONK key has no ${name}`);
    return BigInt(v);
  };
  const out: Record<string, unknown> = {
    ...vk,
    w3_2: powMod(root("w3"), 2).toString(),
    w4_2: powMod(root("w4"), 2).toString(),
    w4_3: powMod(root("w4"), 3).toString(),
  };
  for (let i = 1; i < 8; i++) out[`w8_${i}`] = powMod(root("w8"), i).toString();
  return out;
}

/** The Solidity verifier of a verification key (the parsed verification_key.json). */
export async function exportSolidityVerifier(
  vkey: unknown,
  opts: ExportVerifierOptions = {},
): Promise<string> {
  const vk = vkey as Record<string, unknown> | null;
  const system = typeof vk?.protocol === "string" && isProofSystem(vk.protocol) ? vk.protocol : undefined;
  if (!vk || !system || vk.curve !== "bn128" || typeof vk.nPublic !== "number")
    fail(
      "corrupt-artifact",
      "the verification key is not a BN254 Groth16, PLONK or FFLONK key made by snarkjs",
      {
        hint: "re-run `zkmlc setup`",
      },
    );
  const tpl = (await solidityTemplates())[system];
  let code: string;
  try {
    code = ejs.render(tpl, system === "fflonk" ? fflonkPowers(vk) : vk);
  } catch (e) {
    return fail("corrupt-artifact", `could not render the ${system} verifier: ${(e as Error).message}`, {
      hint: "the verification key is incomplete; re-run `zkmlc setup`",
      cause: e,
    });
  }
  if (!code.includes(`contract ${VERIFIER_CONTRACT[system]}`))
    fail("bug", `snarkjs's ${system} template did not render a ${VERIFIER_CONTRACT[system]}`);
  return opts.unpatched ? code : addPublicSignalRangeCheck(system, code);
}
