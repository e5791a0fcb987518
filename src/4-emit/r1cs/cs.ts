import { inverse, mod } from "../../3-lower/field.js";
import { mainOutputs, type Plan } from "../../3-lower/ir.js";
import { Lin } from "../../3-lower/prims/lin.js";
import type { Cs } from "../../3-lower/prims/spec.js";
import { bug } from "../../errors.js";
import { ByteSink, writeLin } from "./binary.js";
import { constantTensors } from "./deferred.js";

export type Mode = Cs["mode"];

/** Wire ids from here on are provisional ids of deferred wires (see deferred.ts). */
const DEFERRED = 1 << 30;

interface Held {
  a: Lin;
  b: Lin;
  c: Lin;
}

/** Where rows, names and witness values go; the driver (direct.ts) supplies the files. */
export interface Sinks {
  /** Constraint bytes, in r1cs layout. */
  rows?: ByteSink;
  /** .sym lines. */
  sym?: ByteSink;
}

/**
 * The direct backend's constraint system (the Cs the prims build on). Wires are numbered as they are
 * made: wire 0 is the constant 1, then the outputs, the public inputs, everything else in program order;
 * the wires of `deferred` tensors' prims get provisional ids, and the constraints using them are held,
 * until `finish` has solved the output equations for some of them (as --O2 does) and numbered the rest.
 */
export class DirectCs implements Cs {
  next = 1;
  private nextDeferred = DEFERRED;
  constraints = 0;
  labels = 0;
  /** Label (sym line) of each regular wire, and of each deferred wire by provisional id. */
  readonly labelOf: number[] = [-1];
  private readonly deferredLabel = new Map<number, number>();
  private readonly held: Held[] = [];
  private readonly heldNames: { name: string; x: Lin }[] = [];
  /** Prim being built produces a deferred tensor. */
  deferring = false;
  /** Wires of the graph inputs: an output equation is solved for them only when it has nothing else. */
  readonly inputWires = new Set<number>();
  /** Element representations per tensor: single wires, other combinations, or a lazy map. */
  private readonly wireOf = new Map<number, Int32Array>();
  private readonly linOf = new Map<number, Map<number, Lin>>();
  private readonly lazyOf = new Map<number, (j: number) => Lin>();
  /** Witness values: regular wires (values mode: field bytes; check mode also as bigints). */
  readonly witness = new ByteSink();
  /** check mode: the witness as bigints, in final wire order once finished. */
  readonly big: bigint[] = [1n];
  private readonly deferredValue = new Map<number, bigint>();
  /** check mode: every named signal's value, and the constraints that failed. */
  readonly namedValues = new Map<string, bigint>();
  readonly failing: string[] = [];
  /** What the current prim is, for check-mode messages. */
  where = "";

  constructor(
    readonly mode: Mode,
    private readonly plan: Plan,
    private readonly signal: (id: number) => string,
    /** The names of mainOutputs(plan). */
    private readonly outputNames: readonly string[],
    private readonly vals: bigint[][] | undefined,
    private readonly sinks: Sinks,
  ) {
    this.witness.field(1n);
    this.constants = constantTensors(plan);
  }

  private readonly constants: Map<number, (bigint | undefined)[]>;

  constant(id: number): readonly (bigint | undefined)[] | undefined {
    return this.constants.get(id);
  }

  /** Set while the graph inputs' wires are made: their elements are kept in every mode (output rows read them). */
  tracking = false;

  private get keeps(): boolean {
    return this.mode !== "values" || this.deferring || this.tracking;
  }

  get lean(): boolean {
    return !this.keeps;
  }

  size(id: number): number {
    return this.plan.tensors[id]?.lo.length ?? bug(`no tensor ${id}`);
  }

  val(id: number, j: number): bigint {
    const v = this.vals?.[id]?.[j];
    if (v === undefined) bug(`no value of tensor ${id}[${j}] (mode ${this.mode})`);
    return v;
  }

  lin(id: number, j: number): Lin {
    if (this.lean && !this.exact) return Lin.ZERO;
    const w = this.wireOf.get(id)?.[j];
    if (w !== undefined && w >= 0) return Lin.wire(w);
    const x = this.linOf.get(id)?.get(j) ?? this.lazyOf.get(id)?.(j);
    if (x) return x;
    // values mode keeps only what reaches the outputs; a deferred prim's other inputs feed only its rows.
    if (this.mode === "values" && !this.exact) return Lin.ZERO;
    return bug(`tensor ${id}[${j}] used before it is computed`);
  }

  /** Set while the output equations are formed: `lin` then works in values mode too (on deferred tensors). */
  exact = false;

  wire(name: (() => string) | null, value: () => bigint): Lin {
    const deferred = this.deferring;
    const id = deferred ? this.nextDeferred++ : this.next++;
    if (this.mode !== "rows") {
      const v = value();
      if (deferred) this.deferredValue.set(id, v);
      else {
        this.witness.field(v);
        if (this.mode === "check") this.big.push(mod(v));
      }
    }
    if (!deferred) this.labelOf.push(-1);
    if (name) this.name(name, id);
    return this.keeps ? Lin.wire(id) : Lin.ZERO;
  }

  /** A sym line for a wire (held for deferred wires, whose ids come at the end). */
  private name(name: () => string, wire: number): void {
    if (this.mode === "values") return;
    if (this.mode === "check") this.namedValues.set(name(), mod(this.valueOf(wire)));
    if (wire >= DEFERRED) {
      this.heldNames.push({ name: name(), x: Lin.wire(wire) });
      return;
    }
    if (this.labelOf[wire] === -1) this.labelOf[wire] = this.labels;
    this.symLine(wire, name());
  }

  private symLine(wire: number, name: string): void {
    this.sinks.sym?.raw(Buffer.from(`${this.labels},${wire},0,${name}\n`));
    this.labels++;
  }

  named(name: () => string, x: Lin | (() => Lin)): void {
    if (this.mode === "values") return;
    const lin = typeof x === "function" ? undefined : x;
    const w = lin && isWire(lin) ? (lin.wires[0] as number) : -1;
    if (w >= 0) {
      this.name(name, w);
      return;
    }
    if (this.mode === "check") {
      const v = (typeof x === "function" ? x() : x).value((i) => this.valueOf(i));
      this.namedValues.set(name(), mod(v));
    }
    this.symLine(-1, name());
  }

  constrain(a: Lin, b: Lin, c: Lin): void {
    if (this.mode === "values") return;
    if ([a, b, c].some((x) => x.wires.some((w) => w >= DEFERRED))) {
      this.held.push({ a, b, c });
      return;
    }
    this.emit(a, b, c);
  }

  private emit(a: Lin, b: Lin, c: Lin, map?: (w: number) => number): void {
    this.constraints++;
    const rows = this.sinks.rows;
    if (rows) {
      writeLin(rows, a, map);
      writeLin(rows, b, map);
      writeLin(rows, c, map);
    }
    if (this.mode === "check") {
      const at = (i: number) => this.valueOf(i);
      if (mod(a.value(at) * b.value(at) - c.value(at)) !== 0n)
        this.failing.push(`constraint ${this.constraints - 1} (${this.where})`);
    }
  }

  private valueOf(w: number): bigint {
    const v = w >= DEFERRED ? this.deferredValue.get(w) : this.big[w];
    if (v === undefined) bug(`wire ${w} has no value`);
    return v;
  }

  out(id: number, j: number, x: Lin): void {
    if (this.keeps) {
      if (isWire(x)) {
        let ws = this.wireOf.get(id);
        if (!ws) {
          ws = new Int32Array(this.size(id)).fill(-1);
          this.wireOf.set(id, ws);
        }
        ws[j] = x.wires[0] as number;
      } else {
        let m = this.linOf.get(id);
        if (!m) {
          m = new Map();
          this.linOf.set(id, m);
        }
        m.set(j, x);
      }
    }
    this.nameElement(id, j, x);
  }

  outLazy(id: number, f: (j: number) => Lin): void {
    if (this.keeps) this.lazyOf.set(id, f);
    if (this.mode === "values") return;
    for (let j = 0; j < this.size(id); j++) this.nameElement(id, j, undefined);
  }

  /** `main.<signal>[j]`: the wire's own name when the element is one wire, else an eliminated signal. */
  private nameElement(id: number, j: number, x: Lin | undefined): void {
    if (this.mode === "values") return;
    const name = () => `main.${this.signal(id)}[${j}]`;
    if (x && isWire(x)) {
      this.name(name, x.wires[0] as number);
      return;
    }
    if (this.mode === "check") this.namedValues.set(name(), mod(this.val(id, j)));
    this.symLine(-1, name());
  }

  /**
   * The output equations out_k = t_k (t_k the output tensor's element): pinned ones become (out − t)² =
   * 0, the others are solved for deferred wires where they can be (Gaussian elimination mod p, pivots in
   * row order) and kept as linear constraints where they cannot. Then the held constraints are written
   * with the solved wires substituted, and the remaining deferred wires numbered after the others.
   * Returns the final number of wires.
   */
  finish(outWire: (o: number, j: number) => number, pinned: boolean[][]): number {
    this.exact = true;
    const free: Map<number, bigint>[] = [];
    mainOutputs(this.plan).forEach((o, oi) => {
      for (let j = 0; j < this.size(o.tensor); j++) {
        const diff = Lin.wire(outWire(oi, j)).minus(this.lin(o.tensor, j));
        if (pinned[oi]?.[j]) {
          this.held.push({ a: diff, b: diff, c: Lin.ZERO });
          if (this.mode !== "values") this.named(() => `main.z_${this.outputNames[oi]}[${j}]`, diff);
        } else free.push(toRow(diff));
      }
    });
    const pivots = eliminate(free, this.inputWires);
    // Rows that kept no deferred wire are linear constraints of their own.
    for (const row of free)
      if (!pivots.rowPivot.has(row)) this.held.push({ a: Lin.ZERO, b: Lin.ZERO, c: fromRow(row) });
    const finalId = new Map<number, number>();
    let n = this.next;
    for (let w = DEFERRED; w < this.nextDeferred; w++) if (!pivots.expr.has(w)) finalId.set(w, n++);
    const map = (w: number) => (w < DEFERRED ? w : (finalId.get(w) ?? bug(`wire ${w} was eliminated`)));
    const subst = (x: Lin) => substitute(x, pivots.expr);
    for (const { a, b, c } of this.held) this.emit(subst(a), subst(b), subst(c), map);
    if (this.mode !== "values")
      for (const { name, x } of this.heldNames) {
        const w = x.wires[0] as number;
        const f = finalId.get(w);
        if (f !== undefined) {
          if (!this.deferredLabel.has(w)) this.deferredLabel.set(w, this.labels);
          this.symLine(f, name);
        } else this.named(() => name, subst(x));
      }
    // Witness and labels of the deferred wires that stayed, in their final order.
    for (let w = DEFERRED; w < this.nextDeferred; w++) {
      if (!finalId.has(w)) continue;
      this.labelOf.push(this.deferredLabel.get(w) ?? -1);
      if (this.mode !== "rows") {
        const v = this.deferredValue.get(w) ?? bug(`deferred wire ${w} has no value`);
        this.witness.field(v);
        if (this.mode === "check") this.big.push(mod(v));
      }
    }
    return n;
  }
}

function isWire(x: Lin): boolean {
  return x.k === 0n && x.wires.length === 1 && x.coefs[0] === 1n;
}

type Row = Map<number, bigint>;

/** A combination as a row over wires (wire 0: the constant), coefficients mod p. */
function toRow(x: Lin): Row {
  const row: Row = new Map();
  if (x.k !== 0n) row.set(0, mod(x.k));
  x.wires.forEach((w, t) => {
    const v = mod((row.get(w) ?? 0n) + (x.coefs[t] as bigint));
    if (v === 0n) row.delete(w);
    else row.set(w, v);
  });
  return row;
}

function fromRow(row: Row): Lin {
  const wires: number[] = [];
  const coefs: bigint[] = [];
  let k = 0n;
  for (const [w, c] of row) {
    if (w === 0) k = c;
    else {
      wires.push(w);
      coefs.push(c);
    }
  }
  return new Lin(wires, coefs, k);
}

/**
 * Gaussian elimination of the output rows over the deferred wires: each row, reduced by the earlier
 * pivots, takes as pivot its last deferred wire that is not a graph input (as circom does: an output
 * that selects a private input is solved for the selection's signals, so the input stays a wire), or
 * an input wire when it has no other; then every pivot is expressed without the others (reduced row
 * echelon), as wire = combination.
 */
function eliminate(
  rows: Row[],
  inputs: ReadonlySet<number>,
): { expr: Map<number, Lin>; rowPivot: Map<Row, number> } {
  const pivotRow = new Map<number, Row>();
  const rowPivot = new Map<Row, number>();
  const order: number[] = [];
  for (const row of rows) {
    for (const [p, prow] of pivotRow) {
      const f = row.get(p);
      if (f === undefined) continue;
      for (const [w, c] of prow) {
        const v = mod((row.get(w) ?? 0n) - f * c);
        if (v === 0n) row.delete(w);
        else row.set(w, v);
      }
    }
    let pivot: number | undefined;
    let fallback: number | undefined;
    for (const w of row.keys()) {
      if (w < DEFERRED) continue;
      if (inputs.has(w)) fallback = Math.max(fallback ?? w, w);
      else pivot = Math.max(pivot ?? w, w);
    }
    pivot ??= fallback;
    if (pivot === undefined) continue;
    const k = inverse(row.get(pivot) as bigint);
    for (const [w, c] of row) row.set(w, mod(c * k));
    // Clear the new pivot from the earlier pivot rows (reduced form).
    for (const prow of pivotRow.values()) {
      const f = prow.get(pivot);
      if (f === undefined) continue;
      for (const [w, c] of row) {
        const v = mod((prow.get(w) ?? 0n) - f * c);
        if (v === 0n) prow.delete(w);
        else prow.set(w, v);
      }
    }
    pivotRow.set(pivot, row);
    rowPivot.set(row, pivot);
    order.push(pivot);
  }
  // pivot + Σ c·w = 0  =>  pivot = −Σ c·w
  const expr = new Map<number, Lin>();
  for (const p of order) {
    const row = pivotRow.get(p) as Row;
    const rest = new Map(row);
    rest.delete(p);
    const x = fromRow(rest);
    expr.set(p, x.times(-1n));
  }
  return { expr, rowPivot };
}

function substitute(x: Lin, expr: Map<number, Lin>): Lin {
  if (expr.size === 0 || !x.wires.some((w) => expr.has(w))) return x;
  const terms: [bigint, Lin][] = [];
  const wires: number[] = [];
  const coefs: bigint[] = [];
  x.wires.forEach((w, t) => {
    const e = expr.get(w);
    if (e) terms.push([x.coefs[t] as bigint, e]);
    else {
      wires.push(w);
      coefs.push(x.coefs[t] as bigint);
    }
  });
  return Lin.sum([[1n, new Lin(wires, coefs, x.k)], ...terms]);
}
