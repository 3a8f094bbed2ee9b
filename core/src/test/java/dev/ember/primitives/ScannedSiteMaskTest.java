// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.primitives;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.handlers.HandlerStack;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A mask around a scan meets each stacked site {@code [T, B]} from the right, as in NumPyro; one
 * that does not broadcast into that shape fails naming the site and {@code timeMask}, which is
 * what a mask over time needs. Expected log-densities are sums of {@code log N(x; t, 1)} over the
 * kept entries, written out.
 */
@SuppressWarnings("try") // plates are entered for their effect
class ScannedSiteMaskTest {
  private static final int T = 3;
  private static final int B = 2;
  /** x[t][b]; step t's site is N(t, 1) over the plate. */
  private static final double[][] X = {{0.1, 0.2}, {1.3, 1.4}, {2.5, 2.6}};

  private static final Model<Tensor> MODEL = xs -> scan((Tensor c, Tensor x) -> {
    try (Plate p = plate("n", B)) {
      return ScanStep.of(c, sample("x", Normal.of(x, Tensor.scalar(1.0))));
    }
  }, Tensor.scalar(0.0), xs);

  private static double logN(double x, double mean) {
    return -0.5 * (x - mean) * (x - mean) - 0.5 * Math.log(2 * Math.PI);
  }

  private static double logDensity(Model<Tensor> m) {
    return Handlers.trace(Handlers.substitute(m, Map.of("x", Tensor.of(X))))
        .getTrace(Tensor.arange(T)).logProbSum().item();
  }

  private static String refusal(Tensor mask) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> logDensity(Handlers.mask(MODEL, mask)));
    assertTrue(HandlerStack.isEmpty(), "the failed run leaves no handler behind");
    return e.getMessage();
  }

  @Test
  void aMaskOverTimeFailsPointingToTimeMask() {
    assertEquals("mask at site 'x': a mask of shape [3] does not broadcast against the site's "
        + "batch shape [3, 2], whose axis 0 is the time axis of a scan of 3 steps (a mask lines "
        + "up with the rightmost axes); to mask time steps use Handlers.timeMask with a mask of "
        + "shape [3], or apply the mask inside the scan body",
        refusal(Tensor.ofBooleans(true, false, true)));
  }

  @Test
  void aMaskThatWouldGrowTheSiteFails() {
    String grows = refusal(Tensor.fullBoolean(true, 2, 1, 1));
    assertTrue(grows.startsWith("mask at site 'x': a mask of shape [2, 1, 1] does not broadcast "
        + "against the site's batch shape [3, 2]"), grows);
  }

  @Test
  void aMaskThatBroadcastsMasksTheRightmostAxis() {
    double expected = 0;
    for (int t = 0; t < T; t++) {
      expected += logN(X[t][1], t); // column 0 masked at every step
    }
    assertEquals(expected, logDensity(Handlers.mask(MODEL, Tensor.ofBooleans(false, true))), 1e-12);
  }

  @Test
  void theWrappedTimeMaskMasksSteps() {
    double expected = logN(X[0][0], 0) + logN(X[0][1], 0) + logN(X[2][0], 2) + logN(X[2][1], 2);
    assertEquals(expected,
        logDensity(Handlers.timeMask(MODEL, Tensor.ofBooleans(true, false, true))), 1e-12);
  }
}
