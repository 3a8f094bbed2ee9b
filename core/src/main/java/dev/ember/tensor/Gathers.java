// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import dev.ember.autodiff.Autodiff;

/**
 * A strided gather of a tensor's row-major values and its adjoint, a strided scatter, as
 * differentiable operations: the pair behind every view's gradient. A gather with {@code (base,
 * strides, shape)} reads element {@code idx} of its result from row-major position {@code base +
 * sum(idx[d] * strides[d])} of its operand; the scatter with the same arguments adds element
 * {@code idx} of its operand into that position of zeros of a target shape. Each is the other's
 * backward rule, so both differentiate to any order.
 *
 * <pre>{@code
 * Tensor m = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
 * Tensor diag = Gathers.gather(m, 0, new int[] {3}, Shape.of(2));            // [1, 4]
 * Tensor back = Gathers.scatter(diag, 0, new int[] {3}, Shape.of(2, 2));     // [[1, 0], [0, 4]]
 * }</pre>
 */
public final class Gathers {
  private Gathers() {}

  /**
   * The gather of {@code a}'s row-major values: a view of {@code a}'s storage when {@code a} is
   * contiguous, else of a row-major copy of it.
   */
  public static Tensor gather(Tensor a, int base, int[] strides, Shape shape) {
    Tensor source = a.contiguous ? a : a.copy();
    int[] st = strides.clone();
    int[] dims = shape.toArray();
    return ShapeOps.view(source, "gather", dims, (b, s) -> {
      // source is row-major from its offset: its row-major layout is its storage layout shifted
      int[] p = new int[st.length + 1];
      p[0] = b + base;
      System.arraycopy(st, 0, p, 1, st.length);
      return p;
    });
  }

  /**
   * Zeros of shape {@code target} with {@code g}'s elements added at the positions a gather with
   * {@code (base, strides, g.shape())} reads.
   */
  public static Tensor scatter(Tensor g, int base, int[] strides, Shape target) {
    double[] r = new double[target.numel()];
    Strided.scatterAdd(g, null, base, strides, r);
    Tensor out = new Tensor(r, target);
    if (g.node() == null) {
      return out;
    }
    int[] st = strides.clone();
    Shape shape = g.shape;
    return Autodiff.op(out, "scatter",
        (h, grads) -> grads.add(0, gather(h, base, st, shape)), g);
  }
}
