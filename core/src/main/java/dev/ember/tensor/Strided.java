// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.util.Arrays;

/**
 * The two memory kernels behind every view-like operation: a strided <i>gather</i> and its
 * adjoint, a strided <i>scatter-add</i>.
 *
 * <p>A gather with {@code (base, strides, shape)} reads element {@code idx} of the result from
 * {@code src[base + sum(idx[d] * strides[d])]}. Broadcasting (stride 0), permutation, slicing,
 * flipping (negative stride), selecting and diagonals are all gathers; the scatter-add with the
 * same arguments is exactly their vector-Jacobian product. Both walk the result with an odometer
 * over the outer axes and a tight loop over the last one.
 */
final class Strided {
  private Strided() {}

  /** Row-major strides of a shape. */
  static int[] rowMajor(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** Strides that read {@code from} broadcast to {@code to} (0 on broadcast axes). */
  static int[] broadcastStrides(int[] from, int[] to) {
    int[] st = new int[to.length];
    int off = to.length - from.length;
    int s = 1;
    for (int i = from.length - 1; i >= 0; i--) {
      st[i + off] = from[i] == 1 ? 0 : s;
      s *= from[i];
    }
    return st;
  }

  static int numel(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Gathers {@code shape} elements from {@code src}. */
  static double[] gather(double[] src, int base, int[] strides, int[] shape) {
    int total = numel(shape);
    double[] out = new double[total];
    if (total == 0) {
      return out;
    }
    int n = shape.length;
    if (n == 0) {
      out[0] = src[base];
      return out;
    }
    int inner = shape[n - 1];
    int is = strides[n - 1];
    int[] idx = new int[n];
    int off = base;
    for (int o = 0; o < total; o += inner) {
      if (is == 1) {
        System.arraycopy(src, off, out, o, inner);
      } else if (is == 0) {
        Arrays.fill(out, o, o + inner, src[off]);
      } else {
        for (int k = 0, p = off; k < inner; k++, p += is) {
          out[o + k] = src[p];
        }
      }
      for (int d = n - 2; d >= 0; d--) {
        off += strides[d];
        if (++idx[d] < shape[d]) {
          break;
        }
        off -= strides[d] * shape[d];
        idx[d] = 0;
      }
    }
    return out;
  }

  /** Adds {@code src} (shaped {@code shape}) into {@code out} at the gather positions. */
  static void scatterAdd(double[] src, int base, int[] strides, int[] shape, double[] out) {
    int total = src.length;
    if (total == 0) {
      return;
    }
    int n = shape.length;
    if (n == 0) {
      out[base] += src[0];
      return;
    }
    int inner = shape[n - 1];
    int is = strides[n - 1];
    int[] idx = new int[n];
    int off = base;
    for (int o = 0; o < total; o += inner) {
      if (is == 0) {
        double s = 0;
        for (int k = 0; k < inner; k++) {
          s += src[o + k];
        }
        out[off] += s;
      } else {
        for (int k = 0, p = off; k < inner; k++, p += is) {
          out[p] += src[o + k];
        }
      }
      for (int d = n - 2; d >= 0; d--) {
        off += strides[d];
        if (++idx[d] < shape[d]) {
          break;
        }
        off -= strides[d] * shape[d];
        idx[d] = 0;
      }
    }
  }

  /** {@code t}'s values broadcast to {@code to} (shared when already that shape). */
  static double[] expand(Tensor t, Shape to) {
    if (t.shape.equals(to)) {
      return t.data;
    }
    return gather(t.data, 0, broadcastStrides(t.shape.dims, to.dims), to.dims);
  }
}
