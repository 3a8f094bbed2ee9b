// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.dist.Kl;
import dev.ember.handlers.Site;
import dev.ember.tensor.Tensor;

/**
 * {@link TraceElbo} with the analytic {@code -KL(q || p)} in place of {@code log p - log q} for
 * every latent site whose guide and model distributions have a closed-form KL in {@link Kl} (the
 * guide's site reparameterizable, the two weighted by the same scale); other sites fall back to
 * Monte-Carlo terms. The model's distribution may depend on other latents (it is then evaluated
 * at their sampled values): this is exact in expectation when the guide is mean-field, as its
 * name says.
 *
 * <pre>{@code
 * Svi<Tensor> svi = Svi.of(model, guide, Adam.of(0.01), new TraceMeanFieldElbo());
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.elbo.TraceMeanField_ELBO}.
 */
public final class TraceMeanFieldElbo extends TraceElbo {
  private static final long serialVersionUID = 1L;

  /** One particle. */
  public TraceMeanFieldElbo() {
    super(1);
  }

  /** {@code numParticles} particles. */
  public TraceMeanFieldElbo(int numParticles) {
    super(numParticles);
  }

  @Override
  protected Tensor analyticTerm(Site modelSite, Site guideSite) {
    if (guideSite.observed() || !guideSite.fn().hasRsample()
        || modelSite.scale() != guideSite.scale()
        || !Kl.hasClosedForm(guideSite.fn(), modelSite.fn())) {
      return null;
    }
    Tensor kl = Kl.divergence(guideSite.fn(), modelSite.fn()).sum();
    return kl.mul(-modelSite.scale());
  }
}
