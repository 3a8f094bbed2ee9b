// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

/** NumPy-like text for tensors; axes longer than {@link #EDGE} * 2 are elided in the middle. */
final class TensorFormat {
  private TensorFormat() {}

  static final int EDGE = 3;

  static String format(Tensor t) {
    StringBuilder sb = new StringBuilder("tensor(");
    append(sb, t, 0, 0);
    if (t.isBool()) {
      sb.append(", dtype=bool");
    }
    if (t.isTracked()) {
      sb.append(", grad_fn=").append(t.node().op());
    }
    return sb.append(')').toString();
  }

  private static void append(StringBuilder sb, Tensor t, int axis, int offset) {
    int[] d = t.shape.dims;
    if (axis == d.length) {
      double v = t.valueAt(offset);
      sb.append(t.isBool() ? Boolean.toString(v != 0.0) : Double.toString(v));
      return;
    }
    int stride = 1;
    for (int i = axis + 1; i < d.length; i++) {
      stride *= d[i];
    }
    sb.append('[');
    int n = d[axis];
    for (int i = 0; i < n; i++) {
      if (n > 2 * EDGE && i == EDGE) {
        sb.append("..., ");
        i = n - EDGE;
      }
      append(sb, t, axis + 1, offset + i * stride);
      if (i < n - 1) {
        sb.append(", ");
      }
    }
    sb.append(']');
  }
}
