// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * What a view reads of the tensor it was taken from: element {@code idx} of the view is
 * row-major position {@code base + sum(idx[d] * strides[d])} of {@code input}. Its gradient is
 * the view's gradient placed at those positions ({@link Gradients#addAt}).
 *
 * <pre>{@code
 * Tensor x = Autodiff.track(Tensor.zeros(4, 3), "x");
 * ViewOf row = x.select(0, 2).node().view(); // input x, base 6, strides [1]
 * }</pre>
 *
 * @param input the tensor viewed (tracked)
 * @param base the row-major position of the view's first element in {@code input}
 * @param strides the row-major step in {@code input} along each axis of the view
 */
public record ViewOf(Tensor input, int base, int[] strides) {
  /** Copies the strides. */
  public ViewOf {
    strides = strides.clone();
  }

  /** The strides, a copy. */
  @Override
  public int[] strides() {
    return strides.clone();
  }
}
