pragma circom 2.1.0;

// zkmlc circuit library: maximum of two signed values.
//
// Max2(N)
//   Proves:       out = max(a, b) as signed integers.
//   Assumption:   a − b ∈ [-2^(N-1), 2^(N-1)) (the bound analysis picks N = bitsSigned of the difference's
//                 interval). A difference outside it makes the decomposition unsatisfiable, never a wrong max.
//                 2 <= N <= 252.
//   Constraints:  --O2: N + 1   (N booleanity + the product s·(a − b))
//   Construction: D = a − b + 2^(N-1) ∈ [0, 2^N) is decomposed (Num2Bits, unique since 2^N < p); its top
//                 bit s = [a >= b]; out = b + s·(a − b). min(a, b) = a + b − max(a, b) is free for callers.

include "../circomlib/bitify.circom";

template Max2(N) {
    assert(N >= 2 && N <= 252);
    signal input a;
    signal input b;
    signal output out;

    component bits = Num2Bits(N);
    bits.in <== a - b + 2 ** (N - 1);
    out <== b + bits.out[N - 1] * (a - b);
}
