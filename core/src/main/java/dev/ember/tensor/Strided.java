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

  /** Strides that read {@code from} (row-major) broadcast to {@code to} (0 on broadcast axes). */
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

  /** The storage strides that read view {@code t} broadcast to {@code to} (0 on broadcast axes). */
  static int[] broadcastStrides(Tensor t, int[] to) {
    int[] from = t.shape.dims;
    int[] st = new int[to.length];
    int off = to.length - from.length;
    for (int i = from.length - 1; i >= 0; i--) {
      st[i + off] = from[i] == 1 ? 0 : t.strides[i];
    }
    return st;
  }

  /**
   * Strides that read view {@code t}'s elements, in row-major order, as shape {@code dims}, or
   * null when no strides do (then a reshape copies). Each run of old axes that merges into, or
   * splits into, a run of new axes must be contiguous within itself (NumPy's rule for a reshape
   * without a copy).
   */
  static int[] reshapedStrides(Tensor t, int[] dims) {
    int[] oldDims = t.shape.dims;
    int[] newStrides = new int[dims.length];
    if (t.size() == 0) {
      return null;
    }
    int oi = 0;
    int ni = 0;
    int on = oldDims.length;
    int nn = dims.length;
    while (oi < on || ni < nn) {
      // axes of size 1 take any stride
      if (oi < on && oldDims[oi] == 1) {
        oi++;
        continue;
      }
      if (ni < nn && dims[ni] == 1) {
        newStrides[ni++] = 0;
        continue;
      }
      if (oi >= on || ni >= nn) {
        return null;
      }
      // group old axes [oi, oj) with new axes [ni, nj) of equal size
      int oj = oi + 1;
      int nj = ni + 1;
      long op = oldDims[oi];
      long np = dims[ni];
      while (op != np) {
        if (op < np) {
          if (oj >= on) {
            return null;
          }
          op *= oldDims[oj++];
        } else {
          if (nj >= nn) {
            return null;
          }
          np *= dims[nj++];
        }
      }
      int prev = -1; // the group's axes of size other than 1 must follow each other in memory
      for (int k = oi; k < oj; k++) {
        if (oldDims[k] == 1) {
          continue;
        }
        if (prev >= 0 && t.strides[prev] != oldDims[k] * t.strides[k]) {
          return null;
        }
        prev = k;
      }
      newStrides[nj - 1] = lastStride(t, oi, oj);
      for (int k = nj - 1; k > ni; k--) {
        newStrides[k - 1] = newStrides[k] * dims[k];
      }
      oi = oj;
      ni = nj;
    }
    return newStrides;
  }

  /** The stride of the innermost axis of size other than 1 among old axes {@code [from, to)}. */
  private static int lastStride(Tensor t, int from, int to) {
    for (int k = to - 1; k >= from; k--) {
      if (t.shape.dims[k] != 1) {
        return t.strides[k];
      }
    }
    return 0;
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

  /** Whether every element is the first: each axis of size other than 1 has stride 0. */
  static boolean uniform(int[] strides, int[] shape) {
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] != 1 && strides[d] != 0) {
        return shape[d] == 0;
      }
    }
    return true;
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

  /**
   * Adds {@code src} (times {@code factor}, broadcast to {@code src}'s shape, unless null) into
   * {@code out} at the positions a gather of {@code src}'s shape with {@code (base, strides)}
   * reads; {@code src} and {@code factor} are read where they lie.
   */
  static void scatterAdd(Tensor src, Tensor factor, int base, int[] strides, double[] out) {
    Shape s = src.shape;
    int total = s.numel();
    if (total == 0) {
      return;
    }
    Elementwise.Run x = Elementwise.Run.of(src, s);
    Elementwise.Run f = factor == null ? null : Elementwise.Run.of(factor, s);
    int n = strides.length;
    if (n == 0) {
      out[base] += f == null ? x.at(0) : x.at(0) * f.at(0);
      return;
    }
    double[] xa = x.a();
    int xo = x.o();
    int xs = x.step();
    int inner = s.dims[n - 1];
    int is = strides[n - 1];
    int[] idx = new int[n];
    int off = base;
    for (int o = 0; o < total; o += inner) {
      if (f != null && is == 1 && xs == 1 && f.step() == 0) {
        double c = f.at(0);
        for (int k = 0; k < inner; k++) {
          out[off + k] += xa[xo + o + k] * c;
        }
      } else if (f != null && is == 1 && xs == 1 && f.step() == 1) {
        double[] fa = f.a();
        int fo = f.o() + o;
        for (int k = 0; k < inner; k++) {
          out[off + k] += xa[xo + o + k] * fa[fo + k];
        }
      } else if (f != null) {
        for (int k = 0, p = off; k < inner; k++, p += is) {
          out[p] += xa[xo + (o + k) * xs] * f.at(o + k);
        }
      } else if (is == 1 && xs == 0) {
        double c = xa[xo]; // one value read at every position
        for (int k = 0; k < inner; k++) {
          out[off + k] += c;
        }
      } else if (is == 0 && xs == 1) {
        out[off] += FusedDensities.sum(xa, xo + o, inner);
      } else if (is == 1 && xs == 1) {
        for (int k = 0; k < inner; k++) {
          out[off + k] += xa[xo + o + k];
        }
      } else {
        for (int k = 0, p = off; k < inner; k++, p += is) {
          out[p] += xa[xo + (o + k) * xs];
        }
      }
      for (int d = n - 2; d >= 0; d--) {
        off += strides[d];
        if (++idx[d] < s.dims[d]) {
          break;
        }
        off -= strides[d] * s.dims[d];
        idx[d] = 0;
      }
    }
  }

  /** {@code t}'s values broadcast to {@code to}, row-major, in a new array. */
  static double[] expand(Tensor t, Shape to) {
    return gather(t.array(), t.offset, broadcastStrides(t, to.dims), to.dims);
  }
}
