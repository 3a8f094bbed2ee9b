// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.Tensor;

/**
 * The backward rule of one recorded operation: the vector-Jacobian product for one input.
 *
 * <p>Rules are written with {@link Tensor} operations, so that differentiating with {@code
 * createGraph} records them too and second derivatives follow. A rule may return a gradient in the
 * output's (broadcast) shape; the engine sums it back to the input's shape.
 *
 * <pre>{@code
 * // y = exp(x): dy/dx = y
 * BackwardFn expRule = (grad, out, input) -> grad.mul(out);
 * }</pre>
 */
@FunctionalInterface
public interface BackwardFn {
  /**
   * Returns the gradient with respect to input number {@code input}, or {@code null} when that
   * input does not receive a gradient (it is a constant or an integer index).
   *
   * @param grad the gradient of the loss with respect to the output, shaped like {@code out}
   * @param out the operation's output (tracked, so rules that reuse it stay differentiable)
   * @param input which input, in the order given to {@link Autodiff#op}
   */
  Tensor apply(Tensor grad, Tensor out, int input);

  /**
   * Whether every first-order result of {@link #apply} for {@code input} is a new tensor whose
   * values array nothing else refers to (a new array on every call): the engine may then add the
   * input's other gradient contributions into that array in place instead of into a new one.
   * False by default, since a rule may hand back its incoming gradient itself.
   */
  default boolean returnsFresh(int input) {
    return false;
  }

  /**
   * Adds the first-order gradient for {@code input} into {@code target}, the input's gradient
   * buffer (row-major, of the input's shape), instead of returning it: the engine asks when the
   * input's sum already owns a buffer, and saves the result's array. Returns false, adding
   * nothing, when the rule does not do this for these shapes (the default); the engine then calls
   * {@link #apply}.
   */
  default boolean addInto(Tensor grad, Tensor out, int input, double[] target) {
    return false;
  }

  /**
   * The first-order gradient of a one-input operation written over {@code grad}'s own values,
   * which the engine hands over when nothing else refers to them; returns {@code grad}'s values
   * as a tensor of the input's shape, or null when the rule does not do this (the default; the
   * engine then calls {@link #apply}).
   */
  default Tensor overwrite(Tensor grad, Tensor out) {
    return null;
  }

  /** A rule whose every first-order result is a new tensor (see {@link #returnsFresh}). */
  @FunctionalInterface
  interface Fresh extends BackwardFn {
    @Override
    default boolean returnsFresh(int input) {
      return true;
    }
  }
}
