// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.data.ReferenceFile;
import dev.ember.dist.Bernoulli;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The ELBO estimators against closed forms (reference values: {@code python3
 * tools/reference/inference_reference.py}, section nn: mu ~ N(m0, s0), y_i ~ N(mu, s), q = N(0.7,
 * 0.4)).
 */
@SuppressWarnings("try") // plates are entered for their effect
class TraceElboTest {
  static final ReferenceFile REF = ReferenceFile.load("/reference/inference-reference.txt");
  static final Tensor Y = Tensor.of(REF.vector("nn.y"));
  static final double M0 = REF.scalar("nn.m0");
  static final double S0 = REF.scalar("nn.s0");
  static final double S = REF.scalar("nn.s");

  static final Model<Tensor> MODEL = y -> {
    Tensor mu = sample("mu", Normal.of(M0, S0));
    try (Plate p = plate("data", y.dim(0))) {
      sample("y", Normal.of(mu, Tensor.scalar(S)), y);
    }
  };

  static Model<Tensor> guide(double loc, double scale) {
    return y -> sample("mu", Normal.of(loc, scale));
  }

  /** Independent single-particle losses at split keys: their mean and standard error. */
  static double[] meanAndStandardError(Elbo elbo, Model<Tensor> model, Model<Tensor> guide, int n) {
    RngKey[] keys = RngKey.of(7).split(n);
    double sum = 0;
    double sumSq = 0;
    for (RngKey k : keys) {
      double l = elbo.estimate(model, guide, Y, k).value();
      sum += l;
      sumSq += l * l;
    }
    double mean = sum / n;
    double var = (sumSq - n * mean * mean) / (n - 1);
    return new double[] {mean, Math.sqrt(var / n)};
  }

  @Test
  void monteCarloElboMatchesTheClosedFormWithinItsStandardError() {
    double[] ms = meanAndStandardError(new TraceElbo(), MODEL,
        guide(REF.scalar("nn.q.loc"), REF.scalar("nn.q.scale")), 4000);
    double exact = -REF.scalar("nn.q.elbo");
    assertTrue(Math.abs(ms[0] - exact) < 4 * ms[1],
        "mean " + ms[0] + " vs exact " + exact + " (se " + ms[1] + ")");
    assertTrue(ms[1] < 0.05, "the estimate is informative: se " + ms[1]);
  }

  @Test
  void particlesAverageIndependentEstimates() {
    Model<Tensor> g = guide(0.7, 0.4);
    RngKey key = RngKey.of(3);
    double four = new TraceElbo(4).estimate(MODEL, g, Y, key).value();
    double sum = 0;
    for (RngKey k : key.split(4)) {
      sum += new TraceElbo(1).estimate(MODEL, g, Y, k).value();
    }
    assertEquals(sum / 4, four, 1e-12);
  }

  @Test
  void meanFieldElboUsesTheExactKl() {
    Model<Tensor> g = guide(REF.scalar("nn.q.loc"), REF.scalar("nn.q.scale"));
    RngKey key = RngKey.of(11);
    ElboEstimate mf = new TraceMeanFieldElbo().estimate(MODEL, g, Y, key);
    assertEquals(-REF.scalar("nn.q.klPrior"), mf.modelTerms().get("mu").item(), 1e-12);
    assertTrue(!mf.guideTerms().containsKey("mu"), "the KL replaces log q of mu");
    // The remaining term is the likelihood at the guide's draw, as TraceElbo computes it.
    ElboEstimate mc = new TraceElbo().estimate(MODEL, g, Y, key);
    assertEquals(mc.modelTerms().get("y").item(), mf.modelTerms().get("y").item(), 1e-12);
    assertEquals(-(mc.modelTerms().get("y").item() - REF.scalar("nn.q.klPrior")), mf.value(), 1e-12);
    double[] ms = meanAndStandardError(new TraceMeanFieldElbo(), MODEL, g, 2000);
    assertTrue(Math.abs(ms[0] + REF.scalar("nn.q.elbo")) < 4 * ms[1]);
  }

  @Test
  void annealedLossIsTheLikelihoodPlusBetaTimesKl() {
    double beta = REF.scalar("nn.beta");
    Model<Tensor> g = guide(REF.scalar("nn.q.loc"), REF.scalar("nn.q.scale"));
    Annealing.Annealed<Tensor> a = Annealing.scaleLatents(MODEL, g, Set.of("mu"), beta);
    RngKey key = RngKey.of(5);
    ElboEstimate mf = new TraceMeanFieldElbo().estimate(a.model(), a.guide(), Y, key);
    assertEquals(-beta * REF.scalar("nn.q.klPrior"), mf.modelTerms().get("mu").item(), 1e-12);
    ElboEstimate plain = new TraceMeanFieldElbo().estimate(MODEL, g, Y, key);
    assertEquals(plain.modelTerms().get("y").item(), mf.modelTerms().get("y").item(), 0.0,
        "the observed site is never scaled");
    double[] ms = meanAndStandardError(new TraceElbo(), a.model(), a.guide(), 4000);
    assertTrue(Math.abs(ms[0] + REF.scalar("nn.q.elboBeta")) < 4 * ms[1],
        ms[0] + " vs " + -REF.scalar("nn.q.elboBeta") + " se " + ms[1]);
  }

  @Test
  void annealingAnObservedSiteIsAnError() {
    Model<Tensor> g = guide(0.7, 0.4);
    Annealing.Annealed<Tensor> a = Annealing.scaleLatents(MODEL, g, Set.of("y"), 0.5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TraceElbo().estimate(a.model(), a.guide(), Y, RngKey.of(0)));
    assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("observed"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Annealing.scaleLatents(MODEL, g, Set.of("mu"), -0.1));
  }

  @Test
  void scoreFunctionGradientOfADiscreteSiteIsUnbiased() {
    // model z ~ Bernoulli(0.3); guide z ~ Bernoulli(theta): ELBO(theta) = theta log(0.3/theta)
    // + (1 - theta) log(0.7/(1 - theta)), d/dtheta = log(0.3/theta) - log(0.7/(1 - theta)).
    double theta = 0.6;
    Model<Tensor> model = d -> sample("z", Bernoulli.ofProbs(Tensor.scalar(0.3)));
    int n = 20000;
    RngKey[] keys = RngKey.of(1).split(n);
    double sum = 0;
    double sumSq = 0;
    for (RngKey k : keys) {
      double g = Autodiff.grad(t -> new TraceElbo().estimate(model,
          d -> sample("z", Bernoulli.ofProbs(t)), Tensor.scalar(0), k).loss(),
          Tensor.scalar(theta)).item();
      sum += g;
      sumSq += g * g;
    }
    double mean = sum / n;
    double se = Math.sqrt((sumSq - n * mean * mean) / (n - 1) / n);
    double exact = -(Math.log(0.3 / theta) - Math.log(0.7 / (1 - theta)));
    assertTrue(Math.abs(mean - exact) < 4 * se, mean + " vs " + exact + " se " + se);
    assertTrue(se < 0.05);
    // The surrogate's value is the plain loss.
    ElboEstimate e = new TraceElbo().estimate(model,
        d -> sample("z", Bernoulli.ofProbs(Tensor.scalar(theta))), Tensor.scalar(0), keys[0]);
    double terms = e.modelTerms().get("z").item() - e.guideTerms().get("z").item();
    assertEquals(-terms, e.value(), 1e-15);
  }

  @Test
  void aLatentModelSiteMissingFromTheGuideIsAnError() {
    Model<Tensor> model = y -> {
      sample("mu", Normal.of(0, 1));
      sample("extra", Normal.of(0, 1));
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TraceElbo().estimate(model, guide(0, 1), Y, RngKey.of(0)));
    assertTrue(e.getMessage().contains("'extra'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TraceElbo(0));
  }

  @Test
  void paramsInTheGuideCarryGradients() {
    // Mean-field loss at a fixed draw mu = loc + 0.4 eps: -(sum_i log N(y_i; mu, S) - KL(q ||
    // prior)), so d loss / d loc = -sum_i (y_i - mu) / S^2 + (loc - m0) / s0^2 (the KL between
    // Normals depends on loc through (loc - m0)^2 / (2 s0^2)).
    Model<Tensor> g = y -> sample("mu", Normal.of(param("loc", Tensor.scalar(0.7)),
        Tensor.scalar(0.4)));
    Trace tr = Handlers.trace(Handlers.seed(g, RngKey.of(0))).getTrace(Y);
    assertEquals(0.7, tr.get("loc").value().item(), 0.0);
    RngKey key = RngKey.of(2);
    double mu = new TraceMeanFieldElbo().estimate(MODEL, g, Y, key).guideTrace().get("mu").value()
        .item();
    double expected = (0.7 - M0) / (S0 * S0);
    for (double y : Y.toArray()) {
      expected -= (y - mu) / (S * S);
    }
    Tensor grad = Autodiff.grad(loc -> new TraceMeanFieldElbo()
        .estimate(MODEL, Handlers.substitute(g, Map.of("loc", loc)), Y, key).loss(),
        Tensor.scalar(0.7));
    assertEquals(expected, grad.item(), 1e-12);
  }
}
