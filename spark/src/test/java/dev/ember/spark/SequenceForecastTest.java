// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Predictive;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forecasting models fitted on padded batches: observations past the data are drawn where they
 * are sampled, so they flow into a scan's carry; observed steps keep the data.
 */
@SuppressWarnings("try") // plates are entered for their effect
class SequenceForecastTest {
  static final double PHI = 0.8;
  static final double S = 0.5;

  /** An AR(1) on the observations: y_t ~ N(phi y_{t-1}, s), the carry is y_t (no latent). */
  static final Model<SequenceBatch> AR_ON_Y = batch -> {
    int b = batch.size();
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        Tensor y = sample("y", Normal.of(prev.mul(PHI), Tensor.scalar(S)).mask(x.get(1)),
            x.get(0));
        return ScanStep.of(y, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(batch.values(), batch.observed()));
  };

  /** i.i.d. observations N(2, s) as one vectorized site [T, B] outside any scan. */
  static final Model<SequenceBatch> FLAT = batch -> {
    try (Plate p = plate("series", batch.size())) {
      sample("y", Normal.of(Tensor.full(2.0, batch.values().shape()), Tensor.scalar(S))
          .mask(batch.observed()), batch.values());
    }
  };

  static final Model<SequenceBatch> NO_GUIDE = batch -> { };

  static Map<String, Tensor> forecast(Model<SequenceBatch> model, SequenceBatch batch, int n) {
    return Predictive.of(SequenceForecast.model(model, "series"), SequenceForecast.guide(NO_GUIDE),
            n)
        .seeding((m, d, k) -> Handlers.seedRows(m, k, "series", d.ids()))
        .returnSites("y")
        .run(RngKey.of(8), batch, Map.of());
  }

  @Test
  void drawnObservationsFlowIntoTheCarry() {
    double last = 1.5;
    int h = 4;
    int n = 3000;
    SequenceBatch batch = SequenceBatch.of(new long[] {3, 4},
        new double[][] {{0.2, -0.1, last}, {0.7, last}}, 2).withHorizon(h);
    Tensor y = forecast(AR_ON_Y, batch, n).get("y"); // [n, 3 + h, 2]
    for (int t = 0; t < 3; t++) {
      assertEquals(batch.values().get(t, 0), y.select(2, 0).select(1, t).mean().item(), 1e-12,
          "observed steps keep the data");
    }
    // series 0 ends at step 2; series 1 at step 1 (its padding at step 2 is drawn too): both
    // forecasts from y = last, mean phi^k last, variance s^2 (1 - phi^2k) / (1 - phi^2)
    for (int r = 0; r < 2; r++) {
      int end = r == 0 ? 2 : 1;
      for (int k = 1; end + k < 3 + h; k++) {
        Tensor col = y.select(2, r).select(1, end + k);
        double mean = col.mean().item();
        double sd = S * Math.sqrt((1 - Math.pow(PHI, 2 * k)) / (1 - PHI * PHI));
        assertEquals(Math.pow(PHI, k) * last, mean, 4 * sd / Math.sqrt(n),
            "series " + r + ", k = " + k);
      }
    }
  }

  @Test
  void aVectorizedObservationSiteIsDrawnPastTheData() {
    int n = 2000;
    SequenceBatch batch = SequenceBatch.of(new long[] {9}, new double[][] {{5.0, 6.0}}, 1)
        .withHorizon(2);
    Tensor y = forecast(FLAT, batch, n).get("y"); // [n, 4, 1]
    assertEquals(5.0, y.get(0, 0, 0), 0.0);
    assertEquals(6.0, y.get(n - 1, 1, 0), 0.0);
    for (int t = 2; t < 4; t++) {
      double mean = y.select(1, t).mean().item();
      assertEquals(2.0, mean, 4 * S / Math.sqrt(n), "step " + t);
    }
  }

  @Test
  void theGuideSeesTheHistoryAndTheModelNeedsASeed() {
    SequenceBatch batch = SequenceBatch.of(new long[] {1}, new double[][] {{1, 2, 3}}, 1)
        .withHorizon(5);
    int[] seen = new int[1];
    SequenceForecast.guide(b -> seen[0] = b.steps()).run(batch);
    assertEquals(3, seen[0]);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SequenceForecast.model(AR_ON_Y, "series").run(batch));
    assertTrue(e.getMessage().contains("seed"), e.getMessage());
  }
}
