import { fail } from "../errors.js";

export interface SetupFlags {
  ptau?: string;
  verify?: boolean;
  contribute?: boolean;
  entropy?: string;
  beacon?: string;
  beaconIterations?: number;
}

export type SetupMode = "setup" | "verify" | "contribute" | "beacon";

/**
 * Which of `setup`'s four actions the flags ask for. Flags that belong to another action, or two
 * actions at once, are an error listing all of them: never one silently winning over another.
 */
export function setupMode(f: SetupFlags): SetupMode {
  const actions: [SetupMode, boolean][] = [
    ["verify", f.verify === true],
    ["contribute", f.contribute === true],
    ["beacon", f.beacon !== undefined],
  ];
  const chosen = actions.filter(([, on]) => on).map(([m]) => m);
  const problems: string[] = [];
  if (chosen.length > 1) problems.push(`${chosen.map((m) => `--${m}`).join(" and ")} are separate steps`);
  const mode: SetupMode = chosen.length === 1 ? (chosen[0] as SetupMode) : "setup";
  if (f.ptau !== undefined && (mode === "contribute" || mode === "beacon"))
    problems.push(`--ptau is for making or verifying keys, not for --${mode} (it works on the existing key)`);
  if (f.entropy !== undefined && mode !== "contribute")
    problems.push("--entropy only applies to --contribute");
  if (f.beaconIterations !== undefined && mode !== "beacon")
    problems.push("--beacon-iterations only applies to --beacon");
  if (problems.length > 0)
    fail("bad-input", `conflicting setup options: ${problems.join("; ")}`, {
      hint: "run one of: `zkmlc setup DIR [--ptau F]`, `--verify [--ptau F]`, `--contribute [--entropy T]`, `--beacon HEX [--beacon-iterations N]`",
    });
  return mode;
}
