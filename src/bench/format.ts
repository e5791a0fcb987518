/** Number formats shared by the Markdown and terminal reports. */
import type { Stats } from "./types.js";

export const int = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "–" : Math.round(v).toLocaleString("en-US");

/** Seconds with a unit that keeps 2–3 significant digits: 12.3 s, 1.23 s, 45.6 ms, 12.3 µs. */
export function secs(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "–";
  const sig = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  if (v >= 1) return `${sig(v)} s`;
  if (v >= 1e-3) return `${sig(v * 1e3)} ms`;
  return `${sig(v * 1e6)} µs`;
}

export const spread = (s: Stats | undefined, f: (v: number) => string = secs) =>
  s ? (s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`) : "–";

export const mib = (v: number | undefined) =>
  v === undefined ? "–" : `${(v / 2 ** 20).toFixed(v >= 100 * 2 ** 20 ? 0 : 1)} MiB`;

export const ratio = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "–" : `${v >= 100 ? int(v) : v.toFixed(1)}×`;

/** A rate (e.g. proofs per minute) to 2–3 significant digits. */
export const rate = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "–" : v >= 100 ? int(v) : v.toFixed(v >= 10 ? 1 : v >= 1 ? 2 : 3);

export const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v)
    ? v === Number.POSITIVE_INFINITY
      ? "+∞"
      : "–"
    : `${v >= 0 ? "+" : ""}${(v * 100).toFixed(1)}%`;

/** A Markdown table, columns padded (as Biome formats Markdown); cells are escaped for pipes. */
export function mdTable(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((r) => r.map((c) => c.replace(/\|/g, "\\|")));
  const len = (c: string) => [...c].length;
  const widths = header.map((_, i) => Math.max(3, ...cells.map((r) => len(r[i] ?? ""))));
  const line = (r: string[]) =>
    `| ${widths.map((w, i) => (r[i] ?? "").padEnd(w + (r[i] ?? "").length - len(r[i] ?? ""))).join(" | ")} |`;
  const [head, ...body] = cells;
  return [line(head ?? []), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
