// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Closed-form Kullback–Leibler divergences {@code KL(p || q)}, looked up by the pair of families.
 *
 * <pre>{@code
 * Tensor kl = Kl.divergence(Normal.of(0.0, 1.0), Normal.of(1.0, 2.0));
 * // log 2 + (1 + 1) / 8 - 1/2
 * }</pre>
 *
 * <p>Registered pairs: Normal/Normal, Independent/Independent (same reinterpreted dimensions),
 * MultivariateNormal/MultivariateNormal, LowRankMultivariateNormal/(LowRank)MultivariateNormal,
 * Gamma/Gamma, Beta/Beta, Dirichlet/Dirichlet, Exponential/Exponential, Bernoulli/Bernoulli,
 * Categorical/Categorical, and Delta/any (the point's {@code log density
 * - log q}). A missing pair throws an error listing the registered ones.
 *
 * <p>References: Penny, "KL-divergences of Normal, Gamma, Dirichlet and Wishart densities"
 * (2001); the Beta formula from the entropy of the exponential family (Gupta and Nadarajah,
 * <i>Handbook of Beta Distribution</i>, 2004).
 */
public final class Kl {
  private Kl() {}

  private record Pair(Class<?> p, Class<?> q) {}

  private static final Map<Pair, BiFunction<Distribution, Distribution, Tensor>> RULES =
      new LinkedHashMap<>();

  private static <P extends Distribution, Q extends Distribution> void register(
      Class<P> p, Class<Q> q, BiFunction<P, Q, Tensor> rule) {
    RULES.put(new Pair(p, q), (a, b) -> rule.apply(p.cast(a), q.cast(b)));
  }

  static {
    register(Normal.class, Normal.class, Kl::normal);
    register(Independent.class, Independent.class, Kl::independent);
    register(MultivariateNormal.class, MultivariateNormal.class, Kl::multivariateNormal);
    register(Gamma.class, Gamma.class, Kl::gamma);
    register(Beta.class, Beta.class, Kl::beta);
    register(Exponential.class, Exponential.class, Kl::exponential);
    register(Bernoulli.class, Bernoulli.class, Kl::bernoulli);
    register(Categorical.class, Categorical.class, Kl::categorical);
    register(Dirichlet.class, Dirichlet.class, Kl::dirichlet);
    register(LowRankMultivariateNormal.class, MultivariateNormal.class,
        (p, q) -> multivariateNormal(p.toMultivariateNormal(), q));
    register(LowRankMultivariateNormal.class, LowRankMultivariateNormal.class,
        (p, q) -> multivariateNormal(p.toMultivariateNormal(), q.toMultivariateNormal()));
  }

  /** Whether a closed form is registered for this pair (Delta on the left always is). */
  public static boolean hasClosedForm(Distribution p, Distribution q) {
    return p instanceof Delta || RULES.containsKey(new Pair(p.getClass(), q.getClass()));
  }

  /**
   * {@code KL(p || q)}, of the broadcast batch shape.
   *
   * @throws UnsupportedOperationException when no closed form is registered for the pair
   */
  public static Tensor divergence(Distribution p, Distribution q) {
    if (p instanceof Delta d) {
      return d.params().get("logDensity").sub(q.logProb(d.value()));
    }
    BiFunction<Distribution, Distribution, Tensor> rule =
        RULES.get(new Pair(p.getClass(), q.getClass()));
    if (rule == null) {
      List<String> pairs = new ArrayList<>();
      for (Pair k : RULES.keySet()) {
        pairs.add(k.p().getSimpleName() + "/" + k.q().getSimpleName());
      }
      pairs.add("Delta/any");
      throw new UnsupportedOperationException(
          "Kl: no closed form for KL(" + p.name() + " || " + q.name() + "); registered pairs: "
              + String.join(", ", pairs));
    }
    return rule.apply(p, q);
  }

  private static Tensor normal(Normal p, Normal q) {
    Tensor ratio = p.scale().div(q.scale());
    Tensor t = p.loc().sub(q.loc()).div(q.scale());
    return ratio.square().add(t.square()).sub(1.0).mul(0.5).sub(ratio.log());
  }

  private static Tensor independent(Independent p, Independent q) {
    if (p.reinterpreted() != q.reinterpreted()) {
      throw new UnsupportedOperationException(
          "Kl: " + p.name() + " and " + q.name() + " reinterpret different numbers of dimensions");
    }
    return Independent.sumRightmost(divergence(p.base(), q.base()), p.reinterpreted());
  }

  private static Tensor multivariateNormal(MultivariateNormal p, MultivariateNormal q) {
    int d = p.loc().dim(-1);
    Tensor m = q.scaleTril().triangularSolve(p.scaleTril(), true); // Lq^-1 Lp
    Tensor z = q.scaleTril().triangularSolve(q.loc().sub(p.loc()).unsqueeze(-1), true).squeeze(-1);
    Tensor halfLogDetQ = q.scaleTril().diagonal().log().sum(-1);
    Tensor halfLogDetP = p.scaleTril().diagonal().log().sum(-1);
    return m.square().sum(-1).sum(-1).add(z.square().sum(-1)).sub(d).mul(0.5)
        .add(halfLogDetQ).sub(halfLogDetP);
  }

  private static Tensor gamma(Gamma p, Gamma q) {
    Tensor a1 = p.concentration();
    Tensor b1 = p.rate();
    Tensor a2 = q.concentration();
    Tensor b2 = q.rate();
    return a1.sub(a2).mul(a1.digamma())
        .sub(a1.logGamma())
        .add(a2.logGamma())
        .add(a2.mul(b1.log().sub(b2.log())))
        .add(a1.mul(b2.sub(b1)).div(b1));
  }

  private static Tensor beta(Beta p, Beta q) {
    Tensor a1 = p.params().get("concentration1");
    Tensor b1 = p.params().get("concentration0");
    Tensor a2 = q.params().get("concentration1");
    Tensor b2 = q.params().get("concentration0");
    return Beta.logBeta(a2, b2).sub(Beta.logBeta(a1, b1))
        .add(a1.sub(a2).mul(a1.digamma()))
        .add(b1.sub(b2).mul(b1.digamma()))
        .add(a2.sub(a1).add(b2).sub(b1).mul(a1.add(b1).digamma()));
  }

  private static Tensor dirichlet(Dirichlet p, Dirichlet q) {
    Tensor a = p.concentration();
    Tensor b = q.concentration();
    Tensor a0 = a.sum(-1);
    // log Gamma(a0) - sum log Gamma(a) - log Gamma(b0) + sum log Gamma(b)
    //   + sum (a - b)(psi(a) - psi(a0))
    return a0.logGamma().sub(a.logGamma().sum(-1))
        .sub(b.sum(-1).logGamma()).add(b.logGamma().sum(-1))
        .add(a.sub(b).mul(a.digamma().sub(a0.digamma().unsqueeze(-1))).sum(-1));
  }

  private static Tensor exponential(Exponential p, Exponential q) {
    Tensor r = q.rate().div(p.rate());
    return r.sub(r.log()).sub(1.0);
  }

  private static Tensor bernoulli(Bernoulli p, Bernoulli q) {
    Tensor a = p.probs();
    Tensor b = q.probs();
    Tensor zero = Tensor.scalar(0.0);
    Tensor one = Tensor.where(a.gt(0.0), a.mul(a.clamp(Double.MIN_NORMAL, 1).log().sub(b.log())), zero);
    Tensor na = a.rsub(1.0);
    Tensor two = Tensor.where(na.gt(0.0),
        na.mul(na.clamp(Double.MIN_NORMAL, 1).log().sub(b.neg().log1p())), zero);
    return one.add(two);
  }

  private static Tensor categorical(Categorical p, Categorical q) {
    Tensor pp = p.logits().exp();
    return Tensor.where(pp.gt(0.0), pp.mul(p.logits().sub(q.logits())), Tensor.scalar(0.0)).sum(-1);
  }
}
