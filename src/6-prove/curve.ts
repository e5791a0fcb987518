/**
 * The BN254 (and BLS12-381) curve objects that snarkjs builds through ffjavascript start worker threads
 * and are cached in `globalThis.curve_bn128` (`curve_bls12381`). Until they are terminated a Node
 * process does not exit.
 *
 * Several copies of ffjavascript live in node_modules (snarkjs's, r1csfile's, binfileutils's, ...),
 * and each one runs `globalThis.curve_bn128 = null` when its module is first loaded. A copy loaded
 * after a curve was built therefore orphans that curve: its workers keep running but nothing refers to
 * it any more. To be able to stop every curve, this module turns those globals into accessors that
 * remember every curve ever stored in them. Import it (any zkmlc proving module does) before snarkjs
 * builds a curve; `releaseCurves()` then terminates all of them.
 */

interface Terminable {
  terminate(): Promise<void>;
}

const GLOBALS = ["curve_bn128", "curve_bls12381"] as const;
const REGISTRY = Symbol.for("zkmlc.curves");

type Registry = Set<Terminable>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let reg = g[REGISTRY];
  if (!reg) {
    reg = new Set();
    g[REGISTRY] = reg;
  }
  return reg;
}

function isTerminable(v: unknown): v is Terminable {
  return typeof v === "object" && v !== null && typeof (v as Terminable).terminate === "function";
}

function install(): void {
  const reg = registry();
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of GLOBALS) {
    const desc = Object.getOwnPropertyDescriptor(g, name);
    if (desc?.set) continue; // already installed (this module loaded twice, e.g. from src and dist)
    let current: unknown = g[name] ?? null;
    if (isTerminable(current)) reg.add(current);
    Object.defineProperty(g, name, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (v: unknown) => {
        current = v;
        if (isTerminable(v)) reg.add(v);
      },
    });
  }
}

install();

/** Terminate the worker threads of every curve snarkjs/ffjavascript built, so the process can exit. */
export async function releaseCurves(): Promise<void> {
  const reg = registry();
  const curves = [...reg];
  reg.clear();
  for (const c of curves) {
    try {
      await c.terminate();
    } catch {
      // a curve that is already terminated
    }
  }
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of GLOBALS) g[name] = null;
}

/** How many curves with live workers zkmlc knows of (for tests). */
export function liveCurveCount(): number {
  return registry().size;
}
