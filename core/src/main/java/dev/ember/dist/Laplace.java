// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * The Laplace (double exponential) distribution; reparameterized by inversion.
 *
 * <pre>{@code
 * Laplace.of(Tensor.scalar(0.0), Tensor.scalar(1.0)).logProb(Tensor.of(0.0)); // [-log 2]
 * }</pre>
 */
public final class Laplace extends LocationScale {
  private static final long serialVersionUID = 1L;

  private Laplace(Tensor loc, Tensor scale, boolean checkElements) {
    super("Laplace", loc, scale, checkElements);
  }

  /** {@code Laplace(loc, scale)}. */
  public static Laplace of(Tensor loc, Tensor scale) {
    return new Laplace(loc, scale, true);
  }

  @Override
  Tensor standardLogDensity(Tensor z) {
    return z.abs().neg().sub(Math.log(2));
  }

  @Override
  Tensor standardSample(RngKey key, Shape shape) {
    Tensor u = Samplers.uniform(key, shape).sub(0.5); // (-1/2, 1/2)
    return u.sign().mul(u.abs().mul(-2.0).log1p()).neg();
  }

  @Override
  Laplace create(Tensor loc, Tensor scale, boolean checkElements) {
    return new Laplace(loc, scale, checkElements);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    return scale.square().mul(2.0).broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    return scale.mul(2.0).log().add(1.0).broadcastTo(batch);
  }
}
