// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step sends its tasks: the global params (unconstrained), the step's key and count, the
 * optimizer's step count (per-series params are updated at it), and which minibatch of which epoch
 * the step trains on. The optimizer's moments stay on the driver.
 *
 * <pre>{@code
 * StepInput in = new StepInput(state.optimizer().params(), stepKey, s, state.optimizer().step(),
 *     index.epochOf(s), index.batchOf(s));
 * SviState forTasks = in.state(constraints);    // params and step, without moments
 * }</pre>
 *
 * @param params the global params, unconstrained
 * @param key the step's key
 * @param step the step
 * @param optimizerStep the optimizer's step count
 * @param epoch the epoch
 * @param batch the minibatch within the epoch
 */
record StepInput(Map<String, Tensor> params, RngKey key, long step, long optimizerStep,
    long epoch, int batch) implements Serializable {

  /** The state the engine computes at: these params and step, no moments. */
  SviState state(Map<String, Constraint> constraints) {
    Map<String, List<Tensor>> noSlots = new LinkedHashMap<>();
    params.keySet().forEach(n -> noSlots.put(n, List.of()));
    return new SviState(new OptimizerState(optimizerStep, params, noSlots), key, step, 0,
        constraints);
  }
}
