// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * The backward rule of one recorded operation: its vector-Jacobian product, for all inputs at
 * once.
 *
 * <p>Given the gradient of the loss with respect to the operation's output, the rule hands each
 * input's gradient to {@code grads} in one call ({@link Gradients#add}, or {@link
 * Gradients#addProduct} for a gradient that is the output's gradient times a factor, or {@link
 * Gradients#addAt} for a view's gradient placed into its input). A rule keeps no state between
 * calls and never decides where a gradient is stored: the engine accumulates each input's
 * gradients, in buffers of its own. A gradient may have the output's (broadcast) shape; the
 * engine sums it back to the input's shape.
 *
 * <p>Rules are written with {@link Tensor} operations, so that a recorded backward pass ({@code
 * createGraph}) records them too and second derivatives follow; a rule written with raw loops
 * asks {@link Gradients#isRecorded()} and uses tensor operations there.
 *
 * <pre>{@code
 * // y = exp(x): dy/dx = y, so the input's gradient is grad * y
 * BackwardFn expRule = (grad, grads) -> grads.addProduct(0, grad, grads.output());
 * // y = a - b
 * BackwardFn subRule = (grad, grads) -> {
 *   grads.add(0, grad);
 *   grads.add(1, grad.neg());
 * };
 * }</pre>
 */
@FunctionalInterface
public interface BackwardFn {
  /**
   * Hands every input's gradient to {@code grads}.
   *
   * @param grad the gradient of the loss with respect to the output, shaped like the output
   * @param grads receives the inputs' gradients, by the inputs' order in {@link Autodiff#op};
   *     {@link Gradients#output()} is the operation's output
   */
  void backward(Tensor grad, Gradients grads);
}
