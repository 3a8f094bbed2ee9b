// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The logistic distribution; reparameterized by inversion, {@code loc + scale logit(u)}.
 *
 * <pre>{@code
 * Logistic.of(Tensor.scalar(0.0), Tensor.scalar(1.0)).logProb(Tensor.of(0.0)); // [-log 4]
 * }</pre>
 */
public final class Logistic extends LocationScale {
  private static final long serialVersionUID = 1L;

  private Logistic(Tensor loc, Tensor scale, boolean checkElements) {
    super("Logistic", loc, scale, checkElements);
  }

  /** {@code Logistic(loc, scale)}. */
  public static Logistic of(Tensor loc, Tensor scale) {
    return new Logistic(loc, scale, true);
  }

  @Override
  Tensor standardLogDensity(Tensor z) {
    return z.neg().sub(z.neg().softplus().mul(2.0));
  }

  @Override
  Tensor standardSample(RngKey key, Shape shape) {
    Tensor u = Samplers.uniform(key, shape);
    return u.log().sub(u.neg().log1p());
  }

  @Override
  Logistic create(Tensor loc, Tensor scale, boolean checkElements) {
    return new Logistic(loc, scale, checkElements);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return scale.square().mul(Math.PI * Math.PI / 3).broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    return scale.log().add(2.0).broadcastTo(batch);
  }
}
