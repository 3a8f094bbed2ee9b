// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an {@link Svi} run stands: an immutable, serializable value.
 *
 * <pre>{@code
 * SviState s = svi.init(RngKey.of(0), data);
 * s = svi.update(s, data).state();
 * s.step();                      // 1
 * s.optimizer().params();        // unconstrained values, by param name
 * }</pre>
 *
 * @param optimizer the optimizer's state, holding the params in unconstrained space
 * @param key the key the next step splits its randomness from
 * @param step the number of updates made (skipped ones included); annealing reads it
 * @param skippedSteps the updates skipped by {@code stableUpdate} for a non-finite loss or
 *     gradient
 * @param constraints each param's constraint, mapping its unconstrained value back through
 *     {@code bijectTo}
 */
public record SviState(
    OptimizerState optimizer, RngKey key, long step, long skippedSteps,
    Map<String, Constraint> constraints) implements Serializable {

  /** Copies the constraints into an unmodifiable map in their order. */
  public SviState {
    constraints = Collections.unmodifiableMap(new LinkedHashMap<>(constraints));
  }
}
