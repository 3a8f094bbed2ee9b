// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The Cauchy distribution; reparameterized by inversion, {@code loc + scale tan(pi (u - 1/2))}.
 * Its mean is undefined (NaN) and its variance infinite, as in NumPyro.
 *
 * <pre>{@code
 * Cauchy.of(Tensor.scalar(0.0), Tensor.scalar(1.0)).logProb(Tensor.of(0.0)); // [-log pi]
 * }</pre>
 */
public final class Cauchy extends LocationScale {
  private static final long serialVersionUID = 1L;

  private Cauchy(Tensor loc, Tensor scale, boolean checkElements) {
    super("Cauchy", loc, scale, checkElements);
  }

  /** {@code Cauchy(loc, scale)}. */
  public static Cauchy of(Tensor loc, Tensor scale) {
    return new Cauchy(loc, scale, true);
  }

  @Override
  Tensor standardLogDensity(Tensor z) {
    return z.square().log1p().neg().sub(Math.log(Math.PI));
  }

  @Override
  Tensor standardSample(RngKey key, Shape shape) {
    Tensor angle = Samplers.uniform(key, shape).sub(0.5).mul(Math.PI);
    return angle.sin().div(angle.cos());
  }

  @Override
  Cauchy create(Tensor loc, Tensor scale, boolean checkElements) {
    return new Cauchy(loc, scale, checkElements);
  }

  @Override
  public Tensor mean() {
    return Tensor.full(Double.NaN, batch);
  }

  @Override
  public Tensor variance() {
    return Tensor.full(Double.POSITIVE_INFINITY, batch);
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(Math.log(4 * Math.PI)).broadcastTo(batch);
  }
}
