// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.Trace;
import dev.ember.infer.LogDensity;
import dev.ember.infer.TraceElbo;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code condition} with fewer values than scan steps observes the steps it has values for and
 * lets the later steps sample, as {@code substitute} does: the forecasting pattern. The truths:
 * the draws are those {@code substitute} makes with the same key; the first sampled step is
 * centred on the last observed value (the carry); the log-density is that of the same model
 * unrolled at the same values.
 */
class ConditionedPrefixTest {
  private static final int T = 6;
  private static final Tensor HEAD = Tensor.of(0.5, -0.5, 1.0);
  private static final Tensor OBSERVED_STEPS =
      Tensor.ofBooleans(true, true, true, false, false, false);

  /** x_t ~ N(x_{t-1}, 0.7) at positions 0..T-1, run forward or in reverse. */
  private static Model<Tensor> walk(boolean reverse) {
    return unused -> scan((Tensor prev, Tensor none) -> {
      Tensor x = sample("x", Normal.of(prev, Tensor.scalar(0.7)));
      return ScanStep.of(x, x);
    }, Tensor.scalar(0.0), null, T, reverse);
  }

  private static final Model<Tensor> WALK_UNROLLED = unused -> {
    Tensor prev = Tensor.scalar(0.0);
    for (int t = 0; t < T; t++) {
      prev = sample("x_" + t, Normal.of(prev, Tensor.scalar(0.7)));
    }
  };

  private static Site conditioned(boolean reverse) {
    return Handlers.trace(Handlers.condition(Handlers.seed(walk(reverse), RngKey.of(5)),
        Map.of("x", HEAD))).getTrace(null).get("x");
  }

  @Test
  void theGivenStepsAreObservedAndTheRestSampledAsSubstituteSamplesThem() {
    Site x = conditioned(false);
    assertArrayEquals(HEAD.toArray(), x.value().slice(0, 0, 3).toArray(), 0.0);
    assertTrue(x.observed(), "the site holds data");
    assertArrayEquals(OBSERVED_STEPS.toArray(), x.observedSteps().toArray(), 0.0);
    Site substituted = Handlers.trace(Handlers.substitute(Handlers.seed(walk(false), RngKey.of(5)),
        Map.of("x", HEAD))).getTrace(null).get("x");
    assertArrayEquals(substituted.value().toArray(), x.value().toArray(), 0.0, "the same draws");
    assertFalse(substituted.observed());
    assertNull(substituted.observedSteps());
    // step 3 continues from the last observed value, and is a draw, not a copy of it
    assertEquals(HEAD.get(2), ((Normal) x.fn()).loc().get(3), 0.0);
    assertNotEquals(HEAD.get(2), x.value().get(3));
  }

  @Test
  void theLogDensityIsTheUnrolledModelsAtTheSameValues() {
    Trace t = Handlers.trace(Handlers.condition(Handlers.seed(walk(false), RngKey.of(5)),
        Map.of("x", HEAD))).getTrace(null);
    Map<String, Tensor> values = new HashMap<>();
    for (int p = 0; p < T; p++) {
      values.put("x_" + p, t.get("x").value().select(0, p));
    }
    assertEquals(LogDensity.logDensity(WALK_UNROLLED, null, values).total().item(),
        t.logProbSum().item(), 1e-12);
  }

  @Test
  void aReverseScanConditionsByPosition() {
    Site x = conditioned(true);
    assertArrayEquals(HEAD.toArray(), x.value().slice(0, 0, 3).toArray(), 0.0);
    assertArrayEquals(OBSERVED_STEPS.toArray(), x.observedSteps().toArray(), 0.0);
    // run in reverse, position 2 (observed) follows position 3 (sampled)
    assertEquals(x.value().get(3), ((Normal) x.fn()).loc().get(2), 0.0);
  }

  @Test
  void moreValuesThanStepsFailNamingTheSite() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Handlers.trace(Handlers.condition(Handlers.seed(walk(false), RngKey.of(5)),
            Map.of("x", Tensor.zeros(T + 1)))).getTrace(null));
    assertEquals("site 'x': the conditioned value has 7 steps on its time axis but the scan has "
        + "6 steps", e.getMessage());
    assertTrue(HandlerStack.isEmpty());
  }

  @Test
  void anElboRefusesASiteObservedAtSomeStepsOnly() {
    Model<Tensor> model = Handlers.condition(walk(false), Map.of("x", HEAD));
    Model<Tensor> withGuide =
        unused -> sampleOverTime("x", Normal.of(Tensor.zeros(T), Tensor.ones(T)));
    Model<Tensor> withoutGuide = unused -> { };
    for (Model<Tensor> guide : java.util.List.of(withGuide, withoutGuide)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new TraceElbo().estimate(model, guide, null, RngKey.of(0)));
      assertTrue(e.getMessage().startsWith("ELBO: model site 'x' is observed at steps [0, 1, 2] "
          + "of its scan and sampled at steps [3, 4, 5] (e.g. by a condition with fewer values "
          + "than steps); an ELBO needs a scanned site observed at every step or at none"),
          e.getMessage());
    }
    assertTrue(HandlerStack.isEmpty());
  }
}
