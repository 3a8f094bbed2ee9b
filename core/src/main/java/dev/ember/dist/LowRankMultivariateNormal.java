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
 * A multivariate normal with covariance {@code W W^T + diag(D)} for a {@code d x r} factor
 * {@code W} of low rank {@code r}: {@code O(d r^2)} to score instead of {@code O(d^3)}.
 *
 * <p>Scoring uses the Woodbury identity with the capacitance {@code C = I + W^T D^-1 W}: {@code
 * log det = log det C + sum log D} and {@code x^T S^-1 x = x^T D^-1 x - u^T C^-1 u} with {@code u
 * = W^T D^-1 x}. Reparameterized as {@code loc + W e1 + sqrt(D) e2}.
 *
 * <pre>{@code
 * LowRankMultivariateNormal m = LowRankMultivariateNormal.of(
 *     Tensor.zeros(3), Tensor.ones(3, 1), Tensor.ones(3)); // covariance 1 1^T + I
 * }</pre>
 */
public final class LowRankMultivariateNormal extends Distribution {
  private static final long serialVersionUID = 1L;
  private final Tensor loc; // [..., d]
  private final Tensor covFactor; // [..., d, r]
  private final Tensor covDiag; // [..., d]
  private final Shape batch;

  private LowRankMultivariateNormal(Tensor loc, Tensor covFactor, Tensor covDiag) {
    if (loc.rank() < 1 || covFactor.rank() < 2 || covDiag.rank() < 1
        || covFactor.dim(-2) != loc.dim(-1) || covDiag.dim(-1) != loc.dim(-1)) {
      throw new IllegalArgumentException(
          "LowRankMultivariateNormal: need loc [..., d], covFactor [..., d, r] and covDiag "
              + "[..., d], got " + loc.shape() + ", " + covFactor.shape() + ", " + covDiag.shape());
    }
    ParamChecks.finite("LowRankMultivariateNormal", "loc", loc);
    ParamChecks.finite("LowRankMultivariateNormal", "covFactor", covFactor);
    ParamChecks.positive("LowRankMultivariateNormal", "covDiag", covDiag);
    Shape b = Shape.broadcast(loc.shape().sub(0, loc.rank() - 1),
        covFactor.shape().sub(0, covFactor.rank() - 2), "LowRankMultivariateNormal");
    this.batch = Shape.broadcast(b, covDiag.shape().sub(0, covDiag.rank() - 1),
        "LowRankMultivariateNormal");
    this.loc = loc;
    this.covFactor = covFactor;
    this.covDiag = covDiag;
  }

  /** {@code N(loc, covFactor covFactor^T + diag(covDiag))}. */
  public static LowRankMultivariateNormal of(Tensor loc, Tensor covFactor, Tensor covDiag) {
    return new LowRankMultivariateNormal(loc, covFactor, covDiag);
  }

  /** The full covariance {@code W W^T + diag(D)}. */
  public Tensor covariance() {
    return covFactor.matmul(covFactor.transpose()).add(covDiag.diagEmbed());
  }

  /** The equivalent full-rank distribution. */
  public MultivariateNormal toMultivariateNormal() {
    return MultivariateNormal.ofCovariance(loc, covariance());
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
    m.put("covFactor", covFactor.broadcastTo(batch.concat(Shape.of(dim(), covFactor.dim(-1)))));
    m.put("covDiag", covDiag.broadcastTo(batch.concat(Shape.of(dim()))));
    return m;
  }

  @Override
  public Distribution withParams(Map<String, Tensor> p) {
    return of(p.get("loc"), p.get("covFactor"), p.get("covDiag"));
  }

  @Override
  public boolean hasRsample() {
    return true;
  }

  @Override
  public Tensor rsample(RngKey key, Shape sampleShape) {
    RngKey[] k = key.split(2);
    Shape lead = sampleShape.concat(batch);
    Tensor e1 = Samplers.normal(k[0], lead.concat(Shape.of(covFactor.dim(-1)))); // [..., r]
    Tensor e2 = Samplers.normal(k[1], lead.concat(Shape.of(dim()))); // [..., d]
    return covFactor.matmul(e1.unsqueeze(-1)).squeeze(-1).add(covDiag.sqrt().mul(e2)).add(loc);
  }

  @Override
  protected Tensor logDensity(Tensor value) {
    int r = covFactor.dim(-1);
    Tensor wOverD = covFactor.div(covDiag.unsqueeze(-1)); // D^-1 W, [..., d, r]
    Tensor capacitance = covFactor.transpose().matmul(wOverD).add(Tensor.eye(r)); // [..., r, r]
    Tensor lc = capacitance.cholesky();
    Tensor diff = value.sub(loc); // [..., d]
    Tensor u = diff.unsqueeze(-2).matmul(wOverD).squeeze(-2); // W^T D^-1 x, [..., r]
    Tensor z = lc.triangularSolve(u.unsqueeze(-1), true).squeeze(-1); // L_C^-1 u
    Tensor mahalanobis = diff.square().div(covDiag).sum(-1).sub(z.square().sum(-1));
    Tensor logDet = lc.diagonal().log().sum(-1).mul(2.0).add(covDiag.log().sum(-1));
    return mahalanobis.add(logDet).mul(-0.5).sub(dim() * Normal.HALF_LOG_2PI);
  }

  @Override
  public Tensor mean() {
    return loc.broadcastTo(batch.concat(eventShape()));
  }

  @Override
  public Tensor variance() {
    return covFactor.square().sum(-1).add(covDiag).broadcastTo(batch.concat(eventShape()));
  }
}
