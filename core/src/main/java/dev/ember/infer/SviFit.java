// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.infer.optim.OptimizerState;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An SVI fit in progress that owns its state: each step writes the new params and optimizer
 * moments into the arrays of the old ones (where the optimizer can, {@link
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
  /** The current state; its arrays belong to this fit alone. */
  private SviState state;

  SviFit(Svi<D> svi, SviState start) {
    this.svi = svi;
    this.state = copy(start);
  }

  /**
   * One update on {@code data}; returns the loss at the params before it (NaN or infinite for a
   * step skipped by {@code stableUpdate}).
   *
   * @throws ArithmeticException for a non-finite loss or gradient without {@code stableUpdate},
   *     naming the sites; the fit is left as it was
   */
  public double step(D data) {
    Svi.Update u = svi.advance(state, data, true);
    state = u.state();
    return u.loss();
  }

  /** The number of updates made, skipped ones included. */
  public long steps() {
    return state.step();
  }

  /** A copy of the current state, an immutable value that later steps do not change. */
  public SviState state() {
    return copy(state);
  }

  /** The current params, constrained, copied. */
  public Map<String, Tensor> params() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    svi.getParams(state).forEach((n, v) -> out.put(n, Tensor.adopt(v.toArray(), v.shape())));
    return Collections.unmodifiableMap(out);
  }

  /** The state itself, for {@link Svi#run}, which makes no step after taking it. */
  SviState release() {
    return state;
  }

  /** {@code s} with every param and moment in a new array of its own. */
  private static SviState copy(SviState s) {
    OptimizerState o = s.optimizer();
    Map<String, Tensor> params = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    o.params().forEach((n, v) -> params.put(n, Tensor.adopt(v.toArray(), v.shape())));
    o.slots().forEach((n, moments) -> {
      List<Tensor> copies = new ArrayList<>(moments.size());
      for (Tensor m : moments) {
        copies.add(Tensor.adopt(m.toArray(), m.shape()));
      }
      slots.put(n, copies);
    });
    return new SviState(new OptimizerState(o.step(), params, slots), s.key(), s.step(),
        s.skippedSteps(), s.constraints());
  }
}
