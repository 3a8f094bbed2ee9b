// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.GradCheck;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.numbers.gamma.RegularizedGamma;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generic tests driven by a table of distributions with capability flags: shapes, log-densities
 * against mpmath reference values, log-density gradients against finite differences, sample
 * moments against the reference mean and variance, and a Kolmogorov–Smirnov test where a CDF is
 * known.
 */
class DistributionTableTest {

  /**
   * One row of the table.
   *
   * @param name the case name in the reference file
   * @param build the distribution from named parameters (so gradients can be checked)
   * @param params the parameters
   * @param cdf the CDF for a KS test, or null
   * @param discrete whether values are integers
   */
  record Case(
      String name,
      Function<Map<String, Tensor>, Distribution> build,
      Map<String, Tensor> params,
      DoubleUnaryOperator cdf,
      boolean discrete) {
    Distribution dist() {
      return build.apply(params);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<String, Tensor> p(Object... kv) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      m.put((String) kv[i], v instanceof Tensor t ? t : Tensor.scalar((Double) v));
    }
    return m;
  }

  private static double normalCdf(double z) {
    return 0.5 * Erfc.value(-z / Math.sqrt(2));
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("normal", m -> Normal.of(m.get("loc"), m.get("scale")),
        p("loc", 0.5, "scale", 1.5), x -> normalCdf((x - 0.5) / 1.5), false));
    c.add(new Case("halfNormal", m -> HalfNormal.of(m.get("scale")), p("scale", 2.0),
        x -> 2 * normalCdf(x / 2.0) - 1, false));
    c.add(new Case("exponential", m -> Exponential.of(m.get("rate")), p("rate", 1.7),
        x -> -Math.expm1(-1.7 * x), false));
    c.add(new Case("uniform", m -> Uniform.of(m.get("low"), m.get("high")),
        p("low", -1.0, "high", 3.0), x -> (x + 1) / 4, false));
    c.add(new Case("gamma", m -> Gamma.of(m.get("concentration"), m.get("rate")),
        p("concentration", 2.5, "rate", 1.5), x -> RegularizedGamma.P.value(2.5, 1.5 * x), false));
    c.add(new Case("gammaSmall", m -> Gamma.of(m.get("concentration"), m.get("rate")),
        p("concentration", 0.4, "rate", 2.0), x -> RegularizedGamma.P.value(0.4, 2.0 * x), false));
    c.add(new Case("beta", m -> Beta.of(m.get("a"), m.get("b")), p("a", 2.0, "b", 5.0),
        x -> RegularizedBeta.value(x, 2.0, 5.0), false));
    c.add(new Case("bernoulli", m -> Bernoulli.ofProbs(m.get("probs")), p("probs", 0.3), null, true));
    c.add(new Case("categorical", m -> Categorical.ofProbs(m.get("probs")),
        p("probs", Tensor.of(0.2, 0.3, 0.5)), null, true));
    c.add(new Case("poisson", m -> Poisson.of(m.get("rate")), p("rate", 3.5), null, true));
    c.add(new Case("cauchy", m -> Cauchy.of(m.get("loc"), m.get("scale")),
        p("loc", 0.5, "scale", 2.0), x -> 0.5 + Math.atan((x - 0.5) / 2.0) / Math.PI, false));
    c.add(new Case("laplace", m -> Laplace.of(m.get("loc"), m.get("scale")),
        p("loc", -0.5, "scale", 1.5), x -> {
          double z = (x + 0.5) / 1.5;
          return z < 0 ? 0.5 * Math.exp(z) : 1 - 0.5 * Math.exp(-z);
        }, false));
    c.add(new Case("logistic", m -> Logistic.of(m.get("loc"), m.get("scale")),
        p("loc", 1.0, "scale", 0.7), x -> 1 / (1 + Math.exp(-(x - 1.0) / 0.7)), false));
    c.add(new Case("studentT", m -> StudentT.of(m.get("df"), m.get("loc"), m.get("scale")),
        p("df", 9.0, "loc", 0.5, "scale", 2.0), x -> {
          double t = (x - 0.5) / 2.0;
          double tail = 0.5 * RegularizedBeta.value(9.0 / (9.0 + t * t), 4.5, 0.5);
          return t > 0 ? 1 - tail : tail;
        }, false));
    c.add(new Case("halfCauchy", m -> HalfCauchy.of(m.get("scale")), p("scale", 1.5),
        x -> 2 / Math.PI * Math.atan(x / 1.5), false));
    c.add(new Case("logNormal", m -> LogNormal.of(m.get("loc"), m.get("scale")),
        p("loc", 0.2, "scale", 0.8), x -> normalCdf((Math.log(x) - 0.2) / 0.8), false));
    c.add(new Case("inverseGamma", m -> InverseGamma.of(m.get("concentration"), m.get("rate")),
        p("concentration", 10.0, "rate", 9.0), x -> RegularizedGamma.Q.value(10.0, 9.0 / x), false));
    c.add(new Case("chi2", m -> Chi2.of(m.get("df")), p("df", 3.0),
        x -> RegularizedGamma.P.value(1.5, x / 2), false));
    c.add(new Case("weibull", m -> Weibull.of(m.get("scale"), m.get("concentration")),
        p("scale", 2.0, "concentration", 1.5), x -> -Math.expm1(-Math.pow(x / 2.0, 1.5)), false));
    c.add(new Case("binomial", m -> Binomial.of(m.get("n"), m.get("probs")),
        p("n", 10.0, "probs", 0.3), null, true));
    c.add(new Case("negativeBinomial", m -> NegativeBinomial.of(m.get("r"), m.get("probs")),
        p("r", 2.5, "probs", 0.4), null, true));
    c.add(new Case("geometric", m -> Geometric.of(m.get("probs")), p("probs", 0.25), null, true));
    return c.stream();
  }

  private static List<String[]> reference() throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(DistributionTableTest.class.getResourceAsStream(
            "/reference/distributions-reference.txt")), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.startsWith("#") && !line.isBlank()) {
          rows.add(line.trim().split("\\s+"));
        }
      }
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shapes(Case c) {
    Distribution d = c.dist();
    for (Shape sampleShape : List.of(Shape.SCALAR, Shape.of(3), Shape.of(2, 3))) {
      Tensor x = d.sample(RngKey.of(1), sampleShape);
      assertEquals(sampleShape.concat(d.batchShape()).concat(d.eventShape()), x.shape());
      assertEquals(sampleShape.concat(d.batchShape()), d.logProb(x).shape());
    }
    Distribution wide = d.expand(Shape.of(4));
    assertEquals(Shape.of(4), wide.batchShape());
    assertEquals(Shape.of(5, 4), wide.sample(RngKey.of(2), Shape.of(5)).shape());
    Distribution joint = wide.toEvent(1);
    assertEquals(Shape.SCALAR, joint.batchShape());
    assertEquals(Shape.of(4), joint.eventShape());
    Tensor x = joint.sample(RngKey.of(3), Shape.of(2));
    assertEquals(Shape.of(2), joint.logProb(x).shape());
    assertTrue(wide.logProb(x).sum(-1).allClose(joint.logProb(x), 1e-14, 1e-14));
  }

  /** Reference log-densities from 40-digit mpmath: 1e-10 relative (a few hundred ulp). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void logProbMatchesReference(Case c) throws IOException {
    int checked = 0;
    for (String[] row : reference()) {
      if (row[0].equals("logProb") && row[1].equals(c.name())) {
        double x = Double.parseDouble(row[2]);
        double expected = Double.parseDouble(row[3]);
        double actual = c.dist().logProb(Tensor.scalar(x)).item();
        assertEquals(expected, actual, 1e-10 * Math.max(1, Math.abs(expected)), c.name() + " at " + x);
        checked++;
      }
    }
    assertTrue(checked >= 2, "reference rows for " + c.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void logProbGradientMatchesFiniteDifferences(Case c) {
    Tensor x = c.dist().sample(RngKey.of(4), Shape.of(6));
    Map<String, Tensor> continuous = new LinkedHashMap<>(c.params());
    Tensor n = continuous.remove("n"); // an integer count is not differentiable
    GradCheck.assertGradients(
        m -> {
          Map<String, Tensor> all = new LinkedHashMap<>(m);
          if (n != null) {
            all.put("n", n);
          }
          return c.build().apply(all).logProb(x).sum();
        },
        continuous);
  }

  /**
   * Sample mean and variance at a fixed key against the reference values: n = 40 000, mean
   * within 5 standard errors sqrt(var / n); variance within 6 standard errors of the sample
   * variance, estimated from the sample's fourth central moment.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sampleMomentsMatchReference(Case c) throws IOException {
    double mean = Double.NaN;
    double var = Double.NaN;
    for (String[] row : reference()) {
      if (row[1].equals(c.name()) && row[0].equals("mean")) {
        mean = Double.parseDouble(row[2]);
      }
      if (row[1].equals(c.name()) && row[0].equals("variance")) {
        var = Double.parseDouble(row[2]);
      }
    }
    Distribution d = c.dist();
    if (Double.isNaN(mean)) {
      assertTrue(Double.isNaN(d.mean().item()) || Double.isInfinite(d.mean().item()),
          c.name() + " has no reference moments, so its mean must be undefined or infinite");
      return;
    }
    assertEquals(mean, d.mean().item(), 1e-12 * Math.max(1, Math.abs(mean)), "closed-form mean");
    assertEquals(var, d.variance().item(), 1e-12 * Math.max(1, var), "closed-form variance");
    int n = 40_000;
    double[] x = d.sample(RngKey.of(5), Shape.of(n)).toArray();
    double m = Arrays.stream(x).average().orElseThrow();
    double m2 = 0;
    double m4 = 0;
    for (double v : x) {
      double dev = v - m;
      m2 += dev * dev;
      m4 += dev * dev * dev * dev;
    }
    m2 /= n - 1;
    m4 /= n;
    assertEquals(mean, m, 5 * Math.sqrt(var / n), "sample mean");
    assertEquals(var, m2, 6 * Math.sqrt((m4 - m2 * m2) / n), "sample variance");
    if (c.discrete()) {
      for (double v : x) {
        assertEquals(Math.rint(v), v, 0.0, "integer draws");
      }
    }
  }

  /** KS statistic below 1.95 / sqrt(n), the critical value at alpha = 0.001. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void kolmogorovSmirnov(Case c) {
    if (c.cdf() == null) {
      return; // discrete: covered by the moment test and the samplers' chi-square tests
    }
    int n = 20_000;
    double[] x = c.dist().sample(RngKey.of(6), Shape.of(n)).toArray();
    Arrays.sort(x);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double f = c.cdf().applyAsDouble(x[i]);
      worst = Math.max(worst, Math.max(f - (double) i / n, (double) (i + 1) / n - f));
    }
    assertTrue(worst < 1.95 / Math.sqrt(n), c.name() + ": D = " + worst);
  }

  /**
   * Closed-form entropies against Monte Carlo -E[log p(x)] over n = 40 000 draws, within 5
   * standard errors; families without a closed form say so.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void entropyMatchesMonteCarlo(Case c) {
    Distribution d = c.dist();
    Tensor h;
    try {
      h = d.entropy();
    } catch (UnsupportedOperationException e) {
      assertEquals(d.name() + " has no closed-form entropy", e.getMessage());
      return;
    }
    int n = 40_000;
    double[] lp = d.logProb(d.sample(RngKey.of(9), Shape.of(n))).toArray();
    double m = Arrays.stream(lp).average().orElseThrow();
    double s2 = Arrays.stream(lp).map(v -> (v - m) * (v - m)).sum() / (n - 1);
    assertEquals(-m, h.item(), 5 * Math.sqrt(s2 / n) + 1e-12, c.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void paramsRebuildTheSameDistribution(Case c) {
    Distribution d = c.dist().expand(Shape.of(3));
    Distribution again = d.withParams(d.params());
    Tensor x = d.sample(RngKey.of(7), Shape.of(4));
    assertTrue(d.logProb(x).allClose(again.logProb(x), 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void logProbIsMinusInfinityOutsideTheSupport(Case c) {
    if (c.dist().support() == dev.ember.dist.constraints.Constraints.real()) {
      return; // the real line has no outside
    }
    double outside = c.name().equals("uniform") ? 5.0 : -0.5;
    Tensor lp = c.dist().logProb(Tensor.of(outside));
    assertEquals(Double.NEGATIVE_INFINITY, lp.item(), c.name());
  }

  @org.junit.jupiter.api.Test
  void multivariateNormalMatchesReference() throws IOException {
    Tensor cov = Tensor.of(new double[][] {{2.0, 0.6}, {0.6, 1.0}});
    Tensor loc = Tensor.of(0.5, -1.0);
    List<MultivariateNormal> forms = List.of(
        MultivariateNormal.ofCovariance(loc, cov),
        MultivariateNormal.ofScaleTril(loc, cov.cholesky()),
        MultivariateNormal.ofPrecision(loc, invert2x2(cov)));
    int checked = 0;
    for (String[] row : reference()) {
      if (row[0].equals("logProb") && row[1].equals("mvn")) {
        String[] xs = row[2].split(",");
        Tensor x = Tensor.of(Double.parseDouble(xs[0]), Double.parseDouble(xs[1]));
        for (MultivariateNormal d : forms) {
          assertEquals(Double.parseDouble(row[3]), d.logProb(x).item(), 1e-12);
        }
        checked++;
      }
    }
    assertEquals(2, checked);
    MultivariateNormal d = forms.get(0);
    int n = 40_000;
    Tensor s = d.sample(RngKey.of(8), Shape.of(n)); // [n, 2]
    Tensor centered = s.sub(s.mean(0));
    Tensor empirical = centered.transpose().matmul(centered).div(n - 1);
    // each covariance entry has standard error <= sqrt((S_ii S_jj + S_ij^2) / n) <= 0.016
    assertTrue(empirical.allClose(cov, 0, 5 * 0.016), empirical.toString());
    GradCheck.assertGradients(
        m -> MultivariateNormal.ofScaleTril(m.get("loc"), m.get("l")).logProb(s.slice(0, 0, 5)).sum(),
        Map.of("loc", loc, "l", cov.cholesky()));
  }

  private static Tensor vector(String csv) {
    return Tensor.of(Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray());
  }

  private static double referenceLogProb(String row2, String name, List<String[]> rows, String x) {
    for (String[] row : rows) {
      if (row[0].equals("logProb") && row[1].equals(name) && row[2].equals(x)) {
        return Double.parseDouble(row[3]);
      }
    }
    throw new AssertionError("no reference for " + name + " at " + x + row2);
  }

  @org.junit.jupiter.api.Test
  void vectorEventFamiliesMatchReference() throws IOException {
    List<String[]> rows = reference();
    Dirichlet dir = Dirichlet.of(Tensor.of(2.0, 0.5, 3.0));
    GaussianRandomWalk walk = GaussianRandomWalk.of(Tensor.scalar(0.7), 4);
    LowRankMultivariateNormal lowRank = LowRankMultivariateNormal.of(
        Tensor.of(0.1, 0.0, -0.2),
        Tensor.of(new double[][] {{1, 0.5}, {0, 1}, {-1, 2}}),
        Tensor.of(0.5, 1.0, 2.0));
    int checked = 0;
    for (String[] row : rows) {
      if (!row[0].equals("logProb")) {
        continue;
      }
      Distribution d = switch (row[1]) {
        case "dirichlet" -> dir;
        case "randomWalk" -> walk;
        case "lowRank" -> lowRank;
        default -> null;
      };
      if (d != null) {
        double expected = referenceLogProb("", row[1], rows, row[2]);
        assertEquals(expected, d.logProb(vector(row[2])).item(), 1e-11, row[1]);
        checked++;
      }
    }
    assertEquals(6, checked);
    // moments: sample means against the closed forms, 5 standard errors
    int n = 40_000;
    for (Distribution d : List.of(dir, walk, lowRank)) {
      Tensor s = d.sample(RngKey.of(21), Shape.of(n));
      Tensor mean = s.mean(0);
      Tensor se = d.variance().div(n).sqrt();
      assertTrue(mean.sub(d.mean()).abs().le(se.mul(5.0)).all(), d.name() + ": " + mean);
      Tensor var = s.sub(mean).square().mean(0);
      assertTrue(var.sub(d.variance()).abs().le(d.variance().mul(0.05)).all(),
          d.name() + " variance " + var + " vs " + d.variance());
    }
    assertTrue(lowRank.covariance().allClose(lowRank.toMultivariateNormal().covariance(), 1e-12, 1e-12));
    Tensor x = lowRank.sample(RngKey.of(22), Shape.of(3));
    assertTrue(lowRank.logProb(x).allClose(lowRank.toMultivariateNormal().logProb(x), 1e-12, 1e-12));
    GradCheck.assertGradients(
        m -> LowRankMultivariateNormal.of(m.get("loc"), m.get("w"), m.get("d")).logProb(x).sum(),
        Map.of("loc", Tensor.of(0.1, 0.0, -0.2),
            "w", Tensor.of(new double[][] {{1, 0.5}, {0, 1}, {-1, 2}}),
            "d", Tensor.of(0.5, 1.0, 2.0)));
    Tensor simplexPoint = Tensor.of(0.2, 0.3, 0.5);
    GradCheck.assertGradients(m -> Dirichlet.of(m.get("a")).logProb(simplexPoint).sum(),
        Map.of("a", Tensor.of(2.0, 0.5, 3.0)));
  }

  private static Tensor invert2x2(Tensor a) {
    double det = a.get(0, 0) * a.get(1, 1) - a.get(0, 1) * a.get(1, 0);
    return Tensor.of(new double[][] {
        {a.get(1, 1) / det, -a.get(0, 1) / det}, {-a.get(1, 0) / det, a.get(0, 0) / det}});
  }
}
