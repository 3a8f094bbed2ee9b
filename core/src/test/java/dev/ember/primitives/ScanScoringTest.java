// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Trace;
import dev.ember.infer.LogDensity;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The problem Ember began with: scoring draws inside a scan and scoring the same draws outside it
 * must give the same ELBO, because replay reaches into the scan body at the point of sampling.
 *
 * <p>With {@code xs = 0..4} and guide draws forced to {@code g}, the single-particle loss is
 * {@code -(sum log N(g_t; t, 1) - sum log N(g_t; 0, 1)) = sum (t^2 / 2 - t g_t) = 15 - sum t g_t}
 * = 15 - 1.8 = 13.2 for {@code g = [0.3, -1.2, 0.5, 0.8, -0.1]}; scaling the annealed site by 0.5
 * in model and guide halves it to 6.6.
 */
class ScanScoringTest {
  private static final Tensor XS = Tensor.arange(5);
  private static final Tensor G = Tensor.of(0.3, -1.2, 0.5, 0.8, -0.1);
  private static final double ONE_HALF_SUM = 15.0;

  /** (A) model: x_t ~ N(xs[t], 1) inside the scan. */
  static final Model<Tensor> MODEL_INSIDE = xs -> scan((Tensor c, Tensor x) -> {
    Tensor xt = sample("x", Normal.of(x, Tensor.scalar(1.0)));
    return ScanStep.of(c, xt);
  }, Tensor.scalar(0.0), xs);

  /** (A) guide: x_t ~ N(0, 1) inside the scan. */
  static final Model<Tensor> GUIDE_INSIDE = xs -> scan((Tensor c, Tensor x) -> {
    Tensor xt = sample("x", Normal.standard());
    return ScanStep.of(c, xt);
  }, Tensor.scalar(0.0), xs);

  /** (B) model: draws under mask(false) inside, scored once outside as x_aux ~ N(xs, 1). */
  static final Model<Tensor> MODEL_OUTSIDE = xs -> {
    ScanResult<Tensor, Tensor> r = scan((Tensor c, Tensor x) -> {
      Tensor xt = Handlers.mask(false).run(() -> sample("x", Normal.of(x, Tensor.scalar(1.0))));
      return ScanStep.of(c, xt);
    }, Tensor.scalar(0.0), xs);
    sample("x_aux", Normal.of(xs, Tensor.ones(5)), r.ys());
  };

  /** (B) guide: draws under mask(false) inside, observed once outside as x_aux ~ N(0, 1). */
  static final Model<Tensor> GUIDE_OUTSIDE = xs -> {
    ScanResult<Tensor, Tensor> r = scan((Tensor c, Tensor x) -> {
      Tensor xt = Handlers.mask(false).run(() -> sample("x", Normal.standard()));
      return ScanStep.of(c, xt);
    }, Tensor.scalar(0.0), xs);
    sample("x_aux", Normal.of(Tensor.zeros(5), Tensor.ones(5)), r.ys());
  };

  /**
   * A single-particle Trace ELBO loss: trace the guide (its draws forced to {@code g}), replay the
   * model on the guide's trace under the model's own seed, and return {@code -(log p - log q)}.
   */
  static double loss(Model<Tensor> model, Model<Tensor> guide, RngKey modelKey) {
    Trace guideTrace =
        Handlers.trace(Handlers.substitute(Handlers.seed(guide, RngKey.of(99)), Map.of("x", G)))
            .getTrace(XS);
    Trace modelTrace =
        Handlers.trace(Handlers.replay(Handlers.seed(model, modelKey), guideTrace)).getTrace(XS);
    return -(modelTrace.logProbSum().item() - guideTrace.logProbSum().item());
  }

  private static double sumTimesG() {
    double s = 0;
    for (int t = 0; t < 5; t++) {
      s += t * G.get(t);
    }
    return s;
  }

  @Test
  void insideAndOutsideGiveTheSameElboForEveryModelSeed() {
    double expected = ONE_HALF_SUM - sumTimesG(); // 13.2
    assertEquals(13.2, expected, 1e-12);
    for (long seed = 0; seed < 20; seed++) {
      RngKey key = RngKey.of(seed);
      assertEquals(expected, loss(MODEL_INSIDE, GUIDE_INSIDE, key), 1e-9, "inside, seed " + seed);
      assertEquals(expected, loss(MODEL_OUTSIDE, GUIDE_OUTSIDE, key), 1e-9, "outside, seed " + seed);
    }
  }

  @Test
  void annealingTheScoredSiteHalvesBothLosses() {
    Model<Tensor> modelA = Handlers.scale(MODEL_INSIDE, 0.5);
    Model<Tensor> guideA = Handlers.scale(GUIDE_INSIDE, 0.5);
    // (B): only the observed auxiliary site is annealed; the masked draws contribute nothing
    Model<Tensor> modelB = xs -> {
      ScanResult<Tensor, Tensor> r = scan((Tensor c, Tensor x) -> {
        Tensor xt = Handlers.mask(false).run(() -> sample("x", Normal.of(x, Tensor.scalar(1.0))));
        return ScanStep.of(c, xt);
      }, Tensor.scalar(0.0), xs);
      Handlers.scale(0.5).run(() -> sample("x_aux", Normal.of(xs, Tensor.ones(5)), r.ys()));
    };
    Model<Tensor> guideB = xs -> {
      ScanResult<Tensor, Tensor> r = scan((Tensor c, Tensor x) -> {
        Tensor xt = Handlers.mask(false).run(() -> sample("x", Normal.standard()));
        return ScanStep.of(c, xt);
      }, Tensor.scalar(0.0), xs);
      Handlers.scale(0.5).run(() -> sample("x_aux", Normal.of(Tensor.zeros(5), Tensor.ones(5)), r.ys()));
    };
    for (long seed = 0; seed < 5; seed++) {
      assertEquals(6.6, loss(modelA, guideA, RngKey.of(seed)), 1e-9);
      assertEquals(6.6, loss(modelB, guideB, RngKey.of(seed)), 1e-9);
    }
  }

  @Test
  void replayedValuesFlowIntoTheCarryAndOutputs() {
    Trace guideTrace =
        Handlers.trace(Handlers.substitute(Handlers.seed(GUIDE_OUTSIDE, RngKey.of(1)), Map.of("x", G)))
            .getTrace(XS);
    Trace modelTrace =
        Handlers.trace(Handlers.replay(Handlers.seed(MODEL_OUTSIDE, RngKey.of(2)), guideTrace))
            .getTrace(XS);
    assertArrayEquals(G.toArray(), modelTrace.get("x_aux").value().toArray(), 0.0);
    assertEquals(Shape.of(5), modelTrace.get("x").value().shape());
    assertEquals(5, modelTrace.get("x").timeSteps());
    assertEquals(Shape.of(5), guideTrace.get("x").fn().batchShape(), "a shared N(0, 1) still stacks to [T]");
  }

  @Test
  void logDensityOfTheScannedModelIsTheSumOfItsSteps() {
    LogDensity.Result r = LogDensity.logDensity(MODEL_INSIDE, XS, Map.of("x", G));
    double expected = 0;
    for (int t = 0; t < 5; t++) {
      double z = G.get(t) - t;
      expected += -0.5 * z * z - 0.5 * Math.log(2 * Math.PI);
    }
    assertEquals(expected, r.total().item(), 1e-12);
    assertEquals(expected, r.perSite().get("x").item(), 1e-12);
    assertEquals(Shape.of(5), r.trace().get("x").fn().batchShape());
  }
}
