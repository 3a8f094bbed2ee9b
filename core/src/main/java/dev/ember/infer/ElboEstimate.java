// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.handlers.Trace;
import dev.ember.tensor.Tensor;
import java.util.Map;

/**
 * One estimate of the negative ELBO and the site terms it was summed from.
 *
 * <pre>{@code
 * ElboEstimate e = new TraceElbo().estimate(model, guide, data, key);
 * double loss = e.loss().item();
 * Tensor logLik = e.modelTerms().get("y");
 * }</pre>
 *
 * @param loss a scalar tensor whose value is {@code -(sum of modelTerms - sum of guideTerms)}
 *     averaged over particles, and whose gradient is the estimator's (it may carry score-function
 *     terms whose value is zero)
 * @param modelTerms each model sample site's {@code scale * sum(log p)}, averaged over particles;
 *     for a site scored by an analytic KL ({@link TraceMeanFieldElbo}) its {@code -KL(q || p)}
 * @param guideTerms each guide sample site's {@code scale * sum(log q)}, averaged over particles
 *     (absent for sites scored by an analytic KL)
 * @param modelTrace the model's trace of the last particle (sites, plates, values)
 * @param guideTrace the guide's trace of the last particle
 */
public record ElboEstimate(Tensor loss, Map<String, Tensor> modelTerms,
    Map<String, Tensor> guideTerms, Trace modelTrace, Trace guideTrace) {
  /** The loss as a double. */
  public double value() {
    return loss.item();
  }
}
