// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Ar1Data} against {@code tools/reference/ar1_data_reference.py}, an independent Python
 * re-implementation of {@link SplittableRandom} and of the generator (the command that regenerates
 * the resource is in its header).
 *
 * <p>Tolerance: 1e-12 relative to {@code max(|expected|, 1)}. Both sides do the same IEEE-754
 * double operations in the same order, except the logarithm and cosine of Box-Muller, which come
 * from glibc in Python and from fdlibm ({@link StrictMath}) here; both are within an ulp or so,
 * and the AR recursion with {@code |phi| < 1} does not amplify such errors, so results agree to a
 * few ulp of the data's scale (about 1). The floor of 1 on the scale covers values near 0, where
 * {@code phi z + sigma e} or {@code z + tau o} cancel and a relative error means nothing. The raw
 * generator outputs are compared exactly: they pin the Python re-implementation to the JDK.
 */
class Ar1DataTest {

  private static final double TOL = 1e-12;
  private static final ReferenceFile REF = ReferenceFile.load("/reference/ar1-data-reference.txt");

  private static void close(double expected, double actual, String what) {
    double err = Math.abs(actual - expected);
    assertTrue(err <= TOL * Math.max(Math.abs(expected), 1.0),
        () -> what + ": expected " + expected + ", got " + actual + " (error " + err + ")");
  }

  private static Ar1Data generate(String name) {
    return Ar1Data.generate((int) REF.integer(name + ".series"), (int) REF.integer(name + ".steps"),
        REF.scalar(name + ".phi"), REF.scalar(name + ".sigma"), REF.scalar(name + ".tau"),
        REF.integer(name + ".seed"));
  }

  @Test
  void pythonSplittableRandomIsTheJdks() {
    long[] longs = REF.integerVector("rng.nextLong");
    SplittableRandom rng = new SplittableRandom(12345);
    for (int i = 0; i < longs.length; i++) {
      assertEquals(longs[i], rng.nextLong(), "nextLong " + i);
    }
    double[] doubles = REF.vector("rng.nextDouble");
    rng = new SplittableRandom(12345);
    for (int i = 0; i < doubles.length; i++) {
      assertEquals(doubles[i], rng.nextDouble(), 0.0, "nextDouble " + i);
    }
  }

  @Test
  void smallCasesMatchEveryEntry() {
    for (String name : new String[] {"small", "custom"}) {
      Ar1Data data = generate(name);
      int series = data.series();
      int steps = data.steps();
      assertEquals(Shape.of(series, steps), data.z().shape());
      assertEquals(Shape.of(series, steps), data.y().shape());
      // the normals themselves, in draw order: e row-major, then o row-major
      double[][] e = REF.matrix(name + ".e");
      double[][] o = REF.matrix(name + ".o");
      SplittableRandom rng = new SplittableRandom(data.seed());
      for (double[][] noise : new double[][][] {e, o}) {
        for (int b = 0; b < series; b++) {
          for (int t = 0; t < steps; t++) {
            close(noise[b][t], Ar1Data.normal(rng), name + " normal [" + b + ", " + t + "]");
          }
        }
      }
      double[][] z = REF.matrix(name + ".z");
      double[][] y = REF.matrix(name + ".y");
      assertEquals(series, z.length);
      assertEquals(steps, z[0].length);
      for (int b = 0; b < series; b++) {
        for (int t = 0; t < steps; t++) {
          close(z[b][t], data.z().get(b, t), name + " z[" + b + ", " + t + "]");
          close(y[b][t], data.y().get(b, t), name + " y[" + b + ", " + t + "]");
        }
      }
    }
  }

  @Test
  void largeCaseMatchesSumsAndEntries() {
    Ar1Data data = generate("large");
    assertEquals(64, data.series());
    assertEquals(100, data.steps());
    for (String key : new String[] {"z", "y"}) {
      Tensor t = key.equals("z") ? data.z() : data.y();
      double[] v = t.toArray();
      // exact sums of the Java values, so the only difference is in the values themselves
      BigDecimal sum = BigDecimal.ZERO;
      BigDecimal sumAbs = BigDecimal.ZERO;
      BigDecimal sumSq = BigDecimal.ZERO;
      for (double x : v) {
        BigDecimal d = new BigDecimal(x);
        sum = sum.add(d);
        sumAbs = sumAbs.add(d.abs());
        BigDecimal sq = new BigDecimal(x * x);
        sumSq = sumSq.add(sq);
      }
      String p = "large." + key;
      double refAbs = REF.scalar(p + ".sumAbs");
      // each entry is within TOL of the data scale, so a sum is within TOL times the sum of |x|
      assertEquals(REF.scalar(p + ".sum"), sum.doubleValue(),
          TOL * refAbs, p + ".sum");
      assertEquals(refAbs, sumAbs.doubleValue(), TOL * refAbs, p + ".sumAbs");
      double refSq = REF.scalar(p + ".sumSq");
      // (x + d)^2 - x^2 is about 2 x d, with |d| <= TOL max(|x|, 1)
      assertEquals(refSq, sumSq.doubleValue(), 2 * TOL * (refSq + refAbs), p + ".sumSq");
      double[][] entries = REF.matrix(p + ".entry");
      for (double[] entry : entries) {
        int b = (int) entry[0];
        int s = (int) entry[1];
        close(entry[2], t.get(b, s), p + "[" + b + ", " + s + "]");
      }
    }
  }

  @Test
  void observationNoiseHasTheRightScale() {
    Ar1Data data = Ar1Data.generate(64, 100);
    double[] z = data.z().toArray();
    double[] y = data.y().toArray();
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < z.length; i++) {
      double o = (y[i] - z[i]) / data.tau();
      sum += o;
      sumSq += o * o;
    }
    int n = z.length;
    double mean = sum / n;
    double var = sumSq / n - mean * mean;
    // 6400 standard normals: mean sd 0.0125, variance sd 0.018; 5 sigma bounds
    assertTrue(Math.abs(mean) < 0.0625, "mean " + mean);
    assertTrue(Math.abs(var - 1) < 0.09, "variance " + var);
  }

  @Test
  void defaultsAndDeterminism() {
    Ar1Data a = Ar1Data.generate(4, 7);
    assertEquals(0.8, a.phi());
    assertEquals(0.5, a.sigma());
    assertEquals(0.3, a.tau());
    assertEquals(12345L, a.seed());
    Ar1Data b = Ar1Data.generate(4, 7, 0.8, 0.5, 0.3, 12345L);
    assertArrayEquals(a.z().toArray(), b.z().toArray(), 0.0);
    assertArrayEquals(a.y().toArray(), b.y().toArray(), 0.0);
    Ar1Data c = Ar1Data.generate(4, 7, 0.8, 0.5, 0.3, 12346L);
    assertTrue(c.y().get(0, 0) != a.y().get(0, 0));
    // z[0, 0] is the first normal whatever the size
    assertEquals(a.z().get(0, 0), Ar1Data.generate(1, 1).z().get(0, 0), 0.0);
  }

  @Test
  void rowsAreFreshCopies() {
    Ar1Data data = Ar1Data.generate(3, 5);
    double[][] rows = data.yRows();
    assertEquals(3, rows.length);
    assertEquals(5, rows[0].length);
    assertArrayEquals(data.y().toArray2d()[2], rows[2], 0.0);
    assertNotSame(rows, data.yRows());
    rows[0][0] = 1e9;
    assertTrue(data.y().get(0, 0) != 1e9);
    assertArrayEquals(data.z().toArray2d()[1], data.zRows()[1], 0.0);
  }

  @Test
  void singleStepAndSingleSeries() {
    Ar1Data one = Ar1Data.generate(1, 1);
    assertEquals(Shape.of(1, 1), one.y().shape());
    SplittableRandom rng = new SplittableRandom(12345);
    double z0 = Ar1Data.normal(rng);
    assertEquals(z0, one.z().get(0, 0), 0.0);
    assertEquals(z0 + 0.3 * Ar1Data.normal(rng), one.y().get(0, 0), 0.0);
  }

  @Test
  void argumentsAreChecked() {
    assertMessage("series", () -> Ar1Data.generate(0, 5));
    assertMessage("steps", () -> Ar1Data.generate(3, 0));
    assertMessage("steps", () -> Ar1Data.generate(3, -1));
    assertMessage("phi", () -> Ar1Data.generate(3, 5, Double.NaN, 0.5, 0.3, 1L));
    assertMessage("phi", () -> Ar1Data.generate(3, 5, Double.POSITIVE_INFINITY, 0.5, 0.3, 1L));
    assertMessage("sigma", () -> Ar1Data.generate(3, 5, 0.8, 0.0, 0.3, 1L));
    assertMessage("sigma", () -> Ar1Data.generate(3, 5, 0.8, Double.POSITIVE_INFINITY, 0.3, 1L));
    assertMessage("sigma", () -> Ar1Data.generate(3, 5, 0.8, Double.NaN, 0.3, 1L));
    assertMessage("tau", () -> Ar1Data.generate(3, 5, 0.8, 0.5, -0.3, 1L));
    assertMessage("tau", () -> Ar1Data.generate(3, 5, 0.8, 0.5, Double.NaN, 1L));
    // |phi| >= 1 is allowed: a non-stationary series
    assertEquals(Shape.of(2, 3), Ar1Data.generate(2, 3, 1.5, 0.5, 0.3, 1L).y().shape());
    Tensor ok = Tensor.zeros(2, 3);
    Tensor bad = Tensor.zeros(3, 2);
    assertMessage("z", () -> new Ar1Data(2, 3, 0.8, 0.5, 0.3, 1L, bad, ok));
    assertMessage("y", () -> new Ar1Data(2, 3, 0.8, 0.5, 0.3, 1L, ok, bad));
    assertMessage("y", () -> new Ar1Data(2, 3, 0.8, 0.5, 0.3, 1L, ok, null));
  }

  private static void assertMessage(String argument, Runnable r) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(ex.getMessage().contains(argument + " "),
        () -> "message should name " + argument + ": " + ex.getMessage());
  }
}
