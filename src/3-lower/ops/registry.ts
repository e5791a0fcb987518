import { abs } from "./abs.js";
import { acos } from "./acos.js";
import { acosh } from "./acosh.js";
import { add } from "./add.js";
import { and } from "./and.js";
import { argMax } from "./argmax.js";
import { argMin } from "./argmin.js";
import { asin } from "./asin.js";
import { asinh } from "./asinh.js";
import { atan } from "./atan.js";
import { atanh } from "./atanh.js";
import { averagePool } from "./averagepool.js";
import { batchNormalization } from "./batchnormalization.js";
import { cast } from "./cast.js";
import { ceil } from "./ceil.js";
import { celu } from "./celu.js";
import { clip } from "./clip.js";
import { concat } from "./concat.js";
import { constant } from "./constant.js";
import { conv } from "./conv.js";
import { convTranspose } from "./convtranspose.js";
import { cos } from "./cos.js";
import { cosh } from "./cosh.js";
import { depthToSpace } from "./depthtospace.js";
import { div } from "./div.js";
import { dropout } from "./dropout.js";
import { einsum } from "./einsum.js";
import { elu } from "./elu.js";
import { equal } from "./equal.js";
import { erfOp } from "./erf.js";
import { exp } from "./exp.js";
import { expand } from "./expand.js";
import { flatten } from "./flatten.js";
import { floor } from "./floor.js";
import { gather } from "./gather.js";
import { gatherElements } from "./gatherelements.js";
import { gatherND } from "./gathernd.js";
import { gelu } from "./gelu.js";
import { gemm } from "./gemm.js";
import { globalAveragePool } from "./globalaveragepool.js";
import { globalMaxPool } from "./globalmaxpool.js";
import { greater } from "./greater.js";
import { greaterOrEqual } from "./greaterorequal.js";
import { gru } from "./gru.js";
import { hardSigmoidOp } from "./hardsigmoid.js";
import { hardSwish } from "./hardswish.js";
import { identity } from "./identity.js";
import { instanceNormalization } from "./instancenormalization.js";
import { layerNormalization } from "./layernormalization.js";
import { leakyRelu } from "./leakyrelu.js";
import { less } from "./less.js";
import { lessOrEqual } from "./lessorequal.js";
import { log } from "./log.js";
import { logSoftmax } from "./logsoftmax.js";
import { lstm } from "./lstm.js";
import { matmul } from "./matmul.js";
import { max } from "./max.js";
import { maxPool } from "./maxpool.js";
import { mean } from "./mean.js";
import { min } from "./min.js";
import { mish } from "./mish.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { not } from "./not.js";
import { oneHotOp } from "./onehot.js";
import type { OpSpec } from "./op.js";
import { or } from "./or.js";
import { pad } from "./pad.js";
import { pow } from "./pow.js";
import { prelu } from "./prelu.js";
import { reciprocal } from "./reciprocal.js";
import { reduceL1 } from "./reducel1.js";
import { reduceL2 } from "./reducel2.js";
import { reduceLogSumExp } from "./reducelogsumexp.js";
import { reduceMax } from "./reducemax.js";
import { reduceMean } from "./reducemean.js";
import { reduceMin } from "./reducemin.js";
import { reduceSum } from "./reducesum.js";
import { reduceSumSquare } from "./reducesumsquare.js";
import { relu } from "./relu.js";
import { reshape } from "./reshape.js";
import { resize } from "./resize.js";
import { rnn } from "./rnn.js";
import { round } from "./round.js";
import { scatter } from "./scatter.js";
import { scatterElements } from "./scatterelements.js";
import { scatterND } from "./scatternd.js";
import { selu } from "./selu.js";
import { shapeOp } from "./shape.js";
import { sigmoid } from "./sigmoid.js";
import { sign } from "./sign.js";
import { sin } from "./sin.js";
import { sinh } from "./sinh.js";
import { size } from "./size.js";
import { slice } from "./slice.js";
import { softmax } from "./softmax.js";
import { softplus } from "./softplus.js";
import { softsign } from "./softsign.js";
import { spaceToDepth } from "./spacetodepth.js";
import { split } from "./split.js";
import { sqrt } from "./sqrt.js";
import { squeeze } from "./squeeze.js";
import { sub } from "./sub.js";
import { sum } from "./sum.js";
import { tan } from "./tan.js";
import { tanh } from "./tanh.js";
import { tile } from "./tile.js";
import { topK } from "./topk.js";
import { transpose } from "./transpose.js";
import { trilu } from "./trilu.js";
import { unsqueeze } from "./unsqueeze.js";
import { upsample } from "./upsample.js";
import { where } from "./where.js";
import { xor } from "./xor.js";

/** Every supported ONNX operator (default domain), one line each. */
export const OPS: ReadonlyMap<string, OpSpec> = new Map(
  [
    abs,
    acos,
    acosh,
    add,
    and,
    argMax,
    argMin,
    asin,
    asinh,
    atan,
    atanh,
    averagePool,
    batchNormalization,
    cast,
    ceil,
    celu,
    clip,
    concat,
    constant,
    conv,
    convTranspose,
    cos,
    cosh,
    depthToSpace,
    div,
    dropout,
    einsum,
    elu,
    equal,
    erfOp,
    exp,
    expand,
    flatten,
    floor,
    gather,
    gatherElements,
    gatherND,
    gelu,
    gemm,
    gru,
    globalAveragePool,
    globalMaxPool,
    greater,
    greaterOrEqual,
    hardSigmoidOp,
    hardSwish,
    identity,
    instanceNormalization,
    layerNormalization,
    leakyRelu,
    less,
    lessOrEqual,
    log,
    logSoftmax,
    lstm,
    matmul,
    max,
    maxPool,
    mean,
    min,
    mish,
    mul,
    neg,
    not,
    oneHotOp,
    or,
    pad,
    pow,
    prelu,
    reciprocal,
    reduceL1,
    reduceL2,
    reduceLogSumExp,
    reduceMax,
    reduceMean,
    reduceMin,
    reduceSum,
    reduceSumSquare,
    relu,
    reshape,
    resize,
    rnn,
    round,
    scatter,
    scatterElements,
    scatterND,
    selu,
    shapeOp,
    sigmoid,
    sign,
    sin,
    sinh,
    size,
    slice,
    softmax,
    softplus,
    softsign,
    spaceToDepth,
    split,
    sqrt,
    squeeze,
    sub,
    sum,
    tan,
    tanh,
    tile,
    topK,
    transpose,
    trilu,
    unsqueeze,
    upsample,
    where,
    xor,
  ].map((op) => [op.opType, op]),
);
