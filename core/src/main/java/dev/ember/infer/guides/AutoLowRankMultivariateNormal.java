// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import static dev.ember.primitives.Primitives.param;

import dev.ember.dist.Distribution;
import dev.ember.dist.LowRankMultivariateNormal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * A Gaussian over all latent sites in unconstrained space with covariance {@code W W^T +
 * diag(d)}: params {@code auto_loc} {@code [D]}, {@code auto_cov_factor} {@code [D, rank]}
 * (small random init) and {@code auto_cov_diag} {@code [D]} (positive, {@code initScale^2}).
 * Linear in D, for models too large for {@link AutoMultivariateNormal}.
 *
 * <pre>{@code
 * AutoLowRankMultivariateNormal<Tensor> guide = AutoLowRankMultivariateNormal.of(model, 3);
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.autoguide.AutoLowRankMultivariateNormal}.
 */
public final class AutoLowRankMultivariateNormal<D> extends AutoContinuous<D> {
  private static final long serialVersionUID = 1L;

  private final int rank;
  private final double initScale;

  private AutoLowRankMultivariateNormal(
      Model<D> model, String prefix, InitStrategy init, int rank, double initScale) {
    super(model, prefix, init);
    if (rank < 1) {
      throw new IllegalArgumentException("AutoLowRankMultivariateNormal: rank must be >= 1, got " + rank);
    }
    if (!(initScale > 0) || Double.isInfinite(initScale)) {
      throw new IllegalArgumentException(
          "AutoLowRankMultivariateNormal: initScale must be positive, got " + initScale);
    }
    this.rank = rank;
    this.initScale = initScale;
  }

  /** The guide for {@code model} with a rank-{@code rank} factor. */
  public static <D> AutoLowRankMultivariateNormal<D> of(Model<D> model, int rank) {
    return new AutoLowRankMultivariateNormal<>(model, "auto", InitStrategy.uniform(2.0), rank, 0.1);
  }

  /** The same guide with another init strategy. */
  public AutoLowRankMultivariateNormal<D> initStrategy(InitStrategy strategy) {
    return new AutoLowRankMultivariateNormal<>(model, prefix, strategy, rank, initScale);
  }

  /** The same guide with another initial scale. */
  public AutoLowRankMultivariateNormal<D> initScale(double scale) {
    return new AutoLowRankMultivariateNormal<>(model, prefix, init, rank, scale);
  }

  @Override
  protected Distribution posterior(int latentDim, Tensor initialLoc) {
    Tensor loc = param(prefix + "_loc", key -> initialLoc, Constraints.realVector());
    // A small random factor: zero would be a saddle point where the factor's gradient vanishes.
    Tensor factor = param(prefix + "_cov_factor",
        key -> Samplers.normal(key == null ? dev.ember.random.RngKey.of(0) : key,
            Shape.of(latentDim, rank)).mul(0.01 * initScale),
        Constraints.independent(Constraints.real(), 2));
    Tensor diag = param(prefix + "_cov_diag",
        key -> Tensor.full(initScale * initScale, latentDim),
        Constraints.independent(Constraints.positive(), 1));
    return LowRankMultivariateNormal.of(loc, factor, diag);
  }
}
