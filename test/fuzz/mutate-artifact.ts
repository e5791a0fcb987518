import { mulberry32 } from "../../examples/prng.js";

/**
 * Damage to a build's files, as a crashed disk, a bad copy or a careless hand edit would do it:
 * byte-level (truncate, flip, zero, append, empty) for any file, and for JSON files structure-aware
 * edits that keep the file valid JSON (a value of another type or an absurd one, a deleted key, an
 * extra element), which get past the parser and test what reads the values.
 */
export interface ArtifactMutation {
  kind: string;
  apply(bytes: Uint8Array): Uint8Array;
}

const WEIRD: unknown[] = [
  null,
  "",
  "x",
  -1,
  0,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  true,
  [],
  {},
  [[[]]],
  "1".repeat(400),
  "-21888242871839275222246405745257275088548364400416034343698204186575808495617",
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a JSON document (arrays: at most their first 3 elements and the last). */
function paths(
  v: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) {
    const idx = [...new Set([0, 1, 2, v.length - 1])].filter((i) => i >= 0 && i < v.length);
    for (const i of idx) paths(v[i] as Json, [...at, i], out);
  } else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  }
  return out;
}

function edit(doc: Json, path: (string | number)[], f: (parent: Json, key: string | number) => void): Json {
  const copy = JSON.parse(JSON.stringify(doc)) as Json;
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  f(parent as Json, path[path.length - 1] as string | number);
  return copy;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** `n` mutations of a file, deterministic in `seed`. */
export function artifactMutations(
  bytes: Uint8Array,
  json: boolean,
  n: number,
  seed: number,
): ArtifactMutation[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const at = () => Math.floor(r() * Math.max(1, bytes.length));
  const byteLevel: (() => ArtifactMutation)[] = [
    () => {
      const k = at();
      return { kind: `truncate at ${k}`, apply: (b) => b.slice(0, k) };
    },
    () => {
      const k = at();
      const bit = 1 << Math.floor(r() * 8);
      return {
        kind: `flip bit ${bit} of byte ${k}`,
        apply: (b) => {
          const c = b.slice();
          c[k] = (c[k] ?? 0) ^ bit;
          return c;
        },
      };
    },
    () => {
      const k = at();
      return {
        kind: `zero 64 bytes at ${k}`,
        apply: (b) => {
          const c = b.slice();
          c.fill(0, k, k + 64);
          return c;
        },
      };
    },
    () => ({ kind: "empty", apply: () => new Uint8Array(0) }),
    () => ({ kind: "append garbage", apply: (b) => Uint8Array.from([...b, 0xff, 0x00, 0x7b, 0x22]) }),
  ];
  const doc = json ? (JSON.parse(dec.decode(bytes)) as Json) : null;
  const all = doc === null ? [] : paths(doc);
  const structural: (() => ArtifactMutation)[] = [
    () => {
      const p = pick(all);
      const v = pick(WEIRD);
      return {
        kind: `${p.join(".") || "(root)"} = ${JSON.stringify(v).slice(0, 30)}`,
        apply: () =>
          enc.encode(
            JSON.stringify(
              p.length === 0
                ? v
                : edit(doc as Json, p, (o, k) => ((o as Record<string | number, unknown>)[k] = v)),
            ),
          ),
      };
    },
    () => {
      const p = pick(all.filter((x) => x.length > 0));
      return {
        kind: `delete ${p.join(".")}`,
        apply: () =>
          enc.encode(
            JSON.stringify(
              edit(doc as Json, p, (o, k) => {
                if (Array.isArray(o)) o.splice(Number(k), 1);
                else delete (o as Record<string, unknown>)[k];
              }),
            ),
          ),
      };
    },
    () => {
      const p = pick(all);
      return {
        kind: `${p.join(".") || "(root)"} wrapped in an array`,
        apply: () =>
          enc.encode(
            JSON.stringify(
              p.length === 0
                ? [doc]
                : edit(doc as Json, p, (o, k) => {
                    const c = o as Record<string | number, Json>;
                    c[k] = [c[k] as Json];
                  }),
            ),
          ),
      };
    },
  ];
  return Array.from({ length: n }, () =>
    (json && all.length > 0 && r() < 0.7 ? pick(structural) : pick(byteLevel))(),
  );
}
