// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.handlers.Model;
import dev.ember.primitives.ScanResult;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Posterior-predictive draws of a scan model, forecasting past the guide's horizon. */
class PredictiveTest {
  static final double PHI = 0.8;
  static final double SIGMA = 0.5;
  static final int T = 5;

  /** Observations {@code y} of the first steps (null: predict them) over {@code steps} steps. */
  record Series(Tensor y, int steps) {}

  static final Model<Series> MODEL = d -> {
    ScanResult<Tensor, Tensor> r = scan((Tensor prev, Tensor unused) -> {
      Tensor z = sample("z", Normal.of(prev.mul(PHI), Tensor.scalar(SIGMA)));
      return ScanStep.of(z, z);
    }, Tensor.scalar(0.0), null, d.steps(), false);
    Tensor z = r.ys(); // [steps]
    Tensor loc = d.y() == null ? z : z.slice(0, 0, d.y().dim(0));
    sample("y", Normal.of(loc, Tensor.scalar(0.3)), d.y());
  };

  static final Tensor LOC = Tensor.of(0.2, -0.4, 0.9, 1.3, 1.0); // the guide's z, [T]

  /** A guide pinned (scale 1e-9) at LOC. */
  static final Model<Series> GUIDE =
      d -> sampleOverTime("z", Normal.of(LOC, Tensor.full(1e-9, T)));

  @Test
  void forecastsFollowTheTransitionPastTheGuidesSteps() {
    int h = 3;
    int n = 4000;
    Map<String, Tensor> draws = Predictive.of(MODEL, GUIDE, n)
        .run(RngKey.of(0), new Series(null, T + h), Map.of());
    Tensor z = draws.get("z"); // [n, T + h]
    assertEquals(Shape.of(n, T + h), z.shape());
    assertEquals(Shape.of(n, T + h), draws.get("y").shape());
    for (int t = 0; t < T; t++) {
      assertEquals(LOC.get(t), z.select(1, t).mean().item(), 1e-8, "step " + t + " is the guide's");
    }
    // z_{T-1+k} given z_{T-1}: mean phi^k z_{T-1}, variance sigma^2 (1 - phi^2k) / (1 - phi^2)
    double last = LOC.get(T - 1);
    for (int k = 1; k <= h; k++) {
      Tensor col = z.select(1, T - 1 + k);
      double mean = col.mean().item();
      double var = col.sub(mean).square().sum().item() / (n - 1);
      double expMean = Math.pow(PHI, k) * last;
      double expVar = SIGMA * SIGMA * (1 - Math.pow(PHI, 2 * k)) / (1 - PHI * PHI);
      assertTrue(Math.abs(mean - expMean) < 4 * Math.sqrt(expVar / n),
          "k=" + k + ": mean " + mean + " vs " + expMean);
      // the sample variance of n normals has sd var * sqrt(2 / (n - 1))
      assertTrue(Math.abs(var - expVar) < 4 * expVar * Math.sqrt(2.0 / (n - 1)),
          "k=" + k + ": var " + var + " vs " + expVar);
    }
  }

  @Test
  void posteriorSamplesAreUsedDrawByDraw() {
    Tensor samples = Tensor.of(new double[] {
        0, 0, 0, 0, 0,
        1, 1, 1, 1, 1,
        2, 2, 2, 2, 2}, 3, T);
    Map<String, Tensor> out = Predictive.ofSamples(MODEL, Map.of("z", samples))
        .returnSites("z")
        .run(RngKey.of(1), new Series(null, T), Map.of());
    assertEquals(1, out.size());
    assertArrayEquals(samples.toArray(), out.get("z").toArray(), 0.0);
  }

  @Test
  void aSeedingHookSeedsGuideAndModelOfEveryDraw() {
    // the hook's keys are the plain seed's: the same draws; a hook that shifts every key by
    // folding in a constant gives other draws, for guide and model alike
    Map<String, Tensor> plain = Predictive.of(MODEL, GUIDE, 3)
        .run(RngKey.of(4), new Series(null, T + 2), Map.of());
    Map<String, Tensor> hooked = Predictive.of(MODEL, GUIDE, 3)
        .seeding((m, d, k) -> dev.ember.handlers.Handlers.seed(m, k))
        .run(RngKey.of(4), new Series(null, T + 2), Map.of());
    assertArrayEquals(plain.get("y").toArray(), hooked.get("y").toArray(), 0.0);
    java.util.List<RngKey> seen = new java.util.ArrayList<>();
    Map<String, Tensor> shifted = Predictive.of(MODEL, GUIDE, 3)
        .seeding((m, d, k) -> {
          seen.add(k);
          return dev.ember.handlers.Handlers.seed(m, k.foldIn(1));
        })
        .run(RngKey.of(4), new Series(null, T + 2), Map.of());
    assertEquals(6, seen.size(), "a guide and a model run per draw");
    Tensor zPlain = plain.get("z");
    Tensor zShifted = shifted.get("z");
    assertTrue(zPlain.select(1, T + 1).sub(zShifted.select(1, T + 1)).abs().sum().item() > 0,
        "the model's draws past the guide come from the hook's key");
  }

  @Test
  void observedDataStaysObservedAndUnknownSitesAreErrors() {
    Tensor y = Tensor.of(0.1, 0.2, 0.3, 0.4, 0.5);
    Map<String, Tensor> out = Predictive.of(MODEL, GUIDE, 2).run(RngKey.of(2), new Series(y, T), Map.of());
    assertArrayEquals(y.toArray(), out.get("y").select(0, 1).toArray(), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Predictive.of(MODEL, GUIDE, 2).returnSites("nope")
            .run(RngKey.of(2), new Series(y, T), Map.of()));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Predictive.of(MODEL, GUIDE, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Predictive.ofSamples(MODEL, Map.of("z", Tensor.zeros(2, T), "w", Tensor.zeros(3))));
  }
}
