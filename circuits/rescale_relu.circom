pragma circom 2.1.0;

// zkmlc circuit library: rescale + ReLU in one decomposition.
//
// RescaleRelu(N, k)
//   Proves:       out = max(0, floor((in + h) / 2^k)),  h = 2^(k-1) for k >= 1, h = 0 for k = 0,
//                 which equals rescaleRelu(in, k) = max(0, roundShift(in, k)) of src/3-lower/rounding.ts
//                 (roundShift rounds half away from zero; see the proof below).
//                 With k = 0 it is a plain ReLU: out = max(0, in).
//   Assumption:   in + h ∈ [-2^(N-1), 2^(N-1)) as a signed integer (the caller's bound analysis guarantees
//                 it; pick N = bitsSigned(lo + h, hi + h)). An input outside that range makes the
//                 decomposition unsatisfiable (witness generation fails), never a wrapped result.
//                 Parameters: 2 <= N <= 252, 0 <= k <= N - 2 (widen N if needed: N is only an upper bound).
//   Output range: out ∈ [0, 2^(N-1-k)).
//   Constraints:  --O2: N + 1      (N booleanity + 1 product msb * q)
//                 --O1: N + 3      (+ the linear recomposition and the linear offset wiring of bits.in)
//   Signals:      input in, output out; bits main.<component>.bits.out[i] (i = 0..N-1, bit N-1 = sign).
//
// Construction. X = in + h + 2^(N-1) ∈ [0, 2^N) is decomposed into N bits b_0..b_{N-1} (Num2Bits, unique
// since 2^N <= 2^252 < p). The top bit is msb = [in + h >= 0]. When msb = 1, the low N-1 bits are exactly
// in + h, so q = Σ_{i=k}^{N-2} b_i 2^(i-k) = floor((in + h) / 2^k); out = msb * q.
//
// Proof that floor((in + h) / 2^k) clipped at 0 equals max(0, roundShift(in, k)):
//   k = 0: both are max(0, in).
//   in >= 0: roundShift rounds half up for non-negative values, which is floor((in + 2^(k-1)) / 2^k).
//   -h <= in < 0: 0 <= in + h < h < 2^k, so the template gives msb = 1, q = 0, out = 0; roundShift(in, k)
//     is 0 or -1 (|in| / 2^k <= 1/2; the tie in = -h rounds away from zero to -1), so the ReLU gives 0.
//   in < -h: msb = 0, out = 0; |in| / 2^k > 1/2 so roundShift(in, k) <= -1 and the ReLU gives 0.
//   Ties therefore only differ for negative values, which the ReLU zeroes.

include "../circomlib/bitify.circom";

template RescaleRelu(N, k) {
    assert(N >= 2 && N <= 252);
    assert(k >= 0 && k <= N - 2);
    signal input in;
    signal output out;

    var h = k == 0 ? 0 : 2 ** (k - 1);
    component bits = Num2Bits(N);
    bits.in <== in + h + 2 ** (N - 1);

    var q = 0;
    for (var i = k; i < N - 1; i++) {
        q += bits.out[i] * 2 ** (i - k);
    }
    out <== bits.out[N - 1] * q;
}
