// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import java.io.Serializable;

/**
 * A probabilistic model (or guide): Java code that calls the primitives on some data.
 *
 * <p>It is {@link Serializable} so that a lambda model can be shipped to Spark executors, as
 * Spark's own Java function interfaces are.
 *
 * <pre>{@code
 * Model<Tensor> model = ys -> {
 *   Tensor mu = sample("mu", Normal.of(0.0, 10.0));
 *   sample("y", Normal.of(mu, Tensor.scalar(1.0)).expand(ys.shape()), ys);
 * };
 * }</pre>
 *
 * @param <D> the type of the data the model is called with
 */
@FunctionalInterface
public interface Model<D> extends Serializable {
  /** Runs the model on {@code data}. */
  void run(D data);
}
