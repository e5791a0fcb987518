pragma circom 2.1.0;

// zkmlc circuit library: sign test.
//
// IsNonNeg(N)
//   Proves:       out = 1 if in >= 0 else 0 (in read as a signed integer).
//   Assumption:   in ∈ [-2^(N-1), 2^(N-1)) (from the bound analysis); otherwise unsatisfiable. 1 <= N <= 252.
//   Constraints:  --O2: N   (the output is the top bit of the decomposition: a linear alias); --O1: N + 2
//                 (N = 1 under --O2: in = out − 1 is substituted, leaving out·(out − 1) = 0)
//   Construction: in + 2^(N-1) ∈ [0, 2^N) is decomposed (Num2Bits, unique); its top bit is [in >= 0].
//   Tests:        test/circuits/compare.test.ts (exhaustive small N, forged witnesses, the emitted cmp prim).
// Equality tests use circomlib's IsZero (2 constraints: out = 1 − in·inv, in·out = 0; if in ≠ 0 then out = 0
// and inv = 1/in are forced, if in = 0 then out = 1).

include "../circomlib/bitify.circom";

template IsNonNeg(N) {
    assert(N >= 1 && N <= 252);
    signal input in;
    signal output out;

    component bits = Num2Bits(N);
    bits.in <== in + 2 ** (N - 1);
    out <== bits.out[N - 1];
}
