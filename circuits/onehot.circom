pragma circom 2.1.0;

// zkmlc circuit library: one-hot vector of a small integer (data-dependent Gather, GatherElements, OneHot).
//
// OneHot(K, CHECK), 1 <= K <= 32, CHECK ∈ {0, 1}
//   Proves:       out[k] = [in = k] for k < K, and (CHECK = 1) in ∈ {0, ..., K − 1}.
//   Assumption:   CHECK = 0: in ∈ [0, K) is already proven (the bound analysis of the index); the outputs
//                 are then exactly one-hot. CHECK = 1: none; any other in makes the constraints
//                 unsatisfiable (an out-of-range index cannot be forged into a selection).
//   Constraints:  --O2: CHECK = 0: max(0, K − 2);  CHECK = 1: max(1, K − 1)
//                 (K = 2 unchecked is free: out = [1 − in, in])
//   Construction: no hints. Powers w_t = in^t are products w_t = w_(t−1)·in for t = 2..T (T = K − 1, or
//                 K with CHECK; 2 when K = 1 with CHECK). out[k] = L_k(in), the Lagrange basis polynomial
//                 of the points 0..K−1 (L_k(m) = [m = k]), is a linear combination of w_0..w_(K−1) with
//                 compile-time field coefficients: free under --O2. CHECK adds the linear constraint
//                 M(in) = Π_(m<K) (in − m) = 0 (in² = 0 for K = 1), linear in w_0..w_K.
//   Soundness:    every signal is a polynomial of in, so the witness is unique for each in. For in ∈ [0, K)
//                 (proven, or forced by M(in) = 0: the field has no zero divisors, so in ≡ m for some m < K)
//                 L_k(in) = [in = k] exactly, whatever the size of the field coefficients.
//   Why:          a per-candidate equality test costs 2 (IsZero) and a booleanity-constrained hint vector
//                 costs 1 per candidate (OneHotHint); the powers share the polynomial degree among all K
//                 outputs, so a two-way choice (a comparison's 0/1 result, a tree level) costs nothing.
//                 The outputs are dense combinations of K powers, so large K takes OneHotHint instead.
//
// OneHotHint(K), K >= 2
//   Proves:       out[k] = [in = k] for k < K and in ∈ {0, ..., K − 1} (otherwise unsatisfiable).
//   Constraints:  --O2: K   (booleanity of each out[k]; Σ out = 1 and Σ k·out[k] = in are linear)
//   Construction: hints out[k] <-- [in = k]; out[k]·(out[k] − 1) = 0, Σ_k out[k] = 1, Σ_k k·out[k] = in.
//   Soundness:    K booleans summing to 1 in the field (K < p) means exactly one is 1, say out[m];
//                 then in = m. So in ∈ [0, K) and out is its one-hot vector: every hint is determined.
//   Why:          K constraints like OneHot's K − 1 or K − 2, but every output is its own signal (sparse
//                 rows), where OneHot's outputs each hold K terms.
//
// Tests: test/circuits/onehot.test.ts (exact counts, every in, forged vectors and indices, the emitted prim).
// Used by src/3-lower/prims/onehot.ts (the onehot prim) for src/3-lower/ops/lib/select.ts (Gather, GatherElements,
// OneHot with indices computed from the input).

template OneHot(K, CHECK) {
    assert(K >= 1 && K <= 32);
    assert(CHECK == 0 || CHECK == 1);
    signal input in;
    signal output out[K];

    // Highest power needed: K − 1 for the basis, K (2 for K = 1) for the membership polynomial.
    var T = K - 1;
    if (CHECK == 1) {
        T = K == 1 ? 2 : K;
    }
    var w[T + 1];
    w[0] = 1;
    if (T >= 1) {
        w[1] = in;
    }
    signal pw[T + 1];
    for (var t = 2; t <= T; t++) {
        pw[t] <== w[t - 1] * in;
        w[t] = pw[t];
    }

    // M(x) = Π_(m<K) (x − m), coefficients lowest degree first (field arithmetic).
    var M[K + 1];
    M[0] = 1;
    for (var t = 1; t <= K; t++) {
        M[t] = 0;
    }
    for (var m = 0; m < K; m++) {
        for (var t = m + 1; t > 0; t--) {
            M[t] = M[t - 1] - m * M[t];
        }
        M[0] = -m * M[0];
    }

    // L_k(x) = (M(x) / (x − k)) / Π_(m≠k) (k − m): synthetic division, then one field inverse.
    var q[K];
    for (var k = 0; k < K; k++) {
        q[K - 1] = M[K];
        for (var t = K - 1; t > 0; t--) {
            q[t - 1] = M[t] + k * q[t];
        }
        var den = 1;
        for (var m = 0; m < K; m++) {
            if (m != k) {
                den = den * (k - m);
            }
        }
        var inv = 1 / den;
        var acc = 0;
        for (var t = 0; t < K; t++) {
            acc += q[t] * inv * w[t];
        }
        out[k] <== acc;
    }

    if (CHECK == 1) {
        var mem = 0;
        if (K == 1) {
            mem = w[2];
        } else {
            for (var t = 0; t <= K; t++) {
                mem += M[t] * w[t];
            }
        }
        mem === 0;
    }
}

template OneHotHint(K) {
    assert(K >= 2);
    signal input in;
    signal output out[K];

    var sum = 0;
    var idx = 0;
    for (var k = 0; k < K; k++) {
        out[k] <-- in == k ? 1 : 0;
        out[k] * (out[k] - 1) === 0;
        sum += out[k];
        idx += k * out[k];
    }
    sum === 1;
    idx === in;
}
