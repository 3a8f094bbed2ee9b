// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import static dev.ember.primitives.Primitives.deterministic;
import static dev.ember.primitives.Primitives.factor;
import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.primitives.ScanResult;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The handler algebra, each rule against a value computed independently. */
@SuppressWarnings("try") // scoped handlers are entered for their effect
class HandlersTest {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  private static double logN(double x, double mu, double s) {
    double z = (x - mu) / s;
    return -0.5 * z * z - Math.log(s) - LOG_SQRT_2PI;
  }

  static final Model<Tensor> TWO_SITES = y -> {
    Tensor a = sample("a", Normal.standard());
    Tensor b = sample("b", Normal.of(a, Tensor.scalar(2.0)));
    sample("y", Normal.of(b, Tensor.scalar(1.0)), y);
  };

  @Test
  void stackOrderProcessInnermostFirstPostprocessOutermostFirst() {
    StringBuilder log = new StringBuilder();
    class Named extends Messenger {
      final String n;

      Named(String n) {
        this.n = n;
      }

      @Override
      protected void process(Message m) {
        log.append("p").append(n);
      }

      @Override
      protected void postprocess(Message m) {
        log.append("q").append(n);
      }
    }
    try (Messenger outer = new Named("1").enter(); Messenger inner = new Named("2").enter()) {
      sample("x", Normal.standard(), Tensor.scalar(0.0));
    }
    assertEquals("p2p1q1q2", log.toString());
    assertTrue(HandlerStack.isEmpty());
  }

  @Test
  void seedGivesReproducibleAndDistinctDraws() {
    Trace t1 = Handlers.trace(Handlers.seed(TWO_SITES, RngKey.of(1))).getTrace(Tensor.scalar(0.0));
    Trace t2 = Handlers.trace(Handlers.seed(TWO_SITES, RngKey.of(1))).getTrace(Tensor.scalar(0.0));
    Trace t3 = Handlers.trace(Handlers.seed(TWO_SITES, RngKey.of(2))).getTrace(Tensor.scalar(0.0));
    assertEquals(t1.get("a").value().item(), t2.get("a").value().item(), 0.0);
    assertNotEquals(t1.get("a").value().item(), t3.get("a").value().item());
    assertNotEquals(t1.get("a").value().item(), t1.get("b").value().item());
  }

  @Test
  void seedOfBlockEqualsBlockOfSeed() {
    Model<Tensor> blocked = Handlers.block(TWO_SITES, m -> "a".equals(m.name()));
    Trace outer = Handlers.trace(Handlers.seed(blocked, RngKey.of(7))).getTrace(Tensor.scalar(0.0));
    Trace inner = Handlers.trace(Handlers.block(Handlers.seed(TWO_SITES, RngKey.of(7)),
        m -> "a".equals(m.name()))).getTrace(Tensor.scalar(0.0));
    assertFalse(outer.contains("a"), "the blocked site is hidden from the trace");
    assertEquals(outer.get("b").value().item(), inner.get("b").value().item(), 0.0);
  }

  @Test
  void replayLeavesObservedSitesAlone() {
    Trace guide = Handlers.trace(Handlers.substitute(Handlers.seed(TWO_SITES, RngKey.of(0)),
        Map.of("a", Tensor.scalar(0.5), "b", Tensor.scalar(-1.0)))).getTrace(Tensor.scalar(3.0));
    Trace model = Handlers.trace(Handlers.replay(Handlers.seed(TWO_SITES, RngKey.of(9)), guide))
        .getTrace(Tensor.scalar(9.0));
    assertEquals(0.5, model.get("a").value().item(), 0.0);
    assertEquals(-1.0, model.get("b").value().item(), 0.0);
    assertEquals(9.0, model.get("y").value().item(), 0.0, "observed data is not replayed");
    double expected = logN(0.5, 0, 1) + logN(-1.0, 0.5, 2) + logN(9.0, -1.0, 1);
    assertEquals(expected, model.logProbSum().item(), 1e-12);
  }

  @Test
  void conditionObservesSubstituteDoesNot() {
    Trace c = Handlers.trace(Handlers.condition(Handlers.seed(TWO_SITES, RngKey.of(0)),
        Map.of("a", Tensor.scalar(0.2)))).getTrace(Tensor.scalar(0.0));
    assertTrue(c.get("a").observed());
    assertEquals(0.2, c.get("a").value().item(), 0.0);
    Trace s = Handlers.trace(Handlers.substitute(Handlers.seed(TWO_SITES, RngKey.of(0)),
        Map.of("a", Tensor.scalar(0.2)))).getTrace(Tensor.scalar(0.0));
    assertFalse(s.get("a").observed());
  }

  @Test
  void scaleAndMaskComposeAndMaskStillSamples() {
    Model<Tensor> m = y -> {
      Tensor a = Handlers.scale(3.0).run(() ->
          Handlers.scale(0.5).run(() -> sample("a", Normal.standard())));
      Tensor masked = Handlers.mask(false).run(() -> sample("b", Normal.of(a, Tensor.scalar(1.0))));
      deterministic("bCopy", masked);
    };
    Trace t = Handlers.trace(Handlers.seed(m, RngKey.of(0))).getTrace(null);
    double a = t.get("a").value().item();
    assertEquals(1.5, t.get("a").scale(), 0.0);
    assertEquals(1.5 * logN(a, 0, 1), t.logProbs().get("a").item(), 1e-12);
    assertEquals(0.0, t.logProbs().get("b").item(), 0.0, "mask(false) contributes zero");
    assertNotEquals(0.0, t.get("b").value().item(), "but the site is still sampled");
    // a boolean mask with a scale: where(mask, 2 log p, 0)
    Model<Tensor> partial = y -> Handlers.scale(2.0).run(() -> Handlers.mask(Tensor.ofBooleans(true, false))
        .run(() -> sample("y", Normal.of(Tensor.zeros(2), Tensor.ones(2)), y)));
    Trace p = Handlers.trace(partial).getTrace(Tensor.of(0.5, 100.0));
    assertEquals(2 * logN(0.5, 0, 1), p.logProbSum().item(), 1e-12);
  }

  @Test
  void scaleAndMaskApplyToStackedScanSites() {
    Model<Tensor> m = xs -> Handlers.scale(0.25).run(() -> Handlers.timeMask(Tensor.ofBooleans(true, false, true))
        .run(() -> scan((Tensor c, Tensor x) -> {
          try (Plate p = plate("n", 2)) {
            return ScanStep.of(c, sample("x", Normal.of(x, Tensor.scalar(1.0))));
          }
        }, Tensor.scalar(0.0), xs)));
    Tensor values = Tensor.of(new double[] {0.1, 0.2, 1.3, 1.4, 2.5, 2.6}, 3, 2);
    Trace t = Handlers.trace(Handlers.substitute(m, Map.of("x", values))).getTrace(Tensor.arange(3));
    double expected = 0.25 * (logN(0.1, 0, 1) + logN(0.2, 0, 1) + logN(2.5, 2, 1) + logN(2.6, 2, 1));
    assertEquals(expected, t.logProbSum().item(), 1e-12);
  }

  @Test
  void scaleAndTimeVaryingMaskComposeInsideTheBody() {
    Model<Tensor> m = xs -> scan((Tensor c, Tensor x) -> ScanStep.of(c,
        Handlers.scale(2.0).run(() -> Handlers.mask(x.lt(2.0)).run(() ->
            sample("x", Normal.of(x, Tensor.scalar(1.0)))))), Tensor.scalar(0.0), xs);
    Tensor v = Tensor.of(0.5, 0.7, -3.0, 9.0);
    Trace t = Handlers.trace(Handlers.substitute(m, Map.of("x", v))).getTrace(Tensor.arange(4));
    assertEquals(2.0 * (logN(0.5, 0, 1) + logN(0.7, 1, 1)), t.logProbSum().item(), 1e-12);
    assertEquals(2.0, t.get("x").scale(), 0.0);
  }

  @Test
  void substituteInsideScanBroadcastsSlicesAndForecasts() {
    Model<Void> walk = unused -> scan((Tensor prev, Tensor x) -> {
      Tensor v = sample("v", Normal.of(prev, Tensor.scalar(1.0)));
      return ScanStep.of(v, v);
    }, Tensor.scalar(0.0), null, 4, false);
    Trace one = Handlers.trace(Handlers.substitute(walk, Map.of("v", Tensor.scalar(2.0)))).getTrace(null);
    assertArrayEquals(new double[] {2, 2, 2, 2}, one.get("v").value().toArray(), 0.0);
    Trace each = Handlers.trace(Handlers.substitute(walk, Map.of("v", Tensor.of(1, 2, 3, 4)))).getTrace(null);
    assertArrayEquals(new double[] {1, 2, 3, 4}, each.get("v").value().toArray(), 0.0);
    Trace forecast = Handlers.trace(Handlers.substitute(Handlers.seed(walk, RngKey.of(3)),
        Map.of("v", Tensor.of(1, 2)))).getTrace(null);
    assertArrayEquals(new double[] {1, 2}, forecast.get("v").value().slice(0, 0, 2).toArray(), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        Handlers.trace(Handlers.substitute(walk, Map.of("v", Tensor.arange(5)))).getTrace(null));
    assertEquals("site 'v': the substituted value has 5 steps on its time axis but the scan has 4 steps",
        e.getMessage());
  }

  @Test
  void reverseScansKeepPositions() {
    Model<Void> walk = unused -> scan((Tensor prev, Tensor x) -> {
      Tensor v = sample("v", Normal.of(prev, Tensor.scalar(1.0)));
      return ScanStep.of(v, v);
    }, Tensor.scalar(0.0), null, 3, true);
    Tensor series = Tensor.of(10, 20, 30);
    Trace t = Handlers.trace(Handlers.substitute(walk, Map.of("v", series))).getTrace(null);
    assertArrayEquals(series.toArray(), t.get("v").value().toArray(), 0.0);
    // run in reverse: position 2 first (its mean is the initial 0), then 1 (mean 30), then 0 (mean 20)
    double expected = logN(30, 0, 1) + logN(20, 30, 1) + logN(10, 20, 1);
    assertEquals(expected, t.logProbSum().item(), 1e-12);
  }

  @Test
  void scopeRenamesInsideAndOutsideScans() {
    Model<Tensor> m = xs -> Handlers.scope("enc").run(() -> {
      sample("a", Normal.standard());
      return scan((Tensor c, Tensor x) -> ScanStep.of(c, sample("x", Normal.standard())),
          Tensor.scalar(0.0), xs);
    });
    Trace t = Handlers.trace(Handlers.substitute(Handlers.seed(m, RngKey.of(0)),
        Map.of("enc/x", Tensor.of(1, 2)))).getTrace(Tensor.arange(2));
    assertEquals(List.of("enc/a", "enc/x"), List.copyOf(t.sites().keySet()));
    assertArrayEquals(new double[] {1, 2}, t.get("enc/x").value().toArray(), 0.0);
  }

  @Test
  void paramsTakeSubstitutedValuesElseTheirInit() {
    Model<Void> m = unused -> param("w", Tensor.of(1, 2), Constraints.positive());
    Trace init = Handlers.trace(m).getTrace(null);
    assertArrayEquals(new double[] {1, 2}, init.get("w").value().toArray(), 0.0);
    assertEquals(Constraints.positive(), init.get("w").constraint());
    Trace sub = Handlers.trace(Handlers.substitute(m, Map.of("w", Tensor.of(3, 4)))).getTrace(null);
    assertArrayEquals(new double[] {3, 4}, sub.get("w").value().toArray(), 0.0);
  }

  @Test
  void factorAddsToTheLogJoint() {
    Model<Void> m = unused -> factor("f", Tensor.of(-1.5, 0.25));
    assertEquals(-1.25, Handlers.trace(m).getTrace(null).logProbSum().item(), 0.0);
  }

  @Test
  void obsMaskSplitsTheSite() {
    Model<Tensor> m = y -> sample("y", Normal.of(Tensor.zeros(3), Tensor.ones(3)), y,
        Tensor.ofBooleans(true, false, true));
    Trace t = Handlers.trace(Handlers.seed(m, RngKey.of(0))).getTrace(Tensor.of(0.5, Double.NaN, -0.5));
    assertEquals(2 * logN(0.5, 0, 1), t.logProbs().get("y_observed").item(), 1e-12);
    double drawn = t.get("y_unobserved").value().get(1);
    assertEquals(logN(drawn, 0, 1), t.logProbs().get("y_unobserved").item(), 1e-12);
    assertArrayEquals(new double[] {0.5, drawn, -0.5}, t.get("y").value().toArray(), 0.0);
  }

  @Test
  void liftTurnsParamsIntoScoredSamplesOnce() {
    Model<Void> m = unused -> {
      Tensor w1 = param("w", Tensor.scalar(5.0));
      Tensor w2 = param("w2", Tensor.scalar(7.0));
      deterministic("sum", w1.add(w2));
    };
    Model<Void> lifted = Handlers.lift(m, name -> name.equals("w") ? Normal.of(0.0, 2.0) : null);
    Trace t = Handlers.trace(Handlers.seed(lifted, RngKey.of(4))).getTrace(null);
    assertEquals(SiteType.SAMPLE, t.get("w").type());
    double w = t.get("w").value().item();
    assertNotEquals(5.0, w, "drawn from the prior, not the init");
    assertEquals(SiteType.PARAM, t.get("w2").type());
    assertEquals(logN(w, 0, 2), t.logProbSum().item(), 1e-12);
    assertEquals(w + 7.0, t.get("sum").value().item(), 1e-12);
  }

  @Test
  void doInterventionFeedsDownstreamButRecordsTheSite() {
    Model<Void> m = unused -> {
      Tensor a = sample("a", Normal.standard());
      sample("b", Normal.of(a, Tensor.scalar(1.0)));
    };
    Model<Void> intervened = Handlers.doIntervention(m, Map.of("a", Tensor.scalar(10.0)));
    Trace t = Handlers.trace(Handlers.seed(intervened, RngKey.of(5))).getTrace(null);
    double a = t.get("a").value().item();
    assertNotEquals(10.0, a, "the site itself is still drawn");
    assertFalse(t.contains("a__CF"), "the intervened copy is hidden");
    // b's mean is the intervention, not a's draw: check through b's recorded distribution
    assertEquals(10.0, ((Normal) t.get("b").fn()).loc().item(), 0.0);
    Model<Tensor> scanned = xs -> Handlers.doIntervention(Map.of("x", Tensor.scalar(1.0))).run(() ->
        scan((Tensor c, Tensor x) -> ScanStep.of(c, sample("x", Normal.standard())), Tensor.scalar(0.0), xs));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Handlers.trace(Handlers.seed(scanned, RngKey.of(0))).getTrace(Tensor.arange(2)));
    assertTrue(e.getMessage().startsWith("doIntervention: site 'x' is inside a scan body"));
  }

  // ------------------------------------------------------------------ errors

  @Test
  void errorsNameTheSite() {
    Model<Void> dup = unused -> {
      sample("x", Normal.standard(), Tensor.scalar(0.0));
      sample("x", Normal.standard(), Tensor.scalar(0.0));
    };
    IllegalArgumentException d = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(dup).getTrace(null));
    assertTrue(d.getMessage().startsWith("duplicate site name 'x'"), d.getMessage());

    IllegalStateException k = assertThrows(IllegalStateException.class,
        () -> sample("z", Normal.standard()));
    assertTrue(k.getMessage().startsWith("sample site 'z' has no random key"), k.getMessage());

    IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> {
      try (Plate p = plate("n", 3)) {
        sample("w", Normal.of(Tensor.zeros(4), Tensor.ones(4)), Tensor.zeros(4));
      }
    });
    assertEquals("site 'w': its batch shape [4] has size 4 at dim -1, where plate 'n' has size 3; "
        + "make the distribution's parameters match the plate (or broadcast with 1)", size.getMessage());

    IllegalArgumentException maskType = assertThrows(IllegalArgumentException.class, () -> {
      try (Mask m = Handlers.mask(Tensor.of(1.0, 0.0))) {
        sample("q", Normal.standard(), Tensor.zeros(2));
      }
    });
    assertTrue(maskType.getMessage().startsWith("mask at site 'q': the mask must be a boolean tensor"));

    IllegalArgumentException obs = assertThrows(IllegalArgumentException.class,
        () -> sample("rate", dev.ember.dist.Exponential.of(Tensor.scalar(1.0)), Tensor.scalar(-1.0)));
    assertTrue(obs.getMessage().startsWith("site 'rate': Exponential: value -1.0"), obs.getMessage());

    assertThrows(IllegalArgumentException.class, () -> Handlers.scale(0.0));
    assertTrue(HandlerStack.isEmpty(), "failed blocks leave no handler behind");
  }

  @Test
  void scanRejectsWhatItCannotDoCorrectly() {
    UnsupportedOperationException inPlate = assertThrows(UnsupportedOperationException.class, () -> {
      try (Plate p = plate("n", 2)) {
        scan((Tensor c, Tensor x) -> ScanStep.of(c, c), Tensor.scalar(0), Tensor.arange(3));
      }
    });
    assertTrue(inPlate.getMessage().startsWith("scan inside plate 'n' is not supported: move the plate into the scan body"));
    UnsupportedOperationException inBody = assertThrows(UnsupportedOperationException.class, () ->
        scan((Tensor c, Tensor x) -> ScanStep.of(param("w", Tensor.scalar(1)), c), Tensor.scalar(0), Tensor.arange(3)));
    assertTrue(inBody.getMessage().startsWith("param 'w' inside a scan body"));
    UnsupportedOperationException nested = assertThrows(UnsupportedOperationException.class, () ->
        scan((Tensor c, Tensor x) -> {
          ScanResult<Tensor, Tensor> r = scan((Tensor c2, Tensor x2) -> ScanStep.of(c2, c2), c, Tensor.arange(2));
          return ScanStep.of(r.carry(), c);
        }, Tensor.scalar(0), Tensor.arange(3)));
    assertTrue(nested.getMessage().startsWith("a scan nested in a scan body is not supported"));
    assertTrue(HandlerStack.isEmpty());
  }

  @Test
  void scanOutputsAndCarriesAreTensorTrees() {
    record State(Tensor sum, Tensor count) {}
    ScanResult<State, List<Tensor>> r = scan(
        (State s, Tensor x) -> ScanStep.of(new State(s.sum().add(x), s.count().add(1.0)),
            List.of(x.mul(2.0), s.sum())),
        new State(Tensor.scalar(0), Tensor.scalar(0)), Tensor.of(1, 2, 3));
    assertEquals(6.0, r.carry().sum().item(), 0.0);
    assertEquals(3.0, r.carry().count().item(), 0.0);
    assertArrayEquals(new double[] {2, 4, 6}, r.ys().get(0).toArray(), 0.0);
    assertArrayEquals(new double[] {0, 1, 3}, r.ys().get(1).toArray(), 0.0);
    assertEquals(Shape.of(3), r.ys().get(1).shape());
  }
}
