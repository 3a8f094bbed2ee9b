// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.data.ReferenceFile;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Svi;
import dev.ember.infer.SviState;
import dev.ember.infer.TraceElbo;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A guide that samples a scanned site once, outside any scan, with shape {@code [T] + per-step
 * shape} (how NumPyro users write it) is replayed into the model's scan a slice per step, so its
 * ELBO is that of the same model unrolled; any other shape is refused, naming the site and
 * {@code sampleOverTime}.
 *
 * <p>The expected losses come from {@code tools/reference/scan_guide_reference.py} (the model
 * written out step by step in mpmath), and again from the same model and guide unrolled into
 * sites {@code x_0 .. x_{T-1}}. Before the slicing rule, the first model's loss was 13.59 with no
 * error and the second failed with "broadcastTo: cannot broadcast [3] to []".
 */
@SuppressWarnings("try") // plates are entered for their effect; their variables go unused
class PlainGuideSampleTest {
  private static final ReferenceFile REF =
      ReferenceFile.load("/reference/scan-guide-reference.txt");
  private static final int T = 3;
  private static final Tensor G = Tensor.of(REF.vector("g"));
  private static final Tensor Y = Tensor.of(REF.vector("y"));
  private static final Tensor LOC = Tensor.of(REF.vector("loc"));
  private static final Tensor SCALE = Tensor.of(REF.vector("scale"));
  /** Summing about 20 log-density terms of size up to 10 in doubles: errors near 1e-14. */
  private static final double TOL = 1e-12;

  /** x_t ~ N(0, 1), y_t ~ N(x_t, 1) observed: the draws reach an observed site. */
  static final Model<Tensor> OBS_SCANNED = ys -> scan((Tensor c, Tensor y) -> {
    Tensor x = sample("x", Normal.of(0.0, 1.0));
    sample("y", Normal.of(x, Tensor.scalar(1.0)), y);
    return ScanStep.of(c, x);
  }, Tensor.scalar(0.0), ys);

  static final Model<Tensor> OBS_UNROLLED = ys -> {
    for (int t = 0; t < T; t++) {
      Tensor x = sample("x_" + t, Normal.of(0.0, 1.0));
      sample("y_" + t, Normal.of(x, Tensor.scalar(1.0)), ys.select(0, t));
    }
  };

  /** x_t ~ N(x_{t-1}, 1): the draws are the carry. */
  static final Model<Tensor> WALK_SCANNED = ys -> scan((Tensor prev, Tensor unused) -> {
    Tensor x = sample("x", Normal.of(prev, Tensor.scalar(1.0)));
    return ScanStep.of(x, x);
  }, Tensor.scalar(0.0), ys);

  static final Model<Tensor> WALK_UNROLLED = ys -> {
    Tensor prev = Tensor.scalar(0.0);
    for (int t = 0; t < T; t++) {
      prev = sample("x_" + t, Normal.of(prev, Tensor.scalar(1.0)));
    }
  };

  /** The NumPyro-style guide: one plain draw of all T steps, with {@code value} forced. */
  private static Model<Tensor> plainGuide(Tensor loc, Tensor scale, Tensor value) {
    return Handlers.substitute(ys -> sample("x", Normal.of(loc, scale)), Map.of("x", value));
  }

  private static Model<Tensor> unrolledGuide(Tensor loc, Tensor scale, Tensor value) {
    Map<String, Tensor> values = new HashMap<>();
    for (int t = 0; t < T; t++) {
      values.put("x_" + t, value.select(0, t));
    }
    return Handlers.substitute(ys -> {
      for (int t = 0; t < T; t++) {
        sample("x_" + t, Normal.of(loc.select(0, t), scale.select(0, t)));
      }
    }, values);
  }

  private static double loss(Model<Tensor> model, Model<Tensor> guide, Tensor data) {
    return new TraceElbo().estimate(model, guide, data, RngKey.of(7)).value();
  }

  @Test
  void drawsThatReachAnObservedSiteAreSlicedPerStep() {
    double scanned = loss(OBS_SCANNED, plainGuide(LOC, SCALE, G), Y);
    assertEquals(REF.scalar("obs.loss"), scanned, TOL);
    assertEquals(loss(OBS_UNROLLED, unrolledGuide(LOC, SCALE, G), Y), scanned, TOL);
  }

  @Test
  void drawsThatAreTheCarryAreSlicedPerStep() {
    double scanned = loss(WALK_SCANNED, plainGuide(LOC, SCALE, G), Y);
    assertEquals(REF.scalar("walk.loss"), scanned, TOL);
    assertEquals(loss(WALK_UNROLLED, unrolledGuide(LOC, SCALE, G), Y), scanned, TOL);
  }

  @Test
  void aGuideOfShapeTimeByPlateIsSlicedIntoAPlateInsideTheBody() {
    Tensor g = Tensor.of(REF.matrix("ar1.g"));
    Tensor y = Tensor.of(REF.matrix("ar1.y"));
    Tensor loc = Tensor.of(REF.matrix("ar1.loc"));
    Tensor scale = Tensor.of(REF.matrix("ar1.scale"));
    int series = y.dim(1);
    Model<Tensor> model = ys -> scan((Tensor prev, Tensor yt) -> {
      try (Plate p = plate("series", series)) {
        Tensor z = sample("z", Normal.of(prev.mul(0.8), Tensor.scalar(0.5)));
        sample("y", Normal.of(z, Tensor.scalar(0.3)), yt);
        return ScanStep.of(z, z);
      }
    }, Tensor.zeros(series), ys);
    Model<Tensor> guide = Handlers.substitute(
        ys -> sample("z", Normal.of(loc, scale)), Map.of("z", g)); // [T, B], no plate, no scan
    assertEquals(REF.scalar("ar1.loss"), loss(model, guide, y), TOL);
  }

  @Test
  void gradientsThroughTheSlicesEqualTheUnrolledModels() {
    Tensor eps = Tensor.of(0.4, -1.1, 0.7);
    BiFunction<Model<Tensor>, Boolean, Map<String, Tensor>> grad = (model, plain) ->
        Autodiff.valueAndGrad(p -> {
          Tensor value = p.get("loc").add(p.get("scale").mul(eps)); // reparameterized draw
          Model<Tensor> guide = plain ? plainGuide(p.get("loc"), p.get("scale"), value)
              : unrolledGuide(p.get("loc"), p.get("scale"), value);
          return new TraceElbo().estimate(model, guide, Y, RngKey.of(3)).loss();
        }, Map.of("loc", LOC, "scale", SCALE)).grad();
    Map<String, Tensor> scanned = grad.apply(WALK_SCANNED, true);
    Map<String, Tensor> unrolled = grad.apply(WALK_UNROLLED, false);
    assertArrayEquals(unrolled.get("loc").toArray(), scanned.get("loc").toArray(), TOL);
    assertArrayEquals(unrolled.get("scale").toArray(), scanned.get("scale").toArray(), TOL);
  }

  @Test
  void sviWithThePlainGuideSteps() {
    // the plain draw and sampleOverTime draw the same values from the same key, so the two guides
    // are the same guide and their fits agree step by step
    BiFunction<Tensor, Tensor, Tensor> plainDraw =
        (loc, scale) -> sample("x", Normal.of(loc, scale));
    BiFunction<Tensor, Tensor, Tensor> overTime =
        (loc, scale) -> sampleOverTime("x", Normal.of(loc, scale));
    double[][] losses = new double[2][];
    int i = 0;
    for (BiFunction<Tensor, Tensor, Tensor> draw : java.util.List.of(plainDraw, overTime)) {
      Model<Tensor> guide = ys -> draw.apply(param("loc", Tensor.zeros(T)),
          param("scale", Tensor.ones(T), Constraints.positive()));
      Svi<Tensor> svi = Svi.of(OBS_SCANNED, guide, Adam.of(0.05), new TraceElbo()).progress(false);
      losses[i++] = svi.run(RngKey.of(11), 20, Y).losses();
    }
    assertArrayEquals(losses[1], losses[0], 0.0);
  }

  private static String refusal(Model<Tensor> model, Tensor guideValue, Tensor data) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss(model,
        Handlers.substitute(ys -> sample("x", Normal.of(Tensor.zeros(guideValue.shape()),
            Tensor.ones(guideValue.shape()))), Map.of("x", guideValue)), data));
    assertTrue(HandlerStack.isEmpty(), "the failed run leaves no handler behind");
    return e.getMessage();
  }

  @Test
  void aGuideValueOfAnyOtherShapeIsRefusedNamingSampleOverTime() {
    assertEquals("replay: the guide samples 'x' outside any scan with shape [], but the model "
        + "samples it inside a scan of 3 steps, each of shape []; a guide value for all steps "
        + "must have shape [3] ([T] + the per-step shape), or sample it with "
        + "sampleOverTime(\"x\", fn) (fn with batch shape [T, ...]) or inside a scan of the same "
        + "length", refusal(WALK_SCANNED, Tensor.scalar(0.1), Y));
    assertTrue(refusal(WALK_SCANNED, Tensor.zeros(T + 1), Y).contains(
        "outside any scan with shape [4], but the model samples it inside a scan of 3 steps"));
    // a [T] value for a site of per-step shape [T]: slicing or using it whole would both be a
    // guess, so it is refused too
    Model<Tensor> plated = ys -> scan((Tensor c, Tensor y) -> {
      try (Plate p = plate("n", T)) {
        sample("x", Normal.of(0.0, 1.0));
      }
      return ScanStep.of(c, c);
    }, Tensor.scalar(0.0), ys);
    String ambiguous = refusal(plated, Tensor.zeros(T), Y);
    assertTrue(ambiguous.contains("each of shape [3]; a guide value for all steps must have shape "
        + "[3, 3]"), ambiguous);
  }
}
