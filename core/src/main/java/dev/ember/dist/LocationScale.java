// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;

/**
 * A location-scale family on the real line: {@code X = loc + scale * Z} with {@code Z} from a
 * fixed standard density {@code f}, so {@code log p(x) = log f((x - loc) / scale) - log scale}
 * and draws are reparameterized.
 */
abstract class LocationScale extends ScalarFamily {
  private static final long serialVersionUID = 1L;
  private static final String[] NAMES = {"loc", "scale"};
  final Tensor loc;
  final Tensor scale;

  LocationScale(String family, Tensor loc, Tensor scale) {
    super(family, NAMES, ParamChecks.finite(family, "loc", loc),
        ParamChecks.positive(family, "scale", scale));
    this.loc = loc;
    this.scale = scale;
  }

  /** {@code log f(z)} of the standard member. */
  abstract Tensor standardLogDensity(Tensor z);

  /** Standard draws of the given shape. */
  abstract Tensor standardSample(RngKey key, Shape shape);

  /** The family with new parameters. */
  abstract Distribution create(Tensor loc, Tensor scale);

  @Override
  final Distribution create(Tensor... params) {
    return create(params[0], params[1]);
  }

  /** The location. */
  public Tensor loc() {
    return loc;
  }

  /** The scale. */
  public Tensor scale() {
    return scale;
  }

  @Override
  public Constraint support() {
    return Constraints.real();
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    return standardSample(key, extendedShape(sampleShape)).mulAdd(scale, loc);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return standardLogDensity(value.sub(loc).div(scale)).sub(scale.log());
  }
}
