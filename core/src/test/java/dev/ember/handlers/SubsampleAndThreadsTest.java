// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.subsample;
import static dev.ember.primitives.Scan.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.infer.LogDensity;
import dev.ember.primitives.ScanStep;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Subsampling is unbiased exactly (over all subsets); handler stacks are per thread. */
class SubsampleAndThreadsTest {
  private static final Tensor DATA = Tensor.of(0.3, -1.1, 2.0, 0.7, -0.4);
  private static final int N = 5;
  private static final int B = 2;

  static final Model<Tensor> MODEL = ys -> {
    Tensor mu = sample("mu", Normal.standard());
    try (Plate p = plate("data", N, B)) {
      Tensor batch = subsample(ys, 0);
      sample("y", Normal.of(mu, Tensor.scalar(1.0)).expand(batch.shape()), batch);
      assertEquals(B, p.subsampleSize());
    }
  };

  static final Model<Tensor> FULL = ys -> {
    Tensor mu = sample("mu", Normal.standard());
    try (Plate p = plate("data", N)) {
      sample("y", Normal.of(mu, Tensor.scalar(1.0)).expand(ys.shape()), ys);
      assertEquals(N, p.size());
    }
  };

  /**
   * Averaged over all C(5, 2) = 10 subsets, (N / B) sum_batch log p_i equals sum_all log p_i: each
   * datum is in 4 of the 10 subsets, so the average is (5/2)(4/10) = 1 times its term.
   */
  @Test
  void subsampledLogDensityAveragedOverAllSubsetsIsTheFullOne() {
    Tensor mu = Tensor.scalar(0.4);
    double full = LogDensity.logDensity(FULL, DATA, Map.of("mu", mu)).total().item();
    double sum = 0;
    int subsets = 0;
    for (int i = 0; i < N; i++) {
      for (int j = i + 1; j < N; j++) {
        LogDensity.Result r = LogDensity.logDensity(MODEL, DATA,
            Map.of("mu", mu, "data", Tensor.of(i, j)));
        assertEquals(2.5, r.trace().get("y").scale(), 0.0, "the scale is exactly N / B");
        sum += r.total().item();
        subsets++;
      }
    }
    assertEquals(10, subsets);
    assertEquals(full, sum / subsets, 1e-12);
  }

  @Test
  void seededPlatesDrawDistinctIndices() {
    Set<String> seen = new HashSet<>();
    for (long s = 0; s < 20; s++) {
      Trace t = Handlers.trace(Handlers.seed(MODEL, RngKey.of(s))).getTrace(DATA);
      double[] idx = t.get("data").value().toArray();
      assertEquals(B, idx.length);
      assertTrue(idx[0] != idx[1] && idx[0] >= 0 && idx[1] < N);
      seen.add(idx[0] < idx[1] ? idx[0] + "," + idx[1] : idx[1] + "," + idx[0]);
    }
    assertTrue(seen.size() > 3, "different keys give different subsets: " + seen);
  }

  static final Model<Tensor> WALK = xs -> scan((Tensor prev, Tensor x) -> {
    Tensor v = sample("v", Normal.of(prev.add(x), Tensor.scalar(1.0)));
    return ScanStep.of(v, v);
  }, Tensor.scalar(0.0), xs);

  /** Two threads run different models under different handlers at once, many times. */
  @Test
  void concurrentModelsProduceTheTracesTheyProduceAlone() throws Exception {
    double[] walkAlone = Handlers.trace(Handlers.seed(WALK, RngKey.of(1))).getTrace(Tensor.arange(8))
        .get("v").value().toArray();
    double muAlone = Handlers.trace(Handlers.seed(MODEL, RngKey.of(2))).getTrace(DATA)
        .get("mu").value().item();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Future<List<double[]>> walks = pool.submit(() -> {
        start.await();
        List<double[]> out = new ArrayList<>();
        for (int r = 0; r < 200; r++) {
          out.add(Handlers.trace(Handlers.seed(WALK, RngKey.of(1))).getTrace(Tensor.arange(8))
              .get("v").value().toArray());
        }
        return out;
      });
      Future<List<Double>> mus = pool.submit(() -> {
        start.await();
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < 200; r++) {
          out.add(Handlers.trace(Handlers.seed(MODEL, RngKey.of(2))).getTrace(DATA)
              .get("mu").value().item());
        }
        return out;
      });
      start.countDown();
      for (double[] w : walks.get()) {
        assertArrayEquals(walkAlone, w, 0.0);
      }
      for (double m : mus.get()) {
        assertEquals(muAlone, m, 0.0);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(HandlerStack.isEmpty());
  }
}
