// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.GradCheck;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How {@code scan} files the sites of its steps into one stacked site per name: by name, whatever
 * order a step records them in, and only when every step emits the same sites with the same scale
 * and observed flag; and how it slices its inputs.
 */
class ScanStackingTest {
  private static final Tensor XS = Tensor.arange(4); // [T]

  private static Trace trace(Model<Tensor> m, Map<String, Tensor> values) {
    return Handlers.trace(Handlers.substitute(m, values)).getTrace(XS);
  }

  @Test
  void sitesRecordedInAnotherOrderAreStackedByName() {
    Model<Tensor> m = xs -> scan((Tensor c, Tensor x) -> {
      if (x.item() % 2 == 0) {
        sample("a", Normal.of(x, Tensor.scalar(1.0)));
        sample("b", Normal.of(x.neg(), Tensor.scalar(2.0)));
      } else {
        sample("b", Normal.of(x.neg(), Tensor.scalar(2.0)));
        sample("a", Normal.of(x, Tensor.scalar(1.0)));
      }
      return ScanStep.of(c, c);
    }, Tensor.scalar(0.0), xs);
    Tensor a = Tensor.of(0.1, 0.2, 0.3, 0.4);
    Tensor b = Tensor.of(-1.0, -2.0, -3.0, -4.0);
    Trace t = trace(m, Map.of("a", a, "b", b));
    assertArrayEquals(a.toArray(), t.get("a").value().toArray(), 0.0);
    assertArrayEquals(b.toArray(), t.get("b").value().toArray(), 0.0);
    assertEquals(Shape.of(4), t.get("a").fn().batchShape());
    assertArrayEquals(XS.toArray(), ((Normal) t.get("a").fn()).loc().toArray(), 0.0);
    assertArrayEquals(XS.neg().toArray(), ((Normal) t.get("b").fn()).loc().toArray(), 0.0);
    double expected = Normal.of(XS, Tensor.scalar(1.0)).logProb(a).sum().item()
        + Normal.of(XS.neg(), Tensor.scalar(2.0)).logProb(b).sum().item();
    assertEquals(expected, t.logProbSum().item(), 1e-12);
  }

  private static Model<Tensor> oddStepsEmit(String other, boolean reverse) {
    return xs -> scan((Tensor c, Tensor x) -> {
      sample(x.item() % 2 == 0 ? "a" : other, Normal.standard());
      return ScanStep.of(c, c);
    }, Tensor.scalar(0.0), xs, -1, reverse);
  }

  @Test
  void stepsThatEmitOtherSitesFailNamingBothPositions() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trace(oddStepsEmit("b", false), Map.of("a", Tensor.zeros(4), "b", Tensor.zeros(4))));
    assertEquals("scan: position 1 emitted sites [b] but position 0 emitted [a]; every step must "
        + "emit the same sites (mask a site instead of skipping it)", e.getMessage());
    IllegalStateException reversed = assertThrows(IllegalStateException.class,
        () -> trace(oddStepsEmit("b", true), Map.of("a", Tensor.zeros(4), "b", Tensor.zeros(4))));
    assertTrue(reversed.getMessage().startsWith(
        "scan: position 2 emitted sites [a] but position 3 emitted [b]"), reversed.getMessage());
  }

  @Test
  void stepsThatChangeScaleFailAndStepsThatObserveSomeStepsAreRecorded() {
    Model<Tensor> scaled = xs -> scan((Tensor c, Tensor x) -> {
      double factor = x.item() < 2 ? 1.0 : 3.0;
      Handlers.scale(factor).run(() -> sample("a", Normal.standard()));
      return ScanStep.of(c, c);
    }, Tensor.scalar(0.0), xs);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trace(scaled, Map.of("a", Tensor.zeros(4))));
    assertEquals("scan: site 'a' changes its scale between steps (1.0 at position 0, 3.0 at "
        + "position 2); use mask for time-varying weights", e.getMessage());
    Model<Tensor> observed = xs -> scan((Tensor c, Tensor x) -> {
      sample("a", Normal.standard(), x.item() == 3 ? x : null);
      return ScanStep.of(c, c);
    }, Tensor.scalar(0.0), xs);
    Site a = Handlers.trace(Handlers.seed(observed, RngKey.of(0))).getTrace(XS).get("a");
    assertArrayEquals(new double[] {0, 0, 0, 1}, a.observedSteps().toArray(), 0.0);
    assertEquals(3.0, a.value().get(3), 0.0);
    assertTrue(a.observed());
  }

  @Test
  void inputRowsAreViewsOfTheInput() {
    List<Tensor> seen = new ArrayList<>();
    Model<Tensor> m = xs -> scan((Tensor c, Tensor x) -> {
      seen.add(x);
      return ScanStep.of(c.add(x), x.mul(2.0));
    }, Tensor.scalar(0.0), xs);
    Tensor data = Tensor.of(1.0, 2.0, 3.0);
    m.run(data);
    Autodiff.noGrad(() -> {
      m.run(data); // without recording too: the same views, no copies
      return null;
    });
    for (int t = 0; t < 6; t++) {
      assertTrue(seen.get(t).sharesStorage(data), "row " + t + " is a view of the input");
      assertEquals(data.get(t % 3), seen.get(t).item(), 0.0);
    }
    Tensor equalValues = Tensor.of(1.0, 2.0, 3.0);
    Tensor other = Tensor.of(4.0, 5.0, 6.0);
    seen.clear();
    m.run(equalValues);
    m.run(other);
    for (int t = 0; t < 3; t++) {
      assertEquals(equalValues.get(t), seen.get(t).item(), 0.0);
      assertEquals(other.get(t), seen.get(3 + t).item(), 0.0);
    }
  }

  @Test
  void trackedInputsAreSlicedOnTheirOwnTape() {
    Model<Tensor> m = xs -> scan((Tensor c, Tensor x) -> {
      sample("a", Normal.of(x.mul(c.add(1.0)), Tensor.scalar(1.0)));
      return ScanStep.of(c.add(x.square()), c);
    }, Tensor.scalar(0.0), xs);
    Tensor a = Tensor.of(0.3, -0.2, 0.9);
    Tensor data = Tensor.of(0.5, 1.5, -1.0);
    java.util.function.Function<Map<String, Tensor>, Tensor> density = p ->
        Handlers.trace(Handlers.substitute(m, Map.of("a", a))).getTrace(p.get("xs")).logProbSum();
    GradCheck.assertGradients(density, Map.of("xs", data));
    GradCheck.assertGradients(density, Map.of("xs", data)); // again, over the same input values
  }
}
