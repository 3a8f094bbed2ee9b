// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.param;

import dev.ember.dist.Distribution;
import dev.ember.dist.MultivariateNormal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.tensor.Tensor;

/**
 * A full-rank Gaussian over all latent sites in unconstrained space: {@code u ~
 * MultivariateNormal(loc, scaleTril)} with params {@code auto_loc} {@code [D]} and {@code
 * auto_scale_tril} {@code [D, D]} (lower Cholesky, positive diagonal, initialised to {@code
 * initScale * I}). It captures posterior correlations, e.g. along a state-space path.
 *
 * <pre>{@code
 * AutoMultivariateNormal<Tensor> guide = AutoMultivariateNormal.of(model).initScale(0.1);
 * Svi.RunResult fit = Svi.of(model, guide, Adam.of(0.01), new TraceElbo()).run(key, 3000, data);
 * Tensor cov = guide.covariance(fit.params());  // [D, D], unconstrained space
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.autoguide.AutoMultivariateNormal}.
 */
public final class AutoMultivariateNormal<D> extends AutoContinuous<D> {
  private static final long serialVersionUID = 1L;

  private final double initScale;

  private AutoMultivariateNormal(Model<D> model, String prefix, InitStrategy init, double initScale) {
    super(model, prefix, init);
    if (!(initScale > 0) || Double.isInfinite(initScale)) {
      throw new IllegalArgumentException(
          "AutoMultivariateNormal: initScale must be positive, got " + initScale);
    }
    this.initScale = initScale;
  }

  /** The guide for {@code model}: init to uniform(-2, 2), scale 0.1. */
  public static <D> AutoMultivariateNormal<D> of(Model<D> model) {
    return new AutoMultivariateNormal<>(model, "auto", InitStrategy.uniform(2.0), 0.1);
  }

  /** The same guide with another init strategy. */
  public AutoMultivariateNormal<D> initStrategy(InitStrategy strategy) {
    return new AutoMultivariateNormal<>(model, prefix, strategy, initScale);
  }

  /** The same guide with another initial scale. */
  public AutoMultivariateNormal<D> initScale(double scale) {
    return new AutoMultivariateNormal<>(model, prefix, init, scale);
  }

  @Override
  protected Distribution posterior(int latentDim, Tensor initialLoc) {
    Tensor loc = param(prefix + "_loc", key -> initialLoc, Constraints.realVector());
    Tensor scaleTril = param(prefix + "_scale_tril",
        key -> Tensor.eye(latentDim).mul(initScale), Constraints.lowerCholesky());
    return MultivariateNormal.ofScaleTril(loc, scaleTril);
  }

  /** The covariance {@code L L^T} of {@code u} from fitted params. */
  public Tensor covariance(java.util.Map<String, Tensor> params) {
    Tensor l = params.get(prefix + "_scale_tril");
    if (l == null) {
      throw new IllegalArgumentException("no param '" + prefix + "_scale_tril' among " + params.keySet());
    }
    return l.matmul(l.transpose());
  }
}
