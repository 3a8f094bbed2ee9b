// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.autodiff;

import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Tensor;

/**
 * Where a {@link BackwardFn} hands the gradients of its operation's inputs. The engine behind it
 * sums each input's contributions over all its uses: in a first-order pass into buffers it owns
 * ({@link dev.ember.tensor.OwnedBuffer}), written in place once it has one and never into a
 * tensor a rule gave it; in a recorded pass ({@code createGraph}) with recorded operations, so
 * the gradients can be differentiated again. Contributions to an input that is not tracked are
 * dropped.
 *
 * <pre>{@code
 * // the rule of y = a * b + c
 * BackwardFn rule = (g, grads) -> {
 *   grads.addProduct(0, g, b);
 *   grads.addProduct(1, g, a);
 *   grads.add(2, g);
 * };
 * }</pre>
 */
public interface Gradients {
  /**
   * Adds {@code g} to the gradient of input {@code input}; {@code g} may have a shape that the
   * input's broadcasts to, and is then summed to the input's shape. The engine never writes into
   * {@code g}.
   */
  void add(int input, Tensor g);

  /**
   * Adds a gradient that the rule computed into a buffer of its own ({@code OwnedBuffer}s are
   * made only by their owner), handing the buffer over: the engine may add the input's other
   * contributions into it in place. The rule does not touch the buffer afterwards.
   */
  void add(int input, OwnedBuffer g);

  /**
   * Adds a gradient that {@code kernel} writes straight into a buffer of the engine: the engine
   * calls {@code kernel.write(target, from, accumulate)} once, which adds element {@code i} of the
   * gradient (row-major, of input {@code input}'s shape) to {@code target[from + i]} when {@code
   * accumulate} is true, and sets every such element when it is false. The buffer may be the
   * input's own, or that of a tensor the input is a contiguous slice of. For rules written with
   * raw loops, in a first-order pass only.
   *
   * @throws UnsupportedOperationException in a recorded pass ({@link #isRecorded()}), where a
   *     rule must hand tensors that are themselves recorded
   */
  void addComputed(int input, GradientKernel kernel);

  /** Writes a gradient into an engine buffer ({@link #addComputed}). */
  @FunctionalInterface
  interface GradientKernel {
    /**
     * @param target the buffer holding the input's gradient, row-major
     * @param from where element 0 of the input's gradient lies in {@code target}
     * @param accumulate add to the target (true) or set every element (false)
     */
    void write(double[] target, int from, boolean accumulate);
  }

  /**
   * Adds {@code g * factor} (broadcast) to the gradient of input {@code input}, summed to the
   * input's shape: the engine computes the product straight into its buffer for the input (or a
   * sum, for a single-value input), so the product is never a tensor of its own.
   */
  void addProduct(int input, Tensor g, Tensor factor);

  /**
   * Adds {@code g} to the gradient of input {@code input} at the positions a view of it reads:
   * element {@code idx} of {@code g} goes to position {@code base + sum(idx[d] * strides[d])} of
   * the input's row-major values. The adjoint of a gather (select, slice, broadcast, ...), added
   * in place without a zero tensor of the input's size per use.
   */
  void addAt(int input, Tensor g, int base, int[] strides);

  /** The operation's output (tracked, so rules that reuse it stay differentiable). */
  Tensor output();

  /** Whether input {@code input} receives a gradient (it is tracked); others need no work. */
  boolean wants(int input);

  /** Whether this backward pass is itself recorded ({@code createGraph}). */
  boolean isRecorded();

  /**
   * Throws when this pass is recorded: for a rule written with raw loops only, whose second
   * derivative would silently be zero.
   *
   * @throws UnsupportedOperationException under {@code createGraph}
   */
  default void requireFirstOrder(String op) {
    if (isRecorded()) {
      throw new UnsupportedOperationException(
          op + ": second derivatives are not implemented for this operation; differentiate it "
              + "once (createGraph = false)");
    }
  }
}
