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
    if (total > 0 && contiguous(strides, shape)) {
      // one block (a row, or leading rows): a copy the JIT makes without zeroing the result first
      return Arrays.copyOfRange(src, base, base + total);
    }
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

  /** Whether a gather reads one block in row-major order (axes of size 1 may have any stride). */
  static boolean contiguous(int[] strides, int[] shape) {
    int s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1) {
        if (strides[d] != s) {
          return false;
        }
        s *= shape[d];
      }
    }
    return true;
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
        out[off] += FusedDensities.sum(src, o, inner);
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

  /**
   * The broadcast of two operands to {@code out}, walked as runs of {@link #inner} contiguous
   * result elements: for the current run, {@link #x} and {@link #y} are the operands' offsets, and
   * along the run each operand steps by 1 ({@link #xStep}) or repeats one value. Adjacent axes
   * that both operands read the same way are merged first, so {@code [T, B] + [B]} is {@code T}
   * runs of {@code B}, and {@code [3, 1] * [4]} three runs of 4 with {@code x} repeated. Binary
   * operations loop over the runs with their own arithmetic, so a broadcast allocates nothing but
   * the result (and this cursor).
   */
  static final class Rows {
    final int inner;
    final boolean xStep;
    final boolean yStep;
    int x;
    int y;
    private final int[] dims;
    private final int[] xStrides;
    private final int[] yStrides;
    private final int[] idx;

    Rows(Shape a, Shape b, Shape out) {
      int n = out.dims.length;
      int[] xs = broadcastStrides(a.dims, out.dims);
      int[] ys = broadcastStrides(b.dims, out.dims);
      // merge axis i into the following one when both operands read them as one axis
      int[] d = new int[n];
      int[] sx = new int[n];
      int[] sy = new int[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (out.dims[i] == 1) {
          continue;
        }
        if (m > 0
            && sx[m - 1] == xs[i] * out.dims[i]
            && sy[m - 1] == ys[i] * out.dims[i]) {
          d[m - 1] *= out.dims[i];
          sx[m - 1] = xs[i];
          sy[m - 1] = ys[i];
        } else {
          d[m] = out.dims[i];
          sx[m] = xs[i];
          sy[m] = ys[i];
          m++;
        }
      }
      this.inner = m == 0 ? 1 : d[m - 1];
      this.xStep = m == 0 || sx[m - 1] != 0;
      this.yStep = m == 0 || sy[m - 1] != 0;
      int outer = Math.max(0, m - 1);
      this.dims = Arrays.copyOf(d, outer);
      this.xStrides = Arrays.copyOf(sx, outer);
      this.yStrides = Arrays.copyOf(sy, outer);
      this.idx = new int[outer];
    }

    /** Moves to the next run. */
    void next() {
      for (int d = dims.length - 1; d >= 0; d--) {
        x += xStrides[d];
        y += yStrides[d];
        if (++idx[d] < dims[d]) {
          return;
        }
        x -= xStrides[d] * dims[d];
        y -= yStrides[d] * dims[d];
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
