// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.handlers.Model;
import dev.ember.random.RngKey;
import java.io.Serializable;

/**
 * An estimator of the negative evidence lower bound {@code -E_q[log p(x, z) - log q(z)]} whose
 * gradient with respect to the parameters substituted into the model and guide is an unbiased
 * estimate of the ELBO's gradient.
 *
 * <pre>{@code
 * Elbo elbo = new TraceElbo(4);
 * ElboEstimate e = elbo.estimate(model, guide, data, RngKey.of(0));
 * e.loss();        // scalar tensor; differentiate it with Autodiff
 * e.modelTerms();  // each model site's log p (scaled, summed, averaged over particles)
 * }</pre>
 */
public interface Elbo extends Serializable {
  /**
   * Runs the guide and the model (replayed on the guide's draws) with {@code key} and returns
   * the loss.
   *
   * @param model the model, its params already substituted
   * @param guide the guide, its params already substituted
   * @param data what both are called with
   * @param key the randomness of this estimate (split across particles, guide and model)
   */
  <D> ElboEstimate estimate(Model<D> model, Model<D> guide, D data, RngKey key);
}
