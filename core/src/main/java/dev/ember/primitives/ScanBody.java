// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import java.io.Serializable;

/**
 * One step of a {@code scan}: from the carry and this step's input to the next carry and an
 * output. Serializable, so a model that uses it can be shipped to Spark executors.
 *
 * @param <C> the carry type (a tensor tree)
 * @param <X> the per-step input type (a tensor tree, or Void with no inputs)
 * @param <Y> the output type (a tensor tree)
 */
@FunctionalInterface
public interface ScanBody<C, X, Y> extends Serializable {
  /** Runs one step. */
  ScanStep<C, Y> step(C carry, X x);
}
