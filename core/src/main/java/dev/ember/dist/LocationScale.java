// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;

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

  /**
   * @param checkElements whether to check that loc is finite and scale positive, element by
   *     element (not for parameters made of elements this family accepted, {@link
   *     #withAcceptedParams})
   */
  LocationScale(String family, Tensor loc, Tensor scale, boolean checkElements) {
    super(family, NAMES, checkElements ? ParamChecks.finite(family, "loc", loc) : loc,
        checkElements ? ParamChecks.positive(family, "scale", scale) : scale);
    this.loc = loc;
    this.scale = scale;
  }

  /** {@code log f(z)} of the standard member. */
  abstract Tensor standardLogDensity(Tensor z);

  /** Standard draws of the given shape. */
  abstract Tensor standardSample(RngKey key, Shape shape);

  /** The family with new parameters. */
  abstract Distribution create(Tensor loc, Tensor scale, boolean checkElements);

  @Override
  final Distribution create(Tensor... params) {
    return create(params[0], params[1], true);
  }

  /**
   * The family with parameters made of elements it accepted: finite locs and positive scales stay
   * so element by element, so only the shapes are checked.
   */
  @Override
  public Distribution withAcceptedParams(Map<String, Tensor> params) {
    Tensor[] p = ordered(params);
    return create(p[0], p[1], false);
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
