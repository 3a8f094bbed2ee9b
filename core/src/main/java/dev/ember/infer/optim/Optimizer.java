// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer as a pair of pure functions, NumPyro's {@code numpyro.optim} interface:
 * {@code init(params) -> state} and {@code update(grads, state) -> state}. It minimizes; give it
 * the gradient of the loss (for SVI, of the negative ELBO).
 *
 * <pre>{@code
 * Optimizer opt = Adam.of(0.1);
 * OptimizerState s = opt.init(Map.of("x", Tensor.scalar(0.0)));
 * for (int i = 0; i < 500; i++) {
 *   double x = s.params().get("x").item();
 *   s = opt.update(Map.of("x", Tensor.scalar(2 * (x - 3))), s); // d/dx (x - 3)^2
 * }
 * s.params().get("x").item();                                  // ~3.0
 * }</pre>
 *
 * <p><b>Order of use.</b> {@code init} once, then {@code update} once per step with gradients at
 * {@code state.params()}, then read {@code state.params()}. The optimizer holds no state of its
 * own: the same optimizer can drive any number of runs, from any thread, and an old state can be
 * updated again (to branch a run or to retry a step). A state made by another optimizer is
 * rejected when its slots do not fit; one made by another configuration of the same class (a
 * different learning rate) is accepted and continues under the new configuration, which is how
 * a run is resumed with changed hyper-parameters.
 *
 * <p><b>Schedules.</b> An optimizer's learning rate is a {@link LearningRate} evaluated at {@code
 * state.step()} before the step is counted, so the first update uses {@code lr.at(0)}, as in
 * NumPyro and optax.
 *
 * <p>Implementations are serializable (Spark ships them to executors; checkpoints store them),
 * and an optimizer and state restored from bytes continue bit for bit as the originals would.
 */
public interface Optimizer extends Serializable {

  /**
   * The state before the first update: step 0, {@code params} copied as untracked tensors, and
   * the optimizer's moments set to zero.
   *
   * @param params the initial values, by name, in the unconstrained space; the order is kept
   */
  OptimizerState init(Map<String, Tensor> params);

  /**
   * A new state after one step with these gradients (same keys and shapes as the params).
   *
   * @param grads the gradient of the loss at {@code state.params()}, by parameter name
   * @param state the current state; it is not modified
   * @throws IllegalArgumentException if a parameter has no gradient, a gradient has no parameter,
   *     a gradient's shape differs from its parameter's, or {@code state} was made by an
   *     optimizer with other slots
   * @throws IllegalStateException if the learning-rate schedule gives a negative or non-finite
   *     value at {@code state.step()}
   */
  OptimizerState update(Map<String, Tensor> grads, OptimizerState state);

  /**
   * {@link #update}, or null, updating nothing, when a gradient has a value that is not finite
   * (as SVI needs to skip or diagnose such a step). An optimizer that reads every gradient anyway
   * may look for such values in the same pass; by default they are checked first.
   */
  default OptimizerState updateIfFinite(Map<String, Tensor> grads, OptimizerState state) {
    for (Tensor g : grads.values()) {
      if (!g.allFinite()) {
        return null;
      }
    }
    return update(grads, state);
  }

  /**
   * {@link #updateIfFinite} written into buffers that the caller's fit owns ({@link
   * OptimizerBuffers}), which saves allocating and filling fresh memory for every param and
   * moment at every step. Returns false, having written nothing, when a gradient value is not
   * finite. Everything that can fail is checked before the first write, so a failed or refused
   * update leaves the buffers as they were. By default the new state is computed by {@link
   * #updateIfFinite} and copied into the buffers.
   */
  default boolean updateInPlaceIfFinite(Map<String, Tensor> grads, OptimizerBuffers state) {
    OptimizerState next = updateIfFinite(grads, state.views());
    if (next == null) {
      return false;
    }
    state.setFrom(next);
    return true;
  }

  /**
   * Whether each element's update depends only on that element's value, gradient and moments (and
   * the step), so that updating a slice of a parameter equals slicing the update of the whole.
   * Adam, Sgd, Momentum, Adagrad and RmsProp are; {@link ClippedAdam}, whose clip spans a whole
   * tensor, is not. The distributed engine updates per-series parameters of many series in one
   * call when this holds, and series by series otherwise.
   */
  default boolean isElementwise() {
    return false;
  }

  /**
   * An elementwise optimizer's update ({@link #isElementwise}) of elements that the caller keeps
   * in arrays of its own, in one order that all the arrays share: element {@code i}'s value
   * {@code x[i]}, gradient {@code g[i]} and moments {@code slots[s][i]} are read and never
   * written, and its new value and moments are written into {@code xOut[i]} and {@code
   * slotsOut[s][i]}, bit for bit as {@link #update} at step {@code step} gives them for any
   * tensor that holds these elements. A caller that keeps the elements of several parameters in
   * one layout (the distributed engine's per-series parameters, series by series) updates them
   * in one call, with no tensors. By default the elements go through {@link #update} as one
   * tensor of shape {@code [n]}; the built-in optimizers run their kernel on the arrays.
   *
   * <pre>{@code
   * Optimizer adam = Adam.of(0.01);
   * double[] x = {0.5, -1.0};
   * double[][] moments = {new double[2], new double[2]};      // Adam's m and v, from zero
   * double[] xNext = new double[2];
   * double[][] momentsNext = {new double[2], new double[2]};
   * adam.updateElements(0, x, new double[] {0.3, -0.2}, moments, xNext, momentsNext);
   * }</pre>
   *
   * @param step the number of updates applied before this one (the state's step)
   * @throws UnsupportedOperationException if the optimizer is not elementwise
   * @throws IllegalArgumentException if the arrays' lengths differ, or the number of moments is
   *     not the optimizer's
   * @throws IllegalStateException if the learning-rate schedule gives a negative or non-finite
   *     value at {@code step}
   */
  default void updateElements(long step, double[] x, double[] g, double[][] slots, double[] xOut,
      double[][] slotsOut) {
    ElementArrays.check(this, getClass().getSimpleName(), x, g, slots, xOut, slotsOut,
        slots == null ? 0 : slots.length);
    String name = "elements";
    List<Tensor> moments = new ArrayList<>(slots.length);
    for (double[] m : slots) {
      moments.add(Tensor.of(m, m.length));
    }
    OptimizerState next = update(Map.of(name, Tensor.of(g, g.length)),
        new OptimizerState(step, Map.of(name, Tensor.of(x, x.length)), Map.of(name, moments)));
    System.arraycopy(next.params().get(name).toArray(), 0, xOut, 0, x.length);
    List<Tensor> nextMoments = next.slots().get(name); // as many as given: update checks it
    for (int s = 0; s < slotsOut.length; s++) {
      System.arraycopy(nextMoments.get(s).toArray(), 0, slotsOut[s], 0, x.length);
    }
  }

  /**
   * A stable text of this optimizer with every hyper-parameter, its learning-rate schedule's
   * {@link LearningRate#spec} included, which checkpoints record to recognise a run: the built-in
   * optimizers give {@code Adam(lr=constant(0.01), b1=0.9, b2=0.999, eps=1.0E-8)}; any other
   * gives {@link CustomSpec#of} (its class only), so an optimizer of one's own should override
   * this with its hyper-parameters. Changing the text makes checkpoints that recorded the old
   * one refuse to resume.
   */
  default String spec() {
    return CustomSpec.of(this);
  }
}
