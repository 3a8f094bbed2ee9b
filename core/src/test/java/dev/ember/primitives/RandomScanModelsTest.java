// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.dist.Distribution;
import dev.ember.dist.Gamma;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.infer.ElboEstimate;
import dev.ember.infer.LogDensity;
import dev.ember.infer.TraceElbo;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random state-space models, each written once as a scan and once as a Java loop with sites
 * {@code name_0 .. name_{T-1}}: the same body (series-plate sites whose means follow the carry or
 * earlier sites of the step, global sites outside the plate, Gamma scales, observations with
 * and without a per-step mask) runs in both. At a draw of the scanned model: the two log-densities
 * agree, and so do their gradients with respect to every latent series, which also agree with
 * central finite differences. The scanned model reads the stacked values through views of them
 * and hands their gradients back through the scan's stacking; the unrolled one reads plain rows.
 * And the ELBO of the scanned model with a guide that samples each latent series outside the scan
 * (the case that began this project: replay reaching into the scan's steps) equals the loop
 * model's log-density at the guide's draws less the guide's log-density there.
 */
@SuppressWarnings("try") // plates are entered for their effect
class RandomScanModelsTest {
  private static final int MODELS = Integer.getInteger("models", 150);

  /**
   * One site of the body: its kind, the index of the earlier value its mean follows (0 is the
   * carry, k is the body's k-th site), the index of the Gamma site that is its scale (or -1), and
   * two coefficients.
   */
  private record SiteSpec(String kind, int parent, int scaleSite, double a, double c) {}

  /** A body, the numbers of series and steps, and whether its observations are masked. */
  private record Spec(List<SiteSpec> sites, int series, int steps, boolean masked) {}

  @Test
  void scannedAndUnrolledAgreeInDensityGradientsAndElbo() {
    for (int seed = 0; seed < MODELS; seed++) {
      Random rnd = new Random(seed);
      Spec spec = generate(rnd);
      String where = "model " + seed + " " + spec;
      try {
        check(spec, seed, where);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": " + e, e);
      }
    }
  }

  private static void check(Spec spec, int seed, String where) {
    int b = spec.series();
    int t = spec.steps();
    // xs [T, 2B]: the observations, then the mask (1: observed)
    double[] xv = new double[t * 2 * b];
    Random rnd = new Random(seed * 31L + 7);
    for (int s = 0; s < t; s++) {
      for (int i = 0; i < b; i++) {
        xv[s * 2 * b + i] = rnd.nextGaussian();
        xv[s * 2 * b + b + i] = spec.masked() && (s + i) % 3 == 0 ? 0.0 : 1.0;
      }
    }
    Tensor xs = Tensor.of(xv, t, 2 * b);
    Model<Tensor> scanned = data -> scan((Tensor prev, Tensor x) -> {
      Tensor out = body(spec, prev, x, "");
      return ScanStep.of(out, out);
    }, Tensor.zeros(b), data);
    Model<Tensor> unrolled = data -> {
      Tensor prev = Tensor.zeros(b);
      for (int s = 0; s < t; s++) {
        prev = body(spec, prev, data.select(0, s), "_" + s);
      }
    };
    Trace drawn = Handlers.trace(Handlers.seed(scanned, RngKey.of(seed))).getTrace(xs);
    // every latent site, the masked observations' unobserved entries included
    Map<String, Tensor> latent = new HashMap<>();
    for (Site site : drawn.sites().values()) {
      if (site.type() == SiteType.SAMPLE && !site.observed()) {
        latent.put(site.name(), site.value());
      }
    }
    ValueAndGrad viaScan = Autodiff.valueAndGrad(
        q -> LogDensity.logDensity(scanned, xs, q).total(), latent);
    ValueAndGrad viaLoop = Autodiff.valueAndGrad(
        q -> LogDensity.logDensity(unrolled, xs, unroll(q, t)).total(), latent);
    double scale = Math.max(1.0, Math.abs(viaLoop.value().item()));
    assertEquals(viaLoop.value().item(), viaScan.value().item(), 1e-12 * scale, where);
    assertEquals(viaLoop.value().item(), drawn.logProbSum().item(), 1e-12 * scale, where);
    for (String name : latent.keySet()) {
      double[] want = viaLoop.grad().get(name).toArray();
      double[] got = viaScan.grad().get(name).toArray();
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-11 * Math.max(1.0, Math.abs(want[i])),
            where + ": d/d" + name + "[" + i + "]");
      }
    }
    GradCheck.Report r = GradCheck.check(q -> LogDensity.logDensity(scanned, xs, q).total(),
        latent);
    assertTrue(r.passed(), where + ": " + r);

    // a guide outside the scan, as NumPyro users write one: each latent series one site of
    // shape [T, ...]. The ELBO replays its draws into the scan's steps; the same draws scored by
    // the loop model, less the guide's own log-density, give the same value.
    Model<Tensor> guide = data -> {
      for (Map.Entry<String, Tensor> e : latent.entrySet()) {
        Tensor zeros = Tensor.zeros(e.getValue().shape());
        sample(e.getKey(), positive(spec, e.getKey())
            ? Gamma.of(zeros.add(3.0), zeros.add(3.0))
            : Normal.of(zeros.add(0.1), Tensor.scalar(0.7)));
      }
    };
    ElboEstimate est = new TraceElbo().estimate(scanned, guide, xs, RngKey.of(seed + 1000));
    Map<String, Tensor> drawnByGuide = new HashMap<>();
    double logQ = 0;
    for (String name : latent.keySet()) {
      Site g = est.guideTrace().get(name);
      drawnByGuide.put(name, g.value());
      logQ += g.fn().logProb(g.value()).sum().item();
    }
    double logP = LogDensity.logDensity(unrolled, xs, unroll(drawnByGuide, t)).total().item();
    double elbo = -est.value();
    assertEquals(logP - logQ, elbo, 1e-12 * Math.max(1.0, Math.abs(logP - logQ)),
        where + ": ELBO with the guide outside the scan");
  }

  /** Whether latent site {@code name} is one of the body's Gamma sites (positive values). */
  private static boolean positive(Spec spec, String name) {
    return !name.endsWith("_unobserved")
        && spec.sites().get(Integer.parseInt(name.substring(1))).kind().equals("gamma");
  }

  /**
   * The stacked values as the loop's per-step sites (views of them, so gradients reach them):
   * {@code s1} as {@code s1_0, s1_1, ...}, and a masked site's {@code s3_unobserved} as {@code
   * s3_0_unobserved, ...}.
   */
  private static Map<String, Tensor> unroll(Map<String, Tensor> stacked, int steps) {
    Map<String, Tensor> out = new HashMap<>();
    String tail = "_unobserved";
    for (Map.Entry<String, Tensor> e : stacked.entrySet()) {
      String name = e.getKey();
      boolean unobserved = name.endsWith(tail);
      String base = unobserved ? name.substring(0, name.length() - tail.length()) : name;
      for (int s = 0; s < steps; s++) {
        out.put(base + "_" + s + (unobserved ? tail : ""), e.getValue().select(0, s));
      }
    }
    return out;
  }

  /** One step of the body: its sites, named with {@code suffix}; returns the next carry. */
  private static Tensor body(Spec spec, Tensor prev, Tensor x, String suffix) {
    int b = spec.series();
    Tensor y = x.slice(0, 0, b);
    Tensor mask = x.slice(0, b, 2 * b).gt(0.5);
    List<Tensor> values = new ArrayList<>(List.of(prev));
    Tensor carry = prev;
    for (int k = 0; k < spec.sites().size(); k++) {
      SiteSpec s = spec.sites().get(k);
      String name = "s" + k + suffix;
      Tensor parent = values.get(s.parent());
      Tensor scale = s.scaleSite() < 0 ? Tensor.scalar(0.5 + s.c() * s.c())
          : values.get(s.scaleSite() + 1);
      Tensor v;
      switch (s.kind()) {
        case "global" -> v = sample(name, Normal.of(parent.mean().mul(s.a()).add(s.c()), scale));
        case "gamma" -> v = sample(name, Gamma.of(Tensor.scalar(2.0 + s.c()), Tensor.scalar(2.0)));
        default -> {
          try (Plate p = plate("series" + suffix, b)) {
            Distribution d = Normal.of(parent.mul(s.a()).add(s.c()), scale);
            v = switch (s.kind()) {
              case "obs" -> sample(name, d, y);
              case "obsMasked" -> sample(name, d, y, mask);
              default -> sample(name, d);
            };
          }
          if (s.kind().equals("local")) {
            carry = v;
          }
        }
      }
      values.add(v);
    }
    return carry;
  }

  /** A body of 2 to 5 sites, at least one of them a latent series site and one observed. */
  private static Spec generate(Random rnd) {
    int n = 2 + rnd.nextInt(4);
    List<SiteSpec> sites = new ArrayList<>();
    List<Integer> gammas = new ArrayList<>();
    List<Integer> series = new ArrayList<>(List.of(0)); // values of shape [B]: the carry first
    List<Integer> any = new ArrayList<>(List.of(0));
    boolean masked = rnd.nextBoolean();
    for (int k = 0; k < n; k++) {
      String kind = k == 0 ? "local" : k == n - 1 ? (masked ? "obsMasked" : "obs")
          : List.of("local", "local", "global", "gamma").get(rnd.nextInt(4));
      int scaleSite = !kind.equals("gamma") && !gammas.isEmpty() && rnd.nextBoolean()
          ? gammas.get(rnd.nextInt(gammas.size())) : -1;
      // series sites follow a series value (or a global one, broadcast); globals any value
      List<Integer> parents = kind.equals("global") ? any : rnd.nextInt(3) == 0 ? any : series;
      int parent = parents.get(rnd.nextInt(parents.size()));
      double a = 0.3 + 0.6 * rnd.nextDouble();
      double c = rnd.nextDouble() - 0.5;
      sites.add(new SiteSpec(kind, parent, scaleSite, a, c));
      switch (kind) {
        case "gamma" -> gammas.add(k);
        case "global" -> any.add(k + 1);
        default -> {
          series.add(k + 1);
          any.add(k + 1);
        }
      }
    }
    return new Spec(sites, 2 + rnd.nextInt(3), 2 + rnd.nextInt(4), masked);
  }
}
