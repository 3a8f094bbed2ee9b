// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SVI fit in progress that owns its state: each step writes the new params and optimizer
 * moments into the fit's own buffers ({@link OptimizerBuffers}, where the optimizer can, {@link
 * dev.ember.infer.optim.Optimizer#updateInPlaceIfFinite}) instead of allocating new ones, which
 * saves a fresh, cold array per param and moment at every step. This is the loop {@link
 * Svi#run} runs, for callers that step a fit themselves (to evaluate, log or checkpoint between
 * steps); as Pyro's stateful {@code svi.step()}, with the state held by the fit rather than a
 * global param store.
 *
 * <pre>{@code
 * SviFit<Tensor> fit = svi.start(RngKey.of(0), data);
 * for (int i = 0; i < 1000; i++) {
 *   double loss = fit.step(data);
 * }
 * SviState snapshot = fit.state();          // an immutable copy: checkpoint it, evaluate it
 * Map<String, Tensor> params = fit.params(); // constrained, copied
 * }</pre>
 *
 * <p>A step is the arithmetic of {@link Svi#update}, so a fit and a chain of updates from the
 * same state agree bit for bit, skipped steps and errors included: a step that fails (a
 * non-finite loss or gradient without {@code stableUpdate}) throws and leaves the fit where it
 * was. The fit copies the state it starts from, so that state stays valid; what it hands out
 * ({@link #state()}, {@link #params()}) are copies too. A fit is not thread-safe; share its
 * {@link #state()}.
 *
 * @param <D> the data type of the model and guide
 */
public final class SviFit<D> {
  private final Svi<D> svi;
  /** The params and moments, in buffers this fit alone writes. */
  private final OptimizerBuffers buffers;
  /** The current state; its optimizer part views {@link #buffers}. */
  private SviState state;

  SviFit(Svi<D> svi, SviState start) {
    this.svi = svi;
    this.buffers = OptimizerBuffers.copyOf(start.optimizer());
    this.state = new SviState(buffers.views(), start.key(), start.step(), start.skippedSteps(),
        start.constraints());
  }

  /**
   * One update on {@code data}; returns the loss at the params before it (NaN or infinite for a
   * step skipped by {@code stableUpdate}).
   *
   * @throws ArithmeticException for a non-finite loss or gradient without {@code stableUpdate},
   *     naming the sites; the fit is left as it was
   */
  public double step(D data) {
    Svi.Update u = svi.advanceInPlace(state, buffers, data);
    state = u.state();
    return u.loss();
  }

  /** The number of updates made, skipped ones included. */
  public long steps() {
    return state.step();
  }

  /** A copy of the current state, an immutable value that later steps do not change. */
  public SviState state() {
    return new SviState(buffers.snapshot(), state.key(), state.step(), state.skippedSteps(),
        state.constraints());
  }

  /** The current params, constrained, copied. */
  public Map<String, Tensor> params() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    svi.getParams(state).forEach((n, v) -> out.put(n, v.copy()));
    return Collections.unmodifiableMap(out);
  }

  /** The state itself, for {@link Svi#run}, which makes no step after taking it. */
  SviState release() {
    return state;
  }
}
