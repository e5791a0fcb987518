pragma circom 2.1.0;

// zkmlc circuit library: floor division of a signed value by a positive one.
//
// FloorDiv(QLO, NQ, NR)
//   Proves:       q = floor(num / den) as integers (num read as a signed integer, den >= 1).
//   Assumption:   den ∈ [1, 2^NR] and q ∈ [QLO, QLO + 2^NQ) (from the bound analysis). Outside that a
//                 range check is unsatisfiable (den <= 0, den >= 2^(NR+1), q out of range), or, for
//                 den ∈ (2^NR, 2^(NR+1)), the quotient is still exact: never a wrong quotient.
//                 Parameters: NQ, NR >= 1 and NQ + NR + bits(|QLO|) + 2 <= 252 (field safety, see below).
//   Constraints:  --O2: NQ + 2·NR + 1   (range checks of q − QLO, r and den − 1 − r; one product q·den)
//                 --O1: NQ + 2·NR + 6   (+ the linear recompositions and wiring, kept at --O1)
//   Construction: hints qq = (num − QLO·den) \ den and r = (num − QLO·den) % den (computed on the
//                 non-negative integer num − QLO·den); constraints num = (qq + QLO)·den + r, qq ∈ [0, 2^NQ),
//                 r ∈ [0, 2^NR), den − 1 − r ∈ [0, 2^NR).
//   Soundness:    the last two give r ∈ [0, 2^NR) and den = 1 + r + g with g ∈ [0, 2^NR), so 1 <= den
//                 < 2^(NR+1) and 0 <= r < den as integers. With q = qq + QLO, |q| < 2^NQ + |QLO|, so the
//                 integer q·den + r has magnitude below 2^(max(NQ, bits|QLO|) + 1 + NR + 1) + 2^NR <= 2^252
//                 < p/2 under the parameter condition: the field equation is an integer equation, and
//                 num = q·den + r with 0 <= r < den has exactly one solution, q = floor(num / den).

include "../circomlib/bitify.circom";

/** Number of bits of a non-negative compile-time integer (0 for 0). */
function zkmlcBitLength(x) {
    var n = 0;
    var y = x;
    while (y > 0) {
        n++;
        y = y \ 2;
    }
    return n;
}

template FloorDiv(QLO, NQ, NR) {
    var absQlo = QLO < 0 ? -QLO : QLO;
    assert(NQ >= 1 && NR >= 1 && NQ + NR + zkmlcBitLength(absQlo) + 2 <= 252);
    signal input num;
    signal input den;
    signal output q;

    signal qq;
    signal r;
    qq <-- (num - QLO * den) \ den;
    r <-- (num - QLO * den) % den;
    num === (qq + QLO) * den + r;

    component qBits = Num2Bits(NQ);
    qBits.in <== qq;
    component rBits = Num2Bits(NR);
    rBits.in <== r;
    component gapBits = Num2Bits(NR);
    gapBits.in <== den - 1 - r;
    q <== qq + QLO;
}
