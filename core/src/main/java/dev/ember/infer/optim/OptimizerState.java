// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an {@link Optimizer} stands: the number of updates applied, the current parameter
 * values and the per-parameter moments. An immutable value, as NumPyro's {@code (i, opt_state)}.
 *
 * <pre>{@code
 * Optimizer adam = Adam.of(0.1);
 * OptimizerState s = adam.init(Map.of("x", Tensor.scalar(0.0)));     // step 0, m = v = 0
 * s = adam.update(Map.of("x", Tensor.scalar(-6.0)), s);              // step 1
 * double x = s.params().get("x").item();                              // ~0.1
 * List<Tensor> mv = s.slots().get("x");                               // [m, v]
 * }</pre>
 *
 * <p>The maps are unmodifiable copies that keep the given order (a {@code LinkedHashMap}'s), so
 * a state can be shared between threads and written to a checkpoint; tracked tensors are stored
 * {@linkplain Tensor#detach() detached}, because parameters between steps are constants and a
 * state must not hold on to an autodiff graph.
 *
 * @param step the number of updates applied so far: 0 after {@link Optimizer#init}
 * @param params the current values of the parameters, in the unconstrained space, by name
 * @param slots each parameter's optimizer moments, by the same names, in an order fixed by the
 *     optimizer (Adam: {@code [m, v]}; plain SGD: none)
 */
public record OptimizerState(long step, Map<String, Tensor> params, Map<String, List<Tensor>> slots)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if {@code step} is negative, a name or tensor is null, or
   *     {@code slots} does not have exactly the keys of {@code params}
   */
  public OptimizerState {
    if (step < 0) {
      throw new IllegalArgumentException("OptimizerState: step must be >= 0, got " + step);
    }
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(slots, "slots");
    Map<String, Tensor> p = new LinkedHashMap<>();
    params.forEach(
        (name, value) -> {
          Objects.requireNonNull(name, "OptimizerState: null parameter name");
          Objects.requireNonNull(value, () -> "OptimizerState: null value for '" + name + "'");
          p.put(name, value.detach());
        });
    if (!slots.keySet().equals(p.keySet())) {
      throw new IllegalArgumentException(
          "OptimizerState: slots must have the keys of params, but params has "
              + p.keySet() + " and slots has " + slots.keySet());
    }
    Map<String, List<Tensor>> s = new LinkedHashMap<>();
    for (String name : p.keySet()) {
      List<Tensor> moments = slots.get(name);
      Objects.requireNonNull(moments, () -> "OptimizerState: null slots for '" + name + "'");
      List<Tensor> copy = new ArrayList<>(moments.size());
      for (Tensor t : moments) {
        Objects.requireNonNull(t, () -> "OptimizerState: null slot for parameter '" + name + "'");
        copy.add(t.detach());
      }
      s.put(name, List.copyOf(copy)); // unmodifiable and serializable
    }
    params = Collections.unmodifiableMap(p);
    slots = Collections.unmodifiableMap(s);
  }
}
