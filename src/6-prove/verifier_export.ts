/**
 * The Solidity Groth16 verifier for a zkey, from snarkjs's own template.
 *
 * snarkjs's CLI reads `templates/verifier_groth16.sol.ejs` next to its package and passes the text in
 * (`zKey.exportSolidityVerifier(zkey, { groth16: text })`); called as a library it needs the same
 * object, so we read the template from the installed snarkjs package.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { fail, ZkmlError } from "../errors.js";
import "./curve.js";
import { captureSnarkjsLog } from "./snark_logger.js";

const require = createRequire(import.meta.url);

/** snarkjs's `templates/` folder (its package.json has no "exports" entry for it; locate via the CJS main). */
export function snarkjsTemplatesDir(): string {
  // require.resolve("snarkjs") gives <pkg>/build/main.cjs.
  return join(dirname(dirname(require.resolve("snarkjs"))), "templates");
}

export async function exportSolidityVerifier(zkeyPath: string): Promise<string> {
  if (!existsSync(zkeyPath)) {
    fail("missing-artifact", `proving key ${zkeyPath} does not exist`, { hint: "run `zkmlc setup` first" });
  }
  const templatePath = join(snarkjsTemplatesDir(), "verifier_groth16.sol.ejs");
  let groth16: string;
  try {
    groth16 = await readFile(templatePath, "utf8");
  } catch (e) {
    return fail("bug", `snarkjs's Solidity template is missing at ${templatePath}`, { cause: e });
  }
  const { logger, errors } = captureSnarkjsLog();
  try {
    const code = await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16 }, logger);
    if (errors.length > 0 || typeof code !== "string" || !code.includes("contract Groth16Verifier")) {
      fail("corrupt-artifact", `could not export a Groth16 verifier from ${zkeyPath}: ${errors.join("; ")}`, {
        hint: "the proving key must be a Groth16 zkey made by `zkmlc setup`",
      });
    }
    return code;
  } catch (e) {
    if (e instanceof ZkmlError) throw e;
    return fail("corrupt-artifact", `could not read ${zkeyPath}: ${(e as Error).message}`, {
      hint: "the proving key must be a Groth16 zkey made by `zkmlc setup`",
      cause: e,
    });
  }
}
