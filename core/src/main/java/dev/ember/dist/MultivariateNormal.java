// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.random.Samplers;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The multivariate normal {@code N(loc, L L^T)} over vectors of size {@code d}, parametrized by
 * the lower Cholesky factor {@code L} of the covariance ({@code scaleTril}); built also from a
 * covariance or a precision matrix. Reparameterized as {@code loc + L eps}.
 *
 * <pre>{@code
 * MultivariateNormal m = MultivariateNormal.ofCovariance(Tensor.zeros(2),
 *     Tensor.of(new double[][] {{2, 1}, {1, 2}}));
 * m.logProb(Tensor.zeros(2)); // -log(2 pi) - 0.5 log 3
 * }</pre>
 */
public final class MultivariateNormal extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor loc; // [..., d]
  private final Tensor scaleTril; // [..., d, d]
  private final Shape batch;

  private MultivariateNormal(Tensor loc, Tensor scaleTril) {
    if (loc.rank() < 1 || scaleTril.rank() < 2 || scaleTril.dim(-1) != scaleTril.dim(-2)
        || scaleTril.dim(-1) != loc.dim(-1)) {
      throw new IllegalArgumentException(
          "MultivariateNormal: loc must be [..., d] and scaleTril [..., d, d], got "
              + loc.shape() + " and " + scaleTril.shape());
    }
    ParamChecks.finite("MultivariateNormal", "loc", loc);
    ParamChecks.positive("MultivariateNormal", "diagonal of scaleTril", scaleTril.diagonal());
    this.batch =
        Shape.broadcast(
            loc.shape().sub(0, loc.rank() - 1),
            scaleTril.shape().sub(0, scaleTril.rank() - 2),
            "MultivariateNormal");
    this.loc = loc;
    this.scaleTril = scaleTril.tril(0);
  }

  /** From the lower Cholesky factor of the covariance. */
  public static MultivariateNormal ofScaleTril(Tensor loc, Tensor scaleTril) {
    return new MultivariateNormal(loc, scaleTril);
  }

  /** From a covariance matrix (factorized here). */
  public static MultivariateNormal ofCovariance(Tensor loc, Tensor covariance) {
    return new MultivariateNormal(loc, covariance.cholesky());
  }

  /**
   * From a precision matrix {@code P}: with {@code P = M M^T}, the covariance factor is {@code
   * L = M^-T} up to an orthogonal factor; its lower-triangular form is the Cholesky factor of
   * {@code P^-1}, computed as {@code chol((M^-1)^T M^-1)}.
   */
  public static MultivariateNormal ofPrecision(Tensor loc, Tensor precision) {
    Tensor m = precision.cholesky();
    Tensor inv = m.triangularSolve(Tensor.eye(m.dim(-1)), true); // M^-1
    return new MultivariateNormal(loc, inv.transpose().matmul(inv).cholesky());
  }

  /** The mean vector. */
  public Tensor loc() {
    return loc;
  }

  /** The lower Cholesky factor of the covariance. */
  public Tensor scaleTril() {
    return scaleTril;
  }

  /** The covariance {@code L L^T}. */
  public Tensor covariance() {
    return scaleTril.matmul(scaleTril.transpose());
  }

  private int dim() {
    return loc.dim(-1);
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.of(dim());
  }

  @Override
  public Constraint support() {
    return Constraints.realVector();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("loc", loc.broadcastTo(batch.concat(Shape.of(dim()))));
    m.put("scaleTril", scaleTril.broadcastTo(batch.concat(Shape.of(dim(), dim()))));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return ofScaleTril(p.get("loc"), p.get("scaleTril"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    Tensor eps = Samplers.normal(key, extendedShape(sampleShape)); // [..., d]
    return scaleTril.matmul(eps.unsqueeze(-1)).squeeze(-1).add(loc);
  }

  /** {@code sum log diag L}: half the log-determinant of the covariance, shape {@code batch}. */
  private Tensor halfLogDet() {
    return scaleTril.diagonal().log().sum(-1);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    Tensor diff = value.sub(loc).unsqueeze(-1); // [..., d, 1]
    Tensor z = scaleTril.triangularSolve(diff, true).squeeze(-1); // L^-1 (x - mu)
    return z.square().sum(-1).mul(-0.5).sub(halfLogDet()).sub(dim() * Normal.HALF_LOG_2PI);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch.concat(eventShape()));
  }

  @Override
  public Tensor variance() {
    return scaleTril.square().sum(-1).broadcastTo(batch.concat(eventShape()));
  }

  @Override
  public Tensor entropy() {
    return halfLogDet().add(dim() * (0.5 + Normal.HALF_LOG_2PI)).broadcastTo(batch);
  }
}
