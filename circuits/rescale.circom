pragma circom 2.1.0;

// zkmlc circuit library: rescale (signed, rounding half away from zero).
//
// Rescale(N, k)
//   Proves:       out = roundShift(in, k) of src/3-lower/rounding.ts: in / 2^k rounded to the nearest
//                 integer, ties away from zero.
//   Assumption:   in ∈ [-2^(N-1), 2^(N-1)) as a signed integer (the caller's bound analysis guarantees it;
//                 pick N = bitsSigned(lo, hi)). An input outside that range makes the decomposition
//                 unsatisfiable (witness generation fails), never a wrapped result.
//                 Parameters: 2 <= N <= 252, 1 <= k <= N - 1.
//   Output range: out ∈ [-2^(N-1-k), 2^(N-1-k)]  (the upper end is reachable: (2^(N-1) - 1) / 2^k rounds up).
//   Constraints:  --O2: N + 1 for k = 1,  N + 2 for k >= 2
//                 --O1: N + 4 for k = 1,  N + 6 for k >= 2  (the linear recomposition and the linear
//                       wiring of bits.in / isz.in / out are kept as separate constraints)
//   Signals:      input in, output out; bits main.<component>.bits.out[i] (bit N-1 = sign),
//                 negative-tie flag main.<component>.negTie, for k >= 2 main.<component>.isz.{in,inv,out}.
//
// Construction. X = in + 2^(N-1) ∈ [0, 2^N) is decomposed into N bits b_0..b_{N-1} (Num2Bits, unique since
// 2^N <= 2^252 < p). msb = b_{N-1} = [in >= 0]. Since k <= N-1, 2^k divides 2^(N-1), so
//   q0 = floor(in / 2^k) = Σ_{i=k}^{N-1} b_i 2^(i-k) - 2^(N-1-k)     (linear)
//   r  = in mod 2^k      = Σ_{i<k} b_i 2^i ∈ [0, 2^k)
// and b_{k-1} = [r >= 2^(k-1)]. Rounding half away from zero is q0 + 1 when r > 2^(k-1), q0 when
// r < 2^(k-1), and on a tie r = 2^(k-1): q0 + 1 if in >= 0, q0 if in < 0. Hence
//   out = q0 + b_{k-1} - negTie,   negTie = [r = 2^(k-1) and msb = 0].
// negTie for k >= 2: t = Σ_{i<k-1} b_i 2^i + (1 - b_{k-1}) 2^(k-1) + msb 2^k is a sum of non-negative
// integers below 2^(k+1) <= 2^N (no wrap), so t = 0 iff the low k-1 bits are 0, b_{k-1} = 1 and msb = 0;
// negTie = IsZero(t) (2 constraints, sound: out = 1 - t*inv, t*out = 0). For k = 1, r = b_0 and
// negTie = b_0 * (1 - msb) (1 constraint).

include "../circomlib/bitify.circom";
include "../circomlib/comparators.circom";

template Rescale(N, k) {
    assert(N >= 2 && N <= 252);
    assert(k >= 1 && k <= N - 1);
    signal input in;
    signal output out;

    component bits = Num2Bits(N);
    bits.in <== in + 2 ** (N - 1);
    var msb = bits.out[N - 1];

    var q0 = -(2 ** (N - 1 - k));
    for (var i = k; i < N; i++) {
        q0 += bits.out[i] * 2 ** (i - k);
    }

    signal negTie;
    if (k == 1) {
        negTie <== bits.out[0] * (1 - msb);
    } else {
        var t = (1 - bits.out[k - 1]) * 2 ** (k - 1) + msb * 2 ** k;
        for (var i = 0; i < k - 1; i++) {
            t += bits.out[i] * 2 ** i;
        }
        component isz = IsZero();
        isz.in <== t;
        negTie <== isz.out;
    }

    out <== q0 + bits.out[k - 1] - negTie;
}
