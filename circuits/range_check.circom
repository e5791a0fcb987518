pragma circom 2.1.0;

// zkmlc circuit library: range checks.
//
// RangeCheck(n)
//   Proves:       in ∈ [0, 2^n) as an integer (in is the canonical field representative).
//   Assumption:   none; this IS the check. 1 <= n <= 252, so 2^n < p and a bit decomposition is unique
//                 (no aliasing modulo the BN254 scalar field p ≈ 2^253.6).
//   Constraints:  --O2: n          (n booleanity constraints; the recomposition is linear and is folded)
//                 --O1: n + 1      (n booleanity + 1 linear recomposition)
//
// RangeCheckSigned(N)
//   Proves:       in ∈ [-2^(N-1), 2^(N-1)) as a signed integer (negative x is the field element p - |x|).
//   Use it on every private or public INPUT of a model circuit: the bound analysis of all later values
//   assumes the inputs lie in their calibrated range; without this check a prover could feed a value such
//   that a linear combination wraps around the field into a range that later checks accept.
//   Assumption:   none; 1 <= N <= 252.
//   Constraints:  --O2: N          --O1: N + 2   (+ recomposition, + the linear offset wiring of bits.in)
//   Signals:      input in; no output. The bits are main.<component>.bits.out[i].

include "../circomlib/bitify.circom";

template RangeCheck(n) {
    assert(n >= 1 && n <= 252);
    signal input in;

    component bits = Num2Bits(n);
    bits.in <== in;
}

template RangeCheckSigned(N) {
    assert(N >= 1 && N <= 252);
    signal input in;

    component bits = Num2Bits(N);
    bits.in <== in + 2 ** (N - 1);
}
