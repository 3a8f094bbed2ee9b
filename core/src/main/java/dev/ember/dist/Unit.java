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
 * The trivial distribution of {@code factor}: its only value is empty (event shape {@code [0]})
 * and its log density is the given {@code logFactor}, which adds an arbitrary term to the joint.
 *
 * <pre>{@code
 * Unit u = Unit.of(Tensor.scalar(-1.5));
 * u.logProb(u.sample(RngKey.of(0), Shape.SCALAR)); // -1.5
 * }</pre>
 */
public final class Unit extends Distribution {
  private static final long serialVersionUID = 1L;
  private static final Shape EMPTY_EVENT = Shape.of(0);
  private final Tensor logFactor;

  private Unit(Tensor logFactor) {
    this.logFactor = logFactor;
  }

  /** A unit distribution contributing {@code logFactor} to the log density. */
  public static Unit of(Tensor logFactor) {
    return new Unit(logFactor);
  }

  @Override
  public Shape batchShape() {
    return logFactor.shape();
  }

  @Override
  public Shape eventShape() {
    return EMPTY_EVENT;
  }

  @Override
  public Constraint support() {
    return Constraints.realVector();
  }

  @Override
  public Map<String, Tensor> params() {
    return Map.of("logFactor", logFactor);
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("logFactor"));
  }

  @Override
  public Tensor sample(RngKey key, Shape sampleShape) {
    return Tensor.zeros(extendedShape(sampleShape));
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return logFactor.broadcastTo(
        Shape.broadcast(value.shape().sub(0, value.rank() - 1), logFactor.shape(), "Unit"));
  }
}
