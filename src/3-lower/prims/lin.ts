/**
 * A linear combination k + Σ coef·w over witness wires, with integer coefficients (the r1cs writer
 * reduces them modulo the field). Affine maps are never signals in the direct backend: their values are
 * these combinations, substituted into the constraints that read them, as circom's --O2 does.
 *
 * Immutable; `wires` may repeat a wire (terms are merged when a row is written).
 */
export class Lin {
  static readonly ZERO = new Lin([], [], 0n);
  static readonly ONE = new Lin([], [], 1n);

  constructor(
    readonly wires: readonly number[],
    readonly coefs: readonly bigint[],
    readonly k: bigint,
  ) {}

  static wire(w: number): Lin {
    return new Lin([w], [1n], 0n);
  }

  static constant(k: bigint): Lin {
    return k === 0n ? Lin.ZERO : k === 1n ? Lin.ONE : new Lin([], [], k);
  }

  /** Σ c_i·x_i + k over combinations. */
  static sum(terms: readonly (readonly [bigint, Lin])[], k = 0n): Lin {
    const wires: number[] = [];
    const coefs: bigint[] = [];
    let kk = k;
    for (const [c, x] of terms) {
      if (c === 0n) continue;
      kk += c * x.k;
      for (let t = 0; t < x.wires.length; t++) {
        wires.push(x.wires[t] as number);
        coefs.push(c * (x.coefs[t] as bigint));
      }
    }
    return new Lin(wires, coefs, kk);
  }

  get isConstant(): boolean {
    return this.wires.length === 0;
  }

  plus(x: Lin, c = 1n): Lin {
    return Lin.sum(
      [
        [1n, this],
        [c, x],
      ],
      0n,
    );
  }

  minus(x: Lin): Lin {
    return this.plus(x, -1n);
  }

  times(c: bigint): Lin {
    return Lin.sum([[c, this]]);
  }

  add(k: bigint): Lin {
    return k === 0n ? this : new Lin(this.wires, this.coefs, this.k + k);
  }

  /** The value of the combination for a witness (wire values as field elements or signed integers). */
  value(at: (wire: number) => bigint): bigint {
    let v = this.k;
    for (let t = 0; t < this.wires.length; t++) v += (this.coefs[t] as bigint) * at(this.wires[t] as number);
    return v;
  }
}
