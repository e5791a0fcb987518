import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI_ARGS, ROOT } from "../support/cli.js";

/**
 * The command line itself, as a user meets it (no circuit is compiled or proven here): usage errors
 * (JSON with --json), help, progress off a terminal, and `zkmlc cache`.
 */
const tmp = mkdtempSync(join(tmpdir(), "zkmlc-cli-ux-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `zkmlc ...` from source, asynchronously (several at once), with extra environment variables. */
function zkmlc(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [...CLI_ARGS, ...args],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Run `f` over `xs`, `n` at a time. */
async function pool<T, R>(xs: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await f(xs[i] as T);
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

const tiny = join(ROOT, "examples/tiny/model.onnx");

describe("usage errors", () => {
  const cases: [string, string[], RegExp][] = [
    ["unknown option", ["verify", "build/x", "--foo"], /^unknown option '--foo'/],
    [
      "bad choice",
      ["compile", tiny, "--system", "snark"],
      /^option '--system <s>' argument 'snark' is invalid/,
    ],
    ["missing required option", ["prove", "build/x"], /^required option '-i, --input <file>' not specified/],
    ["missing argument", ["verify"], /^missing required argument 'build'/],
    [
      "bad number",
      ["cache", "prune", "--older-than", "soon"],
      /^option '--older-than <days>' argument 'soon' is invalid/,
    ],
    ["unknown command", ["bogus"], /^unknown command 'bogus'/],
    ["no command", [], /^no command given$/],
  ];

  it("with --json anywhere: one JSON error object on stdout, code usage, exit 1", async () => {
    const rs = await pool(cases, 4, ([, args]) =>
      zkmlc(args.length > 1 ? [...args.slice(0, 1), "--json", ...args.slice(1)] : ["--json", ...args]),
    );
    for (const [i, [what, args, message]] of cases.entries()) {
      const r = rs[i];
      expect(r?.code, what).toBe(1);
      expect(r?.stderr, what).toBe("");
      const j = JSON.parse(r?.stdout ?? "");
      expect(j, what).toEqual({
        ok: false,
        error: { code: "usage", message: expect.stringMatching(message), hint: expect.any(String) },
      });
      // The hint names the command's own help.
      const known =
        args[0] === "bogus" || args.length === 0 ? "" : args[0] === "cache" ? "cache prune " : `${args[0]} `;
      expect(j.error.hint, what).toBe(`see \`zkmlc ${known}--help\``);
    }
  });

  it("without --json: commander's text on stderr and exit 1", async () => {
    const rs = await pool(cases, 4, ([, args]) => zkmlc(args));
    for (const [i, [what, , message]] of cases.entries()) {
      const r = rs[i];
      expect(r?.code, what).toBe(1);
      expect(r?.stdout, what).toBe("");
      if (what !== "no command")
        expect(r?.stderr, what).toMatch(new RegExp(`^error: ${message.source.slice(1)}`));
      expect(r?.stderr, what).toContain("Usage: zkmlc");
    }
  });

  it("--help and --version still print and exit 0, with --json too", async () => {
    const [help, version, sub, jsonHelp] = await Promise.all([
      zkmlc(["--help"]),
      zkmlc(["--version"]),
      zkmlc(["help", "prove"]),
      zkmlc(["--json", "verify", "--help"]),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: zkmlc [options] [command]");
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(sub).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: zkmlc prove") });
    expect(jsonHelp).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: zkmlc verify") });
  });
});

describe("subcommand help", () => {
  it("every subcommand lists the global options and marks its required options", async () => {
    const top = await zkmlc(["--help"]);
    const names = [...(top.stdout.split("Commands:")[1]?.matchAll(/^ {2}([a-z-]+)/gm) ?? [])]
      .map((m) => m[1] as string)
      .filter((n) => n !== "help");
    expect(names).toEqual(expect.arrayContaining(["compile", "prove", "verify", "run", "cache", "accuracy"]));
    const paths = [...names.map((n) => [n]), ["cache", "list"], ["cache", "prune"]];
    const helps = await pool(paths, 4, (p) => zkmlc([...p, "--help"]));
    for (const [i, p] of paths.entries()) {
      const h = helps[i]?.stdout ?? "";
      expect(helps[i]?.code, p.join(" ")).toBe(0);
      const global = h.split("Global Options:")[1] ?? "";
      expect(global, p.join(" ")).toMatch(/--json\s+print one machine-readable JSON result object/);
      expect(global, p.join(" ")).toMatch(/-v, --verbose\s+timestamped/);
      // Each option line's description (wrapped lines joined) ends in (required) exactly when it must be given.
      const options = (h.split("Options:")[1] ?? "").split("Global Options:")[0] ?? "";
      const entries = options.split(/\n(?= {2}-)/).map((e) => e.replace(/\s+/g, " ").trim());
      for (const e of entries) {
        const required =
          (["prove", "witness", "run"].includes(p[0] as string) && e.startsWith("-i, --input")) ||
          (p[0] === "accuracy" && e.startsWith("-d, --data"));
        expect(e.endsWith("(required)"), `${p.join(" ")}: ${e}`).toBe(required);
      }
    }
  });
});

describe("progress off a terminal", () => {
  it("is silent without -v; -v writes timestamped steps to stderr; --json keeps stdout pure", async () => {
    const [quiet, verbose, json] = await Promise.all([
      zkmlc(["inspect", tiny]),
      zkmlc(["-v", "inspect", tiny]),
      zkmlc(["-v", "--json", "inspect", tiny]),
    ]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toMatch(/^\[ {2}\d\.\d\d s\] inspect\n/);
    expect(verbose.stderr).not.toContain("\r");
    expect(verbose.stdout).toBe(quiet.stdout);
    expect(json.stderr).toBe("");
    expect(JSON.parse(json.stdout).ok).toBe(true);
  });
});

describe("zkmlc cache", () => {
  it("lists and prunes entries, as text and as JSON", async () => {
    const cache = join(tmp, "cache");
    const keys = join(cache, "keys", "ab".repeat(32));
    mkdirSync(keys, { recursive: true });
    writeFileSync(join(keys, "circuit.zkey"), Buffer.alloc(2048));
    writeFileSync(join(keys, "verification_key.json"), JSON.stringify({ protocol: "plonk" }));
    writeFileSync(join(cache, "local_pot9_final.ptau"), Buffer.alloc(4096));
    const env = { ZKMLC_CACHE: cache };

    const [text, json, refused] = await Promise.all([
      zkmlc(["cache"], env),
      zkmlc(["--json", "cache", "list"], env),
      zkmlc(["cache", "prune"], env),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^keys +abababababababab… +plonk +2\.\d KiB/m);
    expect(text.stdout).toMatch(/^ptau +local_pot9_final\.ptau +2\^9 +4\.0 KiB/m);
    expect(text.stdout).toContain(`2 entries, 6.0 KiB in ${cache}`);
    const j = JSON.parse(json.stdout);
    expect(j).toMatchObject({ ok: true, dir: cache, totalBytes: 2048 + 4096 + 20 });
    expect(j.entries.map((e: { kind: string }) => e.kind).sort()).toEqual(["keys", "ptau"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error\[bad-input\]: cache prune needs --older-than <days> or --all/);

    const ptauOnly = await zkmlc(["--json", "cache", "prune", "--all", "--ptau"], env);
    expect(JSON.parse(ptauOnly.stdout)).toMatchObject({ ok: true, freedBytes: 4096, kept: 1 });
    expect(existsSync(join(cache, "local_pot9_final.ptau"))).toBe(false);
    const rest = await zkmlc(["cache", "prune", "--older-than", "0"], env);
    expect(rest.stdout).toMatch(/removed 1 entries, freed 2\.\d KiB; 0 left/);
    expect(existsSync(keys)).toBe(false);
  });
});
