// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/*
 * ModelGate: how a contract consumes a zkmlc proof whose inputs, weights and outputs are hashed
 * (`zkmlc compile model.onnx -o build --input-visibility hashed --param-visibility hashed
 * --output-visibility hashed`). Such a proof publishes no values, only Poseidon commitments
 * (zkmlc-commit-v1, docs/COMMITMENT.md):
 *
 *   param   binds the weights: one key proves every model of the architecture, so a proof of other
 *           weights verifies too, with another param commitment;
 *   input   binds the input the model ran on;
 *   output  binds the outputs the circuit computed from those weights and that input.
 *
 * The verifier only proves that the three belong together. What they must be commitments of is the
 * consumer's decision: this one accepts a proof only for one model and one input, fixed at deployment,
 * and records the output commitment. The expected commitments are recomputed off chain from the values:
 *
 *   zkmlc hash <build>                        the model's (param) commitment; --weights m.onnx for another
 *   zkmlc hash <build> --input input.json     the input's commitment
 *   zkmlc calldata <build>                    submit's arguments: verifyProof's, in the same order
 *
 * The output commitment is checked by whoever knows the outputs (the prover shares output.json):
 * `zkmlc hash <build> --outputs <build>/groth16/proof/output.json`, then `accepted(commitment)`.
 *
 * A proof is not bound to its sender, and Groth16 proofs are malleable (one statement has many valid
 * proofs): record the statement, as here, never the proof's bytes.
 */

// Where the commitments are among the public signals, and how many there are: per build. With all three
// classes hashed, the public signals are exactly the three commitments in this order, whatever the
// model; for other visibilities read `zkmlc calldata <build> --signals` and set these.
uint256 constant N_PUBLIC = 3;
uint256 constant INPUT_AT = 0;
uint256 constant PARAM_AT = 1;
uint256 constant OUTPUT_AT = 2;

/// snarkjs's Groth16 verifier (`zkmlc export-verifier <build>`).
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[N_PUBLIC] calldata pubSignals
    ) external view returns (bool);
}

contract ModelGate {
    /// The BN254 scalar field: public signals are its elements.
    uint256 internal constant R =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    IGroth16Verifier public immutable verifier;
    uint256 public immutable modelCommitment;
    uint256 public immutable inputCommitment;
    /// Output commitments of accepted proofs.
    mapping(uint256 => bool) public accepted;

    event Accepted(uint256 indexed outputCommitment);

    error WrongModel();
    error WrongInput();
    error NotAFieldElement(uint256 index);
    error InvalidProof();

    constructor(IGroth16Verifier verifier_, uint256 modelCommitment_, uint256 inputCommitment_) {
        verifier = verifier_;
        modelCommitment = modelCommitment_;
        inputCommitment = inputCommitment_;
    }

    function submit(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[N_PUBLIC] calldata pub
    ) external returns (uint256 outputCommitment) {
        if (pub[PARAM_AT] != modelCommitment) revert WrongModel();
        if (pub[INPUT_AT] != inputCommitment) revert WrongInput();
        // The verifier rejects these as well; checking here names the reason. x and x + R are one field
        // element, so only canonical values keep one output commitment per output.
        for (uint256 i = 0; i < N_PUBLIC; i++) {
            if (pub[i] >= R) revert NotAFieldElement(i);
        }
        if (!verifier.verifyProof(pA, pB, pC, pub)) revert InvalidProof();
        outputCommitment = pub[OUTPUT_AT];
        accepted[outputCommitment] = true;
        emit Accepted(outputCommitment);
    }
}
