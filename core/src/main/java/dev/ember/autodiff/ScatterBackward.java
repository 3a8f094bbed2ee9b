// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * The backward rule of a one-input gather (select, slice, index, ...): besides the dense
 * vector-Jacobian product it can add the gradient straight into the input's gradient buffer.
 *
 * <p>A scan body selects step {@code t} of a {@code [T, B]} tensor at every step; the dense rule
 * would build a {@code [T, B]} gradient that is zero but for one row, T times over (quadratic in
 * T). Scattering into one shared buffer keeps the backward pass linear. The engine uses {@link
 * #scatterInto} in first-order passes only; a recorded pass ({@code createGraph}) calls {@link
 * #apply}, whose result is itself differentiable.
 *
 * <pre>{@code
 * // the rule of x.select(0, i) for x of shape [T, B]: row i of the input's gradient
 * ScatterBackward rule = new ScatterBackward() {
 *   public Tensor apply(Tensor g, Tensor out, int input) { ... } // dense [T, B], zeros elsewhere
 *   public void scatterInto(Tensor g, double[] target) { g.addTo(...) } // only row i
 * };
 * }</pre>
 */
public interface ScatterBackward extends BackwardFn {
  /** Adds the gradient {@code grad} of the output into {@code target}, the input's buffer. */
  void scatterInto(Tensor grad, double[] target);
}
