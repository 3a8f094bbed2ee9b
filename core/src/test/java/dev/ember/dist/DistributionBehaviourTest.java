// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reparameterized gradients, KL divergences, wrappers and error messages. */
class DistributionBehaviourTest {

  /**
   * Implicit reparameterization: E[dz/da] = d E[z] / da = 1 / rate for z ~ Gamma(a, rate). Over
   * n = 20 000 draws the sample mean of dz/da has standard error sd(dz/da) / sqrt(n), estimated
   * from the same draws; the check allows 5 of those.
   */
  @Test
  void normalLogProbSumIsTheSumOfLogProbForValuesWithASampleShape() {
    Normal d = Normal.of(Tensor.of(0.3, -1.2, 2.0), Tensor.of(0.5, 1.5, 0.8)); // batch [3]
    Tensor value = Normal.standard().sample(RngKey.of(4), Shape.of(5, 3));      // [5, 3]
    assertEquals(d.logProb(value).sum().item(), d.logProbSum(value).item(), 0.0);
    Normal shared = Normal.of(Tensor.of(0.3, -1.2, 2.0), Tensor.scalar(0.7));
    assertEquals(shared.logProb(value).sum().item(), shared.logProbSum(value).item(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> d.logProbSum(Tensor.zeros(5, 4)));
  }

  @Test
  void gammaRsampleGradientMatchesTheGradientOfTheMean() {
    for (double a : new double[] {0.3, 1.0, 4.0}) {
      double rate = 2.0;
      int n = 20_000;
      Tensor grads =
          Autodiff.grad(
              conc -> Gamma.of(conc.broadcastTo(n), Tensor.scalar(rate))
                  .rsample(RngKey.of(11), Shape.SCALAR)
                  .sum(),
              Tensor.scalar(a)); // sum over draws of dz_i/da
      Tensor perDraw =
          Autodiff.grad(
              conc -> Gamma.of(conc, Tensor.scalar(rate)).rsample(RngKey.of(11), Shape.SCALAR).sum(),
              Tensor.full(a, n));
      double mean = grads.item() / n;
      double[] d = perDraw.toArray();
      double m = 0;
      double s2 = 0;
      for (double v : d) {
        m += v;
      }
      m /= n;
      for (double v : d) {
        s2 += (v - m) * (v - m);
      }
      double se = Math.sqrt(s2 / (n - 1) / n);
      assertEquals(m, mean, 1e-9 * Math.max(1, Math.abs(m)), "broadcast and per-draw agree");
      assertEquals(1.0 / rate, mean, 5 * se, "a = " + a);
    }
  }

  /** d E[x] / da for x ~ Beta(a, b) is b / (a + b)^2; checked the same way. */
  @Test
  void betaRsampleGradientMatchesTheGradientOfTheMean() {
    double a = 2.0;
    double b = 3.0;
    int n = 20_000;
    Tensor perDraw =
        Autodiff.grad(
            conc -> Beta.of(conc, Tensor.scalar(b)).rsample(RngKey.of(12), Shape.SCALAR).sum(),
            Tensor.full(a, n));
    double[] d = perDraw.toArray();
    double m = 0;
    for (double v : d) {
      m += v;
    }
    m /= n;
    double s2 = 0;
    for (double v : d) {
      s2 += (v - m) * (v - m);
    }
    double se = Math.sqrt(s2 / (n - 1) / n);
    assertEquals(b / ((a + b) * (a + b)), m, 5 * se);
  }

  /** d E[x_0] / d a_0 = (a0 - a_0) / a0^2 for x ~ Dirichlet(a); checked as above. */
  @Test
  void dirichletRsampleGradientMatchesTheGradientOfTheMean() {
    int n = 20_000;
    Tensor rest = Tensor.of(1.0, 2.0).broadcastTo(n, 2);
    Tensor perDraw =
        Autodiff.grad(
            a -> Dirichlet.of(Tensor.concat(1, a.unsqueeze(1), rest))
                .rsample(RngKey.of(14), Shape.SCALAR).select(1, 0).sum(),
            Tensor.full(1.5, n));
    double[] d = perDraw.toArray();
    double m = java.util.Arrays.stream(d).average().orElseThrow();
    double s2 = java.util.Arrays.stream(d).map(v -> (v - m) * (v - m)).sum() / (n - 1);
    double a0 = 4.5;
    assertEquals((a0 - 1.5) / (a0 * a0), m, 5 * Math.sqrt(s2 / n));
  }

  @Test
  void transformedNormalIsLogNormal() {
    Distribution viaTransform =
        new TransformedDistribution(
            Normal.of(Tensor.scalar(0.2), Tensor.scalar(0.8)),
            List.of(new dev.ember.dist.transforms.ExpTransform()));
    LogNormal direct = LogNormal.of(Tensor.scalar(0.2), Tensor.scalar(0.8));
    Tensor x = Tensor.of(0.1, 1.0, 5.0);
    assertTrue(viaTransform.logProb(x).allClose(direct.logProb(x), 1e-14, 1e-14));
    assertTrue(viaTransform.sample(RngKey.of(1), Shape.of(4))
        .allClose(direct.sample(RngKey.of(1), Shape.of(4)), 1e-15, 0));
    assertEquals(Double.NEGATIVE_INFINITY, viaTransform.logProb(Tensor.of(-1.0)).item());
  }

  @Test
  void normalRsampleIsDifferentiable() {
    // x = loc + scale * eps: dx/dloc = 1, dx/dscale = eps
    Tensor eps = Normal.standard().sample(RngKey.of(3), Shape.of(4));
    Tensor g =
        Autodiff.grad(
            s -> Normal.of(Tensor.scalar(1.0), s).rsample(RngKey.of(3), Shape.of(4)).sum(),
            Tensor.scalar(2.0));
    assertEquals(eps.sum().item(), g.item(), 1e-12);
  }

  /**
   * KL closed forms against Monte Carlo: mean of log p(x) - log q(x) over n = 40 000 draws x ~ p,
   * within 5 standard errors; and KL(p || p) = 0.
   */
  @Test
  void klClosedFormsMatchMonteCarlo() {
    List<Distribution[]> pairs =
        List.of(
            new Distribution[] {Normal.of(0.3, 1.2), Normal.of(-1.0, 2.0)},
            new Distribution[] {Gamma.of(2.0, 3.0), Gamma.of(1.5, 1.0)},
            new Distribution[] {Beta.of(2.0, 5.0), Beta.of(1.0, 1.5)},
            new Distribution[] {Exponential.of(Tensor.scalar(2.0)), Exponential.of(Tensor.scalar(0.5))},
            new Distribution[] {Bernoulli.ofProbs(Tensor.scalar(0.3)), Bernoulli.ofLogits(Tensor.scalar(1.0))},
            new Distribution[] {Categorical.ofProbs(Tensor.of(0.2, 0.3, 0.5)), Categorical.ofLogits(Tensor.of(0.0, 1.0, -1.0))},
            new Distribution[] {
              MultivariateNormal.ofCovariance(Tensor.of(0.0, 1.0), Tensor.of(new double[][] {{2, 0.5}, {0.5, 1}})),
              MultivariateNormal.ofCovariance(Tensor.of(1.0, 0.0), Tensor.of(new double[][] {{1, -0.3}, {-0.3, 3}}))
            },
            new Distribution[] {Dirichlet.of(Tensor.of(2.0, 0.7, 3.0)), Dirichlet.of(Tensor.of(1.0, 1.0, 1.5))},
            new Distribution[] {
              LowRankMultivariateNormal.of(Tensor.of(0.0, 1.0, 0.5),
                  Tensor.of(new double[][] {{1.0}, {0.5}, {-0.5}}), Tensor.of(0.5, 1.0, 0.8)),
              MultivariateNormal.ofCovariance(Tensor.zeros(3), Tensor.eye(3).mul(2.0))
            },
            new Distribution[] {
              Normal.of(Tensor.of(0.0, 1.0), Tensor.of(1.0, 0.5)).toEvent(1),
              Normal.of(Tensor.of(0.5, 0.0), Tensor.of(2.0, 1.0)).toEvent(1)
            });
    int n = 40_000;
    for (Distribution[] pq : pairs) {
      Distribution p = pq[0];
      Distribution q = pq[1];
      Tensor x = p.sample(RngKey.of(13), Shape.of(n));
      double[] diff = p.logProb(x).sub(q.logProb(x)).toArray();
      double m = 0;
      for (double v : diff) {
        m += v;
      }
      m /= n;
      double s2 = 0;
      for (double v : diff) {
        s2 += (v - m) * (v - m);
      }
      double se = Math.sqrt(s2 / (n - 1) / n);
      double kl = Kl.divergence(p, q).item();
      assertEquals(m, kl, 5 * se, p.name() + " || " + q.name());
      assertEquals(0.0, Kl.divergence(p, p).item(), 1e-12, p.name() + " || itself");
    }
  }

  @Test
  void klOfADeltaIsMinusTheLogDensityOfItsPoint() {
    Normal q = Normal.of(1.0, 2.0);
    Tensor kl = Kl.divergence(Delta.of(Tensor.scalar(0.5), 0), q);
    assertEquals(-q.logProb(Tensor.scalar(0.5)).item(), kl.item(), 0.0);
  }

  @Test
  void missingKlPairsListTheRegisteredOnes() {
    UnsupportedOperationException e =
        assertThrows(
            UnsupportedOperationException.class,
            () -> Kl.divergence(Normal.of(0, 1), Gamma.of(1, 1)));
    assertTrue(e.getMessage().startsWith("Kl: no closed form for KL(Normal || Gamma); registered pairs: Normal/Normal, Independent/Independent"), e.getMessage());
  }

  @Test
  void aMaskedSampleIsValidatedWhereTheMaskKeepsIt() {
    // Exponential(1) on [3]; -2 is outside its support: named where the mask keeps it (an
    // all-true mask as booleans, as a view of one value, and over a [2, 3] batch), ignored where
    // the mask drops it
    Exponential d = Exponential.of(Tensor.ones(3));
    Tensor bad = Tensor.of(1, -2, 3);
    for (Tensor all : new Tensor[] {Tensor.ofBooleans(true, true, true),
        Tensor.fullBoolean(true, 3), Tensor.fullBoolean(true, 2, 3)}) {
      Tensor value = all.rank() == 2 ? Tensor.of(new double[] {1, 2, 3, 1, -2, 3}, Shape.of(2, 3))
          : bad;
      assertEquals("Exponential: value -2.0 at position " + (all.rank() == 2 ? 4 : 1)
          + " of a value of shape " + value.shape() + " is outside the support nonnegative",
          assertThrows(IllegalArgumentException.class,
              () -> d.mask(all).validateSample(value)).getMessage());
    }
    d.mask(Tensor.ofBooleans(true, false, true)).validateSample(bad);
    assertThrows(IllegalArgumentException.class,
        () -> d.mask(Tensor.ofBooleans(false, true, true)).validateSample(bad));
  }

  @Test
  void maskedLogProbIsZeroWhereMaskedAndKeepsGradientsFinite() {
    Tensor value = Tensor.of(0.2, Double.NaN, -1.0); // the NaN is padding
    Tensor mask = Tensor.ofBooleans(true, false, true);
    Tensor lp = Normal.of(Tensor.zeros(3), Tensor.ones(3)).mask(mask).logProb(value);
    assertEquals(0.0, lp.get(1), 0.0);
    assertEquals(Normal.standard().logProb(Tensor.scalar(0.2)).item(), lp.get(0), 0.0);
    Tensor g =
        Autodiff.grad(
            loc -> Normal.of(loc, Tensor.ones(3)).mask(mask).logProb(value).sum(), Tensor.zeros(3));
    assertArrayEquals(new double[] {0.2, 0.0, -1.0}, g.toArray(), 1e-15);
    Tensor none = Normal.standard().mask(Tensor.fullBoolean(false)).logProb(Tensor.of(1.0, 2.0));
    assertArrayEquals(new double[] {0, 0}, none.toArray(), 0.0);
  }

  @Test
  void aMaskWithNothingMaskedOutScoresAsTheBaseDoes() {
    // all true (a [3] mask, and a [2, 3] one over a [3] base): the base's values and gradients,
    // bit for bit, in the broadcast shape; a NaN value stays NaN, as unmasked
    Tensor value = Tensor.of(0.2, 1.5, -1.0);
    Tensor loc = Tensor.of(0.1, -0.3, 0.4);
    for (Tensor mask : new Tensor[] {Tensor.ofBooleans(true, true, true),
        Tensor.fullBoolean(true, 2, 3)}) {
      Tensor masked = Normal.of(loc, Tensor.ones(3)).mask(mask).logProb(value);
      Tensor base = Normal.of(loc, Tensor.ones(3)).expand(mask.shape()).logProb(value);
      assertEquals(mask.shape(), masked.shape());
      assertArrayEquals(base.toArray(), masked.toArray(), 0.0);
      Tensor gm = Autodiff.grad(l -> Normal.of(l, Tensor.ones(3)).mask(mask).logProb(value).sum(),
          loc);
      Tensor gb = Autodiff.grad(l -> Normal.of(l, Tensor.ones(3)).expand(mask.shape())
          .logProb(value).sum(), loc);
      assertArrayEquals(gb.toArray(), gm.toArray(), 0.0);
    }
    Tensor nan = Normal.standard().mask(Tensor.ofBooleans(true, true))
        .logProb(Tensor.of(Double.NaN, 0.0));
    assertTrue(Double.isNaN(nan.get(0)));
  }

  @Test
  void outOfSupportValuesGiveMinusInfinityWithoutNanGradients() {
    Tensor value = Tensor.of(-1.0, 2.0);
    Tensor g =
        Autodiff.grad(
            rate -> Gamma.of(Tensor.scalar(2.0), rate).logProb(value).sum(), Tensor.scalar(1.0));
    assertTrue(Double.isFinite(g.item()));
    // d/db [2 log b - b x] at x = 2, b = 1: 2 - 2 = 0 from the valid element only
    assertEquals(0.0, g.item(), 1e-15);
  }

  @Test
  void invalidParametersNameTheDistributionParameterAndValue() {
    assertEquals(
        "Normal: scale must be positive and finite, but got -1.0",
        assertThrows(IllegalArgumentException.class, () -> Normal.of(0, -1)).getMessage());
    assertEquals(
        "Gamma: concentration must be positive and finite, but got 0.0 at position 1",
        assertThrows(IllegalArgumentException.class,
            () -> Gamma.of(Tensor.of(1, 0), Tensor.scalar(1))).getMessage());
    assertEquals(
        "Normal: loc must be finite, but got NaN at position 2",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.of(Tensor.of(0, 1, Double.NaN), Tensor.ones(3))).getMessage());
    assertEquals(
        "Normal: scale must be positive and finite, but got Infinity at position 1",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.of(Tensor.zeros(2), Tensor.of(1, Double.POSITIVE_INFINITY))).getMessage());
    assertEquals(
        "Normal: scale must be positive and finite, but got NaN",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.of(Tensor.scalar(0), Tensor.scalar(Double.NaN))).getMessage());
    assertEquals(
        "Bernoulli: probs must be in [0, 1], but got 1.2",
        assertThrows(IllegalArgumentException.class,
            () -> Bernoulli.ofProbs(Tensor.scalar(1.2))).getMessage());
    assertEquals(
        "Normal: parameter scale of shape [3] does not broadcast with the other parameters' shape [2]",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.of(Tensor.zeros(2), Tensor.ones(3))).getMessage());
    assertEquals(
        "Normal: a value of shape [3] does not match batch shape [2] and event shape [] "
            + "(expected sampleShape + batchShape + eventShape)",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.of(Tensor.zeros(2), Tensor.ones(2)).logProb(Tensor.zeros(3))).getMessage());
    assertEquals(
        "Exponential: value -2.0 at position 1 of a value of shape [2] is outside the support nonnegative",
        assertThrows(IllegalArgumentException.class,
            () -> Exponential.of(Tensor.scalar(1)).validateSample(Tensor.of(1, -2))).getMessage());
    assertEquals(
        "mask: Normal needs a boolean mask (a comparison or Tensor.ofBooleans), but got dtype FLOAT64 of shape [2]",
        assertThrows(IllegalArgumentException.class,
            () -> Normal.standard().mask(Tensor.of(1, 0))).getMessage());
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class,
            () -> Poisson.of(Tensor.scalar(1)).rsample(RngKey.of(0), Shape.SCALAR));
    assertTrue(e.getMessage().startsWith("Poisson has no reparameterized sampler"));
    assertFalse(Poisson.of(Tensor.scalar(1)).hasRsample());
  }

  @Test
  void deltaAndUnit() {
    Delta d = Delta.of(Tensor.of(1.0, 2.0), 1);
    assertEquals(Shape.of(2), d.eventShape());
    assertEquals(0.0, d.logProb(Tensor.of(1.0, 2.0)).item(), 0.0);
    assertEquals(Double.NEGATIVE_INFINITY, d.logProb(Tensor.of(1.0, 2.5)).item(), 0.0);
    assertEquals(Shape.of(3, 2), d.sample(RngKey.of(0), Shape.of(3)).shape());
    Unit u = Unit.of(Tensor.of(-1.5, 0.5));
    Tensor v = u.sample(RngKey.of(0), Shape.SCALAR);
    assertEquals(Shape.of(2, 0), v.shape());
    assertArrayEquals(new double[] {-1.5, 0.5}, u.logProb(v).toArray(), 0.0);
  }

  @Test
  void independentSumsTheReinterpretedDimensions() {
    Normal base = Normal.of(Tensor.zeros(2, 3), Tensor.ones(2, 3));
    Distribution d = base.toEvent(2);
    Tensor x = Tensor.arange(6).reshape(2, 3);
    assertEquals(base.logProb(x).sum().item(), d.logProb(x).item(), 1e-14);
    assertEquals(base.entropy().sum().item(), d.entropy().item(), 1e-14);
    assertEquals(Shape.of(2, 3), d.eventShape());
    Map<String, Tensor> p = d.params();
    assertEquals(Shape.of(2, 3), p.get("loc").shape());
  }
}
