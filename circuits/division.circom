pragma circom 2.1.0;

// zkmlc circuit library: floor division of a signed value by a positive one.
//
// FloorDiv(QLO, NQ, NR)
//   Proves:       q = floor(num / den) as integers.
//   Assumption:   den ∈ [1, 2^NR]; q ∈ [QLO, QLO + 2^NQ) (from the bound analysis), and
//                 NQ + NR + bits(|QLO|) + 2 <= 252 so q·den + r cannot wrap around the field.
//   Constraints:  --O2: NQ + 2·NR + 1   (range checks of q − QLO, r and den − 1 − r; one product q·den)
//   Construction: hints qq = (num − QLO·den) \ den and r = (num − QLO·den) % den (computed on the
//                 non-negative integer num − QLO·den); constraints num = (qq + QLO)·den + r, qq ∈ [0, 2^NQ),
//                 r ∈ [0, 2^NR), den − 1 − r ∈ [0, 2^NR). The last two give 0 <= r < den as integers, and
//                 with the range of qq the integer equation has exactly one solution: q = floor(num / den).

include "../circomlib/bitify.circom";

template FloorDiv(QLO, NQ, NR) {
    assert(NQ >= 1 && NR >= 1 && NQ + NR <= 250);
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
