pragma circom 2.1.0;

// zkmlc circuit library: sign test.
//
// IsNonNeg(N)
//   Proves:       out = 1 if in >= 0 else 0 (in read as a signed integer).
//   Assumption:   in ∈ [-2^(N-1), 2^(N-1)) (from the bound analysis); otherwise unsatisfiable. 1 <= N <= 252.
//   Constraints:  --O2: N   (the output is the top bit of the decomposition: a linear alias)
//   Construction: in + 2^(N-1) ∈ [0, 2^N) is decomposed (Num2Bits, unique); its top bit is [in >= 0].
// Equality tests use circomlib's IsZero (2 constraints: out = 1 − in·inv, in·out = 0).

include "../circomlib/bitify.circom";

template IsNonNeg(N) {
    assert(N >= 1 && N <= 252);
    signal input in;
    signal output out;

    component bits = Num2Bits(N);
    bits.in <== in + 2 ** (N - 1);
    out <== bits.out[N - 1];
}
