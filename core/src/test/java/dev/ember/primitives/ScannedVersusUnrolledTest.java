// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Gamma;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.Trace;
import dev.ember.infer.LogDensity;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scanned model equals the same model written as a Java loop with sites {@code x_0 .. x_{T-1}}:
 * same log-density at the same values, same draws under the same substitutions.
 */
@SuppressWarnings("try") // plates are entered for their effect; their variables go unused
class ScannedVersusUnrolledTest {
  private static final int T = 6;
  private static final int B = 4;

  /** Gaussian random walk: x_t ~ N(x_{t-1}, 0.7). */
  static final Model<Tensor> WALK_SCANNED = xs -> scan((Tensor prev, Tensor unused) -> {
    Tensor x = sample("x", Normal.of(prev, Tensor.scalar(0.7)));
    return ScanStep.of(x, x);
  }, Tensor.scalar(0.0), null, T, false);

  static final Model<Tensor> WALK_UNROLLED = xs -> {
    Tensor prev = Tensor.scalar(0.0);
    for (int t = 0; t < T; t++) {
      prev = sample("x_" + t, Normal.of(prev, Tensor.scalar(0.7)));
    }
  };

  /** AR(1) over B series with a plate inside the body and observations inside the body. */
  static final Model<Tensor> AR1_SCANNED = ys -> scan((Tensor prev, Tensor y) -> {
    try (Plate p = plate("series", B)) {
      Tensor z = sample("z", Normal.of(prev.mul(0.8), Tensor.scalar(0.5)));
      sample("y", Normal.of(z, Tensor.scalar(0.3)), y);
      return ScanStep.of(z, z);
    }
  }, Tensor.zeros(B), ys.transpose()); // xs [T, B]

  static final Model<Tensor> AR1_UNROLLED = ys -> {
    Tensor prev = Tensor.zeros(B);
    for (int t = 0; t < T; t++) {
      try (Plate p = plate("series_" + t, B)) {
        Tensor z = sample("z_" + t, Normal.of(prev.mul(0.8), Tensor.scalar(0.5)));
        sample("y_" + t, Normal.of(z, Tensor.scalar(0.3)), ys.select(1, t));
        prev = z;
      }
    }
  };

  /** A record carry: a local level with a positive, time-varying scale. */
  record Level(Tensor level, Tensor scale) {}

  static final Model<Tensor> LEVEL_SCANNED = ys -> scan((Level c, Tensor y) -> {
    Tensor s = sample("s", Gamma.of(Tensor.scalar(2.0), Tensor.scalar(2.0).div(c.scale())));
    Tensor level = sample("level", Normal.of(c.level(), s));
    sample("obs", Normal.of(level, Tensor.scalar(0.5)), y);
    return ScanStep.of(new Level(level, s), level);
  }, new Level(Tensor.scalar(0.0), Tensor.scalar(1.0)), ys);

  static final Model<Tensor> LEVEL_UNROLLED = ys -> {
    Level c = new Level(Tensor.scalar(0.0), Tensor.scalar(1.0));
    for (int t = 0; t < T; t++) {
      Tensor s = sample("s_" + t, Gamma.of(Tensor.scalar(2.0), Tensor.scalar(2.0).div(c.scale())));
      Tensor level = sample("level_" + t, Normal.of(c.level(), s));
      sample("obs_" + t, Normal.of(level, Tensor.scalar(0.5)), ys.select(0, t));
      c = new Level(level, s);
    }
  };

  /** Per-step values of a stacked site, renamed for the unrolled model. */
  private static Map<String, Tensor> unroll(String name, Tensor stacked, Map<String, Tensor> into) {
    for (int t = 0; t < stacked.dim(0); t++) {
      into.put(name + "_" + t, stacked.select(0, t));
    }
    return into;
  }

  private static Tensor data(RngKey key, Shape shape) {
    return Normal.standard().sample(key, shape);
  }

  @Test
  void randomWalk() {
    Trace scanned = Handlers.trace(Handlers.seed(WALK_SCANNED, RngKey.of(1))).getTrace(null);
    Tensor x = scanned.get("x").value();
    assertEquals(Shape.of(T), x.shape());
    Map<String, Tensor> values = unroll("x", x, new HashMap<>());
    double unrolled = LogDensity.logDensity(WALK_UNROLLED, null, values).total().item();
    double scannedLp = LogDensity.logDensity(WALK_SCANNED, null, Map.of("x", x)).total().item();
    assertEquals(unrolled, scannedLp, 1e-12);
    assertEquals(unrolled, scanned.logProbSum().item(), 1e-12);
  }

  @Test
  void ar1WithAPlateAndObservationsInsideTheBody() {
    Tensor ys = data(RngKey.of(2), Shape.of(B, T));
    Trace scanned = Handlers.trace(Handlers.seed(AR1_SCANNED, RngKey.of(3))).getTrace(ys);
    Tensor z = scanned.get("z").value();
    assertEquals(Shape.of(T, B), z.shape());
    assertEquals(Shape.of(T, B), scanned.get("z").fn().batchShape());
    assertEquals("series", scanned.get("y").plates().get(0).name());
    assertTrue(scanned.get("y").observed());
    Map<String, Tensor> values = unroll("z", z, new HashMap<>());
    double unrolled = LogDensity.logDensity(AR1_UNROLLED, ys, values).total().item();
    double scannedLp = LogDensity.logDensity(AR1_SCANNED, ys, Map.of("z", z)).total().item();
    assertEquals(unrolled, scannedLp, 1e-12);
    // the observed site's log-density alone, too
    double unrolledY = 0;
    Trace u = Handlers.trace(Handlers.substitute(AR1_UNROLLED, values)).getTrace(ys);
    for (int t = 0; t < T; t++) {
      unrolledY += u.get("y_" + t).scaledLogProbSum().item();
    }
    assertEquals(unrolledY, scanned.get("y").scaledLogProbSum().item(), 1e-12);
  }

  @Test
  void recordCarriesAndGradientsAgree() {
    Tensor ys = data(RngKey.of(4), Shape.of(T));
    Trace scanned = Handlers.trace(Handlers.seed(LEVEL_SCANNED, RngKey.of(5))).getTrace(ys);
    Tensor s = scanned.get("s").value();
    Tensor level = scanned.get("level").value();
    Map<String, Tensor> values = new HashMap<>();
    unroll("s", s, values);
    unroll("level", level, values);
    assertEquals(
        LogDensity.logDensity(LEVEL_UNROLLED, ys, values).total().item(),
        LogDensity.logDensity(LEVEL_SCANNED, ys, Map.of("s", s, "level", level)).total().item(),
        1e-12);
    // the gradient of the log-density with respect to the latent series agrees too
    Tensor gScanned = dev.ember.autodiff.Autodiff.grad(
        lv -> LogDensity.logDensity(LEVEL_SCANNED, ys, Map.of("s", s, "level", lv)).total(), level);
    double[] gUnrolled = new double[T];
    for (int t = 0; t < T; t++) {
      final int at = t;
      gUnrolled[t] = dev.ember.autodiff.Autodiff.grad(
          v -> {
            Map<String, Tensor> m = new HashMap<>(values);
            m.put("level_" + at, v);
            return LogDensity.logDensity(LEVEL_UNROLLED, ys, m).total();
          },
          level.select(0, t)).item();
    }
    assertArrayEquals(gUnrolled, gScanned.toArray(), 1e-12);
  }

  @Test
  void sameSubstitutionSameDraws() {
    // substituting the walk's first three positions and drawing the rest with the same seed:
    // the scanned and unrolled traces agree on the substituted part
    Tensor head = Tensor.of(0.5, -0.5, 1.0);
    Trace scanned = Handlers.trace(Handlers.substitute(Handlers.seed(WALK_SCANNED, RngKey.of(6)),
        Map.of("x", head))).getTrace(null);
    assertArrayEquals(head.toArray(), scanned.get("x").value().slice(0, 0, 3).toArray(), 0.0);
    assertEquals(Shape.of(T), scanned.get("x").value().shape());
  }
}
