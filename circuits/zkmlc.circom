pragma circom 2.1.0;

// zkmlc circuit library: one include for generated model circuits.
//   include "zkmlc/zkmlc.circom";
// (the generated main sits at the top of the build directory; compileCircom passes -l lib and
// copyCircuitLibrary puts this folder in lib/zkmlc/ and circomlib's circuits/ in lib/circomlib/).
//
// Templates (see each file's header for the exact statement, range assumption and proof):
//                         proves                                          --O2             --O1
//   RangeCheck(n)         in ∈ [0, 2^n)                                   n                n + 1
//   RangeCheckSigned(N)   in ∈ [-2^(N-1), 2^(N-1))                        N                N + 2
//   RescaleRelu(N, k)     out = max(0, roundShift(in, k)); k = 0: ReLU    N + 1            N + 3
//   Rescale(N, k), k >= 1 out = roundShift(in, k)                         N + 1 (k = 1)    N + 4 (k = 1)
//                                                                         N + 2 (k >= 2)   N + 6 (k >= 2)
//   Max2(N)               out = max(a, b)                                 N + 1
//   IsNonNeg(N)           out = [in >= 0]                                 N
//   FloorDiv(QLO, NQ, NR) q = floor(num / den), den >= 1                  NQ + 2·NR + 1
//   FloorSqrt(NX, NS)     out = floor(sqrt(in))                           NS + 2·NX + 1
//   OneHot(K, CHECK)      out[k] = [in = k], k < K (CHECK: in < K)        max(0, K − 2); CHECK: max(1, K − 1)
//   OneHotHint(K)         out[k] = [in = k], k < K, in < K                K
//   (generated per model) piecewise polynomials: see src/3-lower/prims/poly.ts
// Inputs are `in`, outputs `out`. `in` may be any linear combination of other signals with constant
// coefficients (a layer's W·x + b): the --O2 counts stay exact (test/circuits/library.test.ts); the --O1
// counts are for `in` being a plain signal. All widths N, n must come from the bound analysis
// (src/3-lower/rounding.ts: bitsSigned, bitsUnsigned); parameters are checked with compile-time asserts.
// roundShift rounds half away from zero (src/3-lower/rounding.ts is the specification).

include "range_check.circom";
include "rescale_relu.circom";
include "rescale.circom";
include "max.circom";
include "compare.circom";
include "division.circom";
include "sqrt.circom";
include "onehot.circom";
include "../circomlib/comparators.circom";
