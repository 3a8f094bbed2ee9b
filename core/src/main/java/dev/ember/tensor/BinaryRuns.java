// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.util.Arrays;

/**
 * Two operands broadcast to a result, walked as runs of {@link #inner} consecutive result
 * elements: for the current run, {@link #x} and {@link #y} are the operands' positions in their
 * storages, and along the run they step by {@link #xStride} and {@link #yStride} (1 for a
 * contiguous operand, 0 for a repeated value). Adjacent axes that both operands read as one axis
 * are merged first, so {@code [T, B] + [B]} is {@code T} runs of {@code B}, a slice of rows is
 * one run, and {@code [3, 1] * [4]} three runs of 4 with {@code x} repeated. Binary kernels loop
 * over the runs with their own arithmetic, so a view or a broadcast operand is read in place and
 * the result is the only allocation (with this cursor).
 */
final class BinaryRuns {
  final int inner;
  final int xStride;
  final int yStride;
  int x;
  int y;
  private final int[] dims;
  private final int[] xStrides;
  private final int[] yStrides;
  private final int[] idx;

  BinaryRuns(Tensor a, Tensor b, Shape out) {
    int n = out.dims.length;
    int[] xs = Strided.broadcastStrides(a, out.dims);
    int[] ys = Strided.broadcastStrides(b, out.dims);
    // merge axis i into the one before when both operands read the two as one axis
    int[] d = new int[n];
    int[] sx = new int[n];
    int[] sy = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (out.dims[i] == 1) {
        continue;
      }
      if (m > 0 && sx[m - 1] == xs[i] * out.dims[i] && sy[m - 1] == ys[i] * out.dims[i]) {
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
    this.xStride = m == 0 ? 0 : sx[m - 1];
    this.yStride = m == 0 ? 0 : sy[m - 1];
    int outer = Math.max(0, m - 1);
    this.dims = Arrays.copyOf(d, outer);
    this.xStrides = Arrays.copyOf(sx, outer);
    this.yStrides = Arrays.copyOf(sy, outer);
    this.idx = new int[outer];
    this.x = a.offset;
    this.y = b.offset;
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
