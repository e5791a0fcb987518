/**
 * Faster tfjs CPU kernels for the CIFAR-shaped CNN's training, on top of train-utils'
 * `useFastConvGradients` (whose MaxPool gradient stays in use). Profiled on this network with that
 * alone, tfjs' pure-JS CPU backend spent its time in the forward convolution (~40%), the Conv2D input
 * gradient (~30%), the Conv2D filter gradient (~20%) and the bias-gradient Sum (~10%). The replacements
 * compute the same sums in an order that exploits the zeros: the inputs of conv2 and conv3 are ReLU
 * outputs (about half zeros), and the gradient reaching a convolution's output has passed MaxPool's
 * gradient, so at most one value in four is non-zero; both gradients scatter those non-zero values
 * instead of gathering. Accumulation is in float64.
 *
 * Channels-last (NHWC), dilation 1, no fused activation: anything else falls back to tfjs' own kernel.
 * Kept apart from train-utils so that the other examples' training stays bit for bit as it was.
 * Call once, after the backend is set.
 */
import * as tf from "@tensorflow/tfjs";
import { overrideCpuKernel } from "../train-utils.js";

type ConvArgs = Parameters<typeof tf.backend_util.computeConv2DInfo>;

const isOne = (d: unknown): boolean =>
  d === undefined || d === null || d === 1 || (Array.isArray(d) && d.every((v) => v === 1));

export function useFastConvKernels(): void {
  // Forward convolution, with the bias of tfjs-layers' fused conv2d.
  for (const name of ["FusedConv2D", "Conv2D"]) {
    overrideCpuKernel(name, ({ x, filter, bias, preluActivationWeights }, a, backend) => {
      if (!x || !filter || preluActivationWeights || a.dataFormat !== "NHWC" || !isOne(a.dilations)) {
        return undefined;
      }
      if (a.activation !== undefined && a.activation !== null && a.activation !== "linear") return undefined;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as ConvArgs[0],
        filter.shape as ConvArgs[1],
        a.strides as ConvArgs[2],
        1,
        a.pad as ConvArgs[4],
        a.dimRoundingMode as ConvArgs[5],
      );
      const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
      const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
      const { top, left } = info.padInfo;
      if (bias && (bias.shape.length !== 1 || bias.shape[0] !== co)) return undefined;
      const xv = backend.readSync(x.dataId);
      const wv = backend.readSync(filter.dataId);
      const bv = bias ? backend.readSync(bias.dataId) : undefined;
      const y = new Float32Array(batchSize * outHeight * outWidth * co);
      const acc = new Float64Array(co);
      for (let b = 0; b < batchSize; b++)
        for (let yr = 0; yr < outHeight; yr++)
          for (let yc = 0; yc < outWidth; yc++) {
            if (bv) acc.set(bv);
            else acc.fill(0);
            // The filter columns that fall inside the image: one contiguous run of (column, channel)
            // values in x and in the filter.
            const xc0 = yc * sw - left;
            const wcLo = Math.max(0, -xc0);
            const wcHi = Math.min(fw, inWidth - xc0);
            if (wcLo >= wcHi) continue;
            const run = (wcHi - wcLo) * ci;
            for (let wr = 0; wr < fh; wr++) {
              const xr = yr * sh + wr - top;
              if (xr < 0 || xr >= inHeight) continue;
              const xOff = ((b * inHeight + xr) * inWidth + xc0 + wcLo) * ci;
              const wOff = (wr * fw + wcLo) * ci * co;
              for (let k = 0; k < run; k++) {
                const v = xv[xOff + k] as number;
                if (v === 0) continue;
                const o = wOff + k * co;
                for (let d2 = 0; d2 < co; d2++) acc[d2] = (acc[d2] as number) + v * (wv[o + d2] as number);
              }
            }
            y.set(acc, ((b * outHeight + yr) * outWidth + yc) * co);
          }
      return backend.makeTensorInfo(info.outShape, "float32", y);
    });
  }

  // Gradient of a convolution's input: every non-zero output gradient scattered through the filter.
  overrideCpuKernel("Conv2DBackpropInput", ({ dy, filter }, a, backend) => {
    if (!dy || !filter || a.dataFormat !== "NHWC") return undefined;
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape as ConvArgs[0],
      filter.shape as ConvArgs[1],
      a.strides as ConvArgs[2],
      1,
      a.pad as ConvArgs[4],
      a.dimRoundingMode as ConvArgs[5],
    );
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const wv = backend.readSync(filter.dataId);
    const dyv = backend.readSync(dy.dataId);
    // The filter as [fh, fw, out, in], so that the innermost loop reads it contiguously.
    const wt = new Float32Array(wv.length);
    for (let k = 0; k < fh * fw; k++)
      for (let d1 = 0; d1 < ci; d1++)
        for (let d2 = 0; d2 < co; d2++) wt[(k * co + d2) * ci + d1] = wv[(k * ci + d1) * co + d2] as number;
    const dx = new Float64Array(batchSize * inHeight * inWidth * ci);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < outHeight; yr++)
        for (let yc = 0; yc < outWidth; yc++) {
          const dyOff = ((b * outHeight + yr) * outWidth + yc) * co;
          for (let d2 = 0; d2 < co; d2++) {
            const g = dyv[dyOff + d2] as number;
            if (g === 0) continue;
            for (let wr = 0; wr < fh; wr++) {
              const xr = yr * sh + wr - top;
              if (xr < 0 || xr >= inHeight) continue;
              for (let wc = 0; wc < fw; wc++) {
                const xc = yc * sw + wc - left;
                if (xc < 0 || xc >= inWidth) continue;
                const xOff = ((b * inHeight + xr) * inWidth + xc) * ci;
                const o = ((wr * fw + wc) * co + d2) * ci;
                for (let d1 = 0; d1 < ci; d1++)
                  dx[xOff + d1] = (dx[xOff + d1] as number) + g * (wt[o + d1] as number);
              }
            }
          }
        }
    return backend.makeTensorInfo(info.inShape, "float32", Float32Array.from(dx));
  });

  // Gradient of a convolution's filter, skipping the zeros of the output gradient (train-utils' version
  // skips the zeros of the input, and conv1's input, the image, has none).
  overrideCpuKernel("Conv2DBackpropFilter", ({ x, dy }, a, backend) => {
    if (!x || !dy || a.dataFormat !== "NHWC" || !isOne(a.dilations)) return undefined;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as ConvArgs[0],
      a.filterShape as ConvArgs[1],
      a.strides as ConvArgs[2],
      1,
      a.pad as ConvArgs[4],
      a.dimRoundingMode as ConvArgs[5],
    );
    const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
    const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
    const { top, left } = info.padInfo;
    const xv = backend.readSync(x.dataId);
    const dyv = backend.readSync(dy.dataId);
    // Accumulated as [fh, fw, out, in] (contiguous innermost), transposed to tfjs' [fh, fw, in, out].
    const dwt = new Float64Array(fh * fw * ci * co);
    for (let b = 0; b < batchSize; b++)
      for (let yr = 0; yr < outHeight; yr++)
        for (let yc = 0; yc < outWidth; yc++) {
          const dyOff = ((b * outHeight + yr) * outWidth + yc) * co;
          for (let d2 = 0; d2 < co; d2++) {
            const g = dyv[dyOff + d2] as number;
            if (g === 0) continue;
            for (let wr = 0; wr < fh; wr++) {
              const xr = yr * sh + wr - top;
              if (xr < 0 || xr >= inHeight) continue;
              for (let wc = 0; wc < fw; wc++) {
                const xc = yc * sw + wc - left;
                if (xc < 0 || xc >= inWidth) continue;
                const xOff = ((b * inHeight + xr) * inWidth + xc) * ci;
                const o = ((wr * fw + wc) * co + d2) * ci;
                for (let d1 = 0; d1 < ci; d1++)
                  dwt[o + d1] = (dwt[o + d1] as number) + g * (xv[xOff + d1] as number);
              }
            }
          }
        }
    const dw = new Float32Array(dwt.length);
    for (let k = 0; k < fh * fw; k++)
      for (let d1 = 0; d1 < ci; d1++)
        for (let d2 = 0; d2 < co; d2++) dw[(k * ci + d1) * co + d2] = dwt[(k * co + d2) * ci + d1] as number;
    return backend.makeTensorInfo(info.filterShape, "float32", dw);
  });

  // Sum over every axis but the last (bias gradients), without tfjs' transpose to innermost axes.
  overrideCpuKernel("Sum", ({ x }, a, backend) => {
    if (!x || (x as { dtype?: string }).dtype !== "float32") return undefined;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(a.axis as number | number[], x.shape).sort((p, q) => p - q);
    if (rank < 2 || axes.length !== rank - 1 || axes.some((ax, i) => ax !== i)) return undefined;
    const c = x.shape[rank - 1] as number;
    const xv = backend.readSync(x.dataId);
    const acc = new Float64Array(c);
    for (let o = 0; o < xv.length; o += c)
      for (let j = 0; j < c; j++) acc[j] = (acc[j] as number) + (xv[o + j] as number);
    const shape = a.keepDims ? [...Array.from({ length: rank - 1 }, () => 1), c] : [c];
    return backend.makeTensorInfo(shape, "float32", Float32Array.from(acc));
  });
}
