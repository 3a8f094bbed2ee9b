// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import dev.ember.tensor.Shape;

/**
 * How a sampler runs a row-keyed draw ({@link RowKeys}): the output, of shape {@code [outer, B,
 * inner]} around the rows' axis, is drawn row by row, each row as one run of {@code m = outer *
 * inner} consecutive elements of its own key.
 *
 * <p>A run is the sampler's plain kernel: it writes elements {@code 0 .. m-1} of a key's streams
 * to {@code out[off .. off + m)} and reads its parameters at the same positions. When the rows'
 * axis leads ({@code outer == 1}) a row's elements are contiguous in the output and the runs write
 * there directly; otherwise the runs write a row-major-by-row buffer {@code [B, outer, inner]}
 * that is then scattered back, and per-element parameters are {@link #arrange arranged} into that
 * layout first. Each row's key is derived once per call.
 */
final class RowLayout {
  /** A sampler's plain kernel over one run of elements. */
  @FunctionalInterface
  interface Run {
    /**
     * Writes elements {@code 0 .. len-1} of {@code key}'s streams to {@code out[off .. off +
     * len)}, reading per-element parameters at the same positions.
     */
    void run(RngKey key, int len, double[] out, int off);
  }

  private final RngKey key;
  private final int outer;
  private final int rows;
  private final int inner;

  private RowLayout(RngKey key, int outer, int rows, int inner) {
    this.key = key;
    this.outer = outer;
    this.rows = rows;
    this.inner = inner;
  }

  /**
   * The layout of a draw of {@code shape} under {@code key}, or null for a plain key.
   *
   * @throws IllegalArgumentException if the key's rows are unplaced or do not fit the shape
   */
  static RowLayout of(RngKey key, Shape shape, String sampler) {
    RowKeys rk = key.rows();
    if (rk == null) {
      return null;
    }
    int axis = rk.axis(shape, sampler);
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape.dim(i);
    }
    int inner = 1;
    for (int i = axis + 1; i < shape.rank(); i++) {
      inner *= shape.dim(i);
    }
    return new RowLayout(key, outer, rk.size(), inner);
  }

  /** The length of one row's run, {@code outer * inner}. */
  int runLength() {
    return outer * inner;
  }

  /**
   * A per-element parameter (of the output's size) in the layout the runs read; a parameter of
   * one element, or any parameter when the rows' axis leads, is returned as it is.
   */
  double[] arrange(double[] p) {
    if (p.length == 1 || outer == 1) {
      return p;
    }
    double[] q = new double[p.length];
    int m = outer * inner;
    for (int o = 0; o < outer; o++) {
      for (int r = 0; r < rows; r++) {
        copy(p, (o * rows + r) * inner, q, r * m + o * inner, inner);
      }
    }
    return q;
  }

  /** {@link #arrange(double[])} for an int parameter of the output's size. */
  int[] arrange(int[] p) {
    if (outer == 1) {
      return p;
    }
    int[] q = new int[p.length];
    int m = outer * inner;
    for (int o = 0; o < outer; o++) {
      for (int r = 0; r < rows; r++) {
        int from = (o * rows + r) * inner;
        int to = r * m + o * inner;
        for (int k = 0; k < inner; k++) {
          q[to + k] = p[from + k];
        }
      }
    }
    return q;
  }

  /** Runs every row with its own key and puts its values at their places in {@code out}. */
  void forEachRow(double[] out, Run run) {
    int m = outer * inner;
    if (m == 0) {
      return;
    }
    double[] buf = outer == 1 ? out : new double[out.length];
    for (int r = 0; r < rows; r++) {
      run.run(key.rowKey(r), m, buf, r * m);
    }
    if (outer != 1) {
      for (int o = 0; o < outer; o++) {
        for (int r = 0; r < rows; r++) {
          copy(buf, r * m + o * inner, out, (o * rows + r) * inner, inner);
        }
      }
    }
  }

  /** {@code System.arraycopy}, with a plain loop for the short runs of a trailing rows' axis. */
  private static void copy(double[] src, int from, double[] dst, int to, int len) {
    if (len < 16) {
      for (int k = 0; k < len; k++) {
        dst[to + k] = src[from + k];
      }
    } else {
      System.arraycopy(src, from, dst, to, len);
    }
  }
}
