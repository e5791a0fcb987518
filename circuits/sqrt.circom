pragma circom 2.1.0;

// zkmlc circuit library: integer square root.
//
// FloorSqrt(NX, NS)
//   Proves:       out = floor(sqrt(in)) for an integer in >= 0.
//   Assumption:   in ∈ [0, 2^NX) (from the bound analysis); an input outside makes a range check
//                 unsatisfiable. NX >= 1 and NX >= NS + 1, so (s+1)² − 1 − in <= 2s fits NX bits.
//                 NS = 0: out is not range-checked; allowed only for NX <= 125 (see Soundness).
//                 NS >= 1: out ∈ [0, 2^NS) is checked; needs NX <= 252 and NS <= 126.
//   Constraints:  --O2: 2·NX + NS + 1   (the product s·s, range checks of in − s² and s² + 2s − in, and
//                 NS bits of s when NS >= 1)
//   Construction: hint s = isqrt(in); sq = s·s; a = in − sq ∈ [0, 2^NX); b = sq + 2s − in ∈ [0, 2^NX).
//   Soundness:    a + b = 2s (mod p).
//                 NS >= 1: s < 2^NS <= 2^126, so s² + a, s² + 2s and in + b are integers below
//                 2^252 + 2^252 = 2^253 < p: in = s² + a and s² + 2s = in + b hold as integers, so
//                 s² <= in <= s² + 2s < (s+1)²: s = floor(sqrt(in)).
//                 NS = 0: let c = a + b < 2^(NX+1); then s = c/2 and in = s² + a (mod p) give
//                 4·in = c² + 4a (mod p). Both sides are integers below 2^(2·NX+3) <= 2^253 < p for
//                 NX <= 125, so the equation holds over the integers: c is even, s = c/2 is an integer in
//                 [0, 2^NX), and s² <= in <= s² + 2s as before. The range check of s is then redundant.

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
    assert(NX >= 1 && NX <= 252 && NX >= NS + 1);
    assert(NS == 0 ? NX <= 125 : NS <= 126);
    signal input in;
    signal output out;

    // floor(sqrt(in)) < 2^ceil(NX / 2)
    out <-- zkmlcIsqrt(in, NS == 0 ? (NX + 1) \ 2 : NS);
    if (NS > 0) {
        component sBits = Num2Bits(NS);
        sBits.in <== out;
    }
    signal sq;
    sq <== out * out;
    component lowBits = Num2Bits(NX);
    lowBits.in <== in - sq;
    component highBits = Num2Bits(NX);
    highBits.in <== sq + 2 * out - in;
}
