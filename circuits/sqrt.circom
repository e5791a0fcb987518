pragma circom 2.1.0;

// zkmlc circuit library: integer square root.
//
// FloorSqrt(NX, NS)
//   Proves:       out = floor(sqrt(in)) for an integer in >= 0.
//   Assumption:   in ∈ [0, 2^NX) and floor(sqrt(in)) < 2^NS, NS + 1 <= NX, 2·NS + 2 <= 252 (from the bound
//                 analysis; the caller picks NX >= NS + 1 so (s+1)² − 1 − in <= 2s fits).
//   Constraints:  --O2: NS + 1 + 2·NX   (range of s, the product s·s, range checks of in − s² and
//                 s² + 2s − in)
//   Construction: hint s = isqrt(in); s ∈ [0, 2^NS); sq = s·s; in − sq ∈ [0, 2^NX) and
//                 (s+1)² − 1 − in = sq + 2s − in ∈ [0, 2^NX). No value wraps (all below 2^(2·NS+2) < p),
//                 so s² <= in < (s+1)² as integers: s is unique.

include "../circomlib/bitify.circom";

function zkmlcIsqrt(x, ns) {
    var r = 0;
    for (var i = ns - 1; i >= 0; i--) {
        var c = r + (1 << i);
        if (c * c <= x) {
            r = c;
        }
    }
    return r;
}

template FloorSqrt(NX, NS) {
    assert(NS >= 1 && NX >= NS + 1 && 2 * NS + 2 <= 252);
    signal input in;
    signal output out;

    out <-- zkmlcIsqrt(in, NS);
    component sBits = Num2Bits(NS);
    sBits.in <== out;
    signal sq;
    sq <== out * out;
    component lowBits = Num2Bits(NX);
    lowBits.in <== in - sq;
    component highBits = Num2Bits(NX);
    highBits.in <== sq + 2 * out - in;
}
