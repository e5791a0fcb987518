pragma circom 2.1.0;

// zkmlc circuit library: maximum of two signed values.
//
// Max2(N)
//   Proves:       out = max(a, b) as signed integers.
//   Assumption:   a − b ∈ [-2^(N-1), 2^(N-1)) (the bound analysis picks N = bitsSigned of the difference's
//                 interval). A difference outside it makes the constraints unsatisfiable, never a wrong max.
//                 2 <= N <= 252.
//   Constraints:  N + 1 under --O1 and --O2 (N − 1 booleanity of the low bits, 1 for the sign, 1 product)
//   Construction: D = a − b + 2^(N-1) is split as D = low + S with low = Σ_{i<N-1} bits[i]·2^i (hint bits,
//                 each constrained boolean) and S = D − low a linear expression, constrained by
//                 S·(S − 2^(N-1)) = 0. Then out is a hint constrained by S·(a − b) = (out − b)·2^(N-1).
//   Soundness:    S ∈ {0, 2^(N-1)} (the field has no zero divisors), so s = S / 2^(N-1) is a bit and
//                 D ≡ low + s·2^(N-1) ∈ [0, 2^N) (mod p): a − b is the signed integer D − 2^(N-1), the
//                 decomposition is unique (2^N < p) and s = [a >= b]. 2^(N-1) is invertible, so the last
//                 constraint gives out = b + s·(a − b) = max(a, b). min(a, b) = a + b − max(a, b) is free.
//   Why no Num2Bits: its recomposition is a linear constraint holding a and b; when a and b are
//                 overlapping linear combinations of the same inputs (a convolution feeding MaxPool),
//                 circom's --O2 elimination of such constraints took super-linear time (minutes for a
//                 16×16 image). Here every constraint is quadratic, so there is nothing to eliminate.

template Max2(N) {
    assert(N >= 2 && N <= 252);
    signal input a;
    signal input b;
    signal output out;

    var D = a - b + 2 ** (N - 1);
    signal bits[N - 1];
    var low = 0;
    for (var i = 0; i < N - 1; i++) {
        bits[i] <-- (D >> i) & 1;
        bits[i] * (bits[i] - 1) === 0;
        low += bits[i] * 2 ** i;
    }
    var S = D - low;
    S * (S - 2 ** (N - 1)) === 0;
    out <-- ((D >> (N - 1)) & 1) == 1 ? a : b;
    S * (a - b) === (out - b) * 2 ** (N - 1);
}
