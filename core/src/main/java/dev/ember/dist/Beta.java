// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.constraints.Constraints;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The beta distribution on {@code [0, 1]}; reparameterized as {@code X / (X + Y)} with implicitly
 * reparameterized {@code X ~ Gamma(a)}, {@code Y ~ Gamma(b)}.
 *
 * <pre>{@code
 * Beta.of(Tensor.scalar(2.0), Tensor.scalar(6.0)).mean(); // 0.25
 * }</pre>
 */
public final class Beta extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor alpha;
  private final Tensor beta;
  private final Shape batch;

  private Beta(Tensor alpha, Tensor beta) {
    ParamChecks.positive("Beta", "concentration1", alpha);
    ParamChecks.positive("Beta", "concentration0", beta);
    this.batch =
        ParamChecks.batchOf("Beta", new String[] {"concentration1", "concentration0"}, alpha, beta);
    this.alpha = alpha;
    this.beta = beta;
  }

  /** {@code Beta(concentration1, concentration0)}, NumPyro's argument names. */
  public static Beta of(Tensor concentration1, Tensor concentration0) {
    return new Beta(concentration1, concentration0);
  }

  /** A scalar beta. */
  public static Beta of(double concentration1, double concentration0) {
    return new Beta(Tensor.scalar(concentration1), Tensor.scalar(concentration0));
  }

  @Override
  public Shape batchShape() {
    return batch;
  }

  @Override
  public Shape eventShape() {
    return Shape.SCALAR;
  }

  @Override
  public Constraint support() {
    return Constraints.unitInterval();
  }

  @Override
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("concentration1", alpha.broadcastTo(batch));
    m.put("concentration0", beta.broadcastTo(batch));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("concentration1"), p.get("concentration0"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape s = extendedShape(sampleShape);
    Tensor x = ImplicitGamma.rsample(k[0], alpha, s);
    Tensor y = ImplicitGamma.rsample(k[1], beta, s);
    return x.div(x.add(y));
  }

  /** {@code log B(a, b) = log Gamma(a) + log Gamma(b) - log Gamma(a + b)}. */
  static Tensor logBeta(Tensor a, Tensor b) {
    return a.logGamma().add(b.logGamma()).sub(a.add(b).logGamma());
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    return alpha
        .sub(1.0)
        .mul(value.log())
        .add(beta.sub(1.0).mul(value.neg().log1p()))
        .sub(logBeta(alpha, beta));
  }

  @Override
  public Tensor mean() {
    return alpha.div(alpha.add(beta)).broadcastTo(batch);
  }

  @Override
  public Tensor variance() {
    Tensor s = alpha.add(beta);
    return alpha.mul(beta).div(s.square().mul(s.add(1.0))).broadcastTo(batch);
  }

  @Override
  public Tensor entropy() {
    Tensor s = alpha.add(beta);
    return logBeta(alpha, beta)
        .sub(alpha.sub(1.0).mul(alpha.digamma()))
        .sub(beta.sub(1.0).mul(beta.digamma()))
        .add(s.sub(2.0).mul(s.digamma()))
        .broadcastTo(batch);
  }
}
