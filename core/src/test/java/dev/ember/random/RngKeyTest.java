// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RngKeyTest {

  @Test
  void sameKeySameNumbers() {
    double[] a = Samplers.normal(RngKey.of(3), Shape.of(1000)).toArray();
    double[] b = Samplers.normal(RngKey.of(3), Shape.of(1000)).toArray();
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void sameNumbersOnConcurrentThreads() throws Exception {
    double[] alone = Samplers.gamma(RngKey.of(9), dev.ember.tensor.Tensor.scalar(0.7),
        Shape.of(5000)).toArray();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<double[]>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          start.await();
          return Samplers.gamma(RngKey.of(9), dev.ember.tensor.Tensor.scalar(0.7),
              Shape.of(5000)).toArray();
        }));
      }
      start.countDown();
      for (Future<double[]> f : results) {
        assertArrayEquals(alone, f.get(), 0.0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void splitAndFoldInGiveDistinctKeys() {
    Set<RngKey> seen = new HashSet<>();
    RngKey root = RngKey.of(42);
    seen.add(root);
    for (RngKey k : root.split(1000)) {
      assertTrue(seen.add(k), "split produced a repeated key " + k);
    }
    for (long i = 0; i < 1000; i++) {
      assertTrue(seen.add(root.foldIn(i)), "foldIn produced a repeated key");
    }
    assertNotEquals(root.split(2)[0], root.split(3)[0], "split(n) depends on n, as in JAX");
  }

  /**
   * Sibling streams are uncorrelated: with n pairs of independent uniforms the sample correlation
   * has standard deviation 1/sqrt(n); 4/sqrt(n) is exceeded with probability 6e-5.
   */
  @Test
  void siblingStreamsAreUncorrelated() {
    int n = 20_000;
    RngKey root = RngKey.of(7);
    RngKey[] kids = root.split(3);
    List<RngKey> keys = List.of(kids[0], kids[1], kids[2], root.foldIn(0), root.foldIn(1),
        root.foldIn(2));
    double bound = 4.0 / Math.sqrt(n);
    for (int a = 0; a < keys.size(); a++) {
      for (int b = a + 1; b < keys.size(); b++) {
        double[] x = Samplers.uniform(keys.get(a), Shape.of(n)).toArray();
        double[] y = Samplers.uniform(keys.get(b), Shape.of(n)).toArray();
        double r = correlation(x, y);
        assertTrue(Math.abs(r) < bound, "streams " + a + "," + b + " correlate: r = " + r);
      }
    }
    // lag-1 autocorrelation within one stream
    double[] x = Samplers.uniform(kids[0], Shape.of(n + 1)).toArray();
    double[] head = java.util.Arrays.copyOfRange(x, 0, n);
    double[] tail = java.util.Arrays.copyOfRange(x, 1, n + 1);
    assertTrue(Math.abs(correlation(head, tail)) < bound);
  }

  static double correlation(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  @Test
  void splitRejectsNonPositiveCount() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RngKey.of(0).split(0));
    assertEquals("split: n must be >= 1, got 0", e.getMessage());
  }
}
