// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static dev.ember.random.Stats.assertChiSquare;
import static dev.ember.random.Stats.assertKs;
import static dev.ember.random.Stats.assertMoments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import java.util.Arrays;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.InverseErfc;
import org.junit.jupiter.api.Test;

/**
 * The Ziggurat normal sampler: its tables against their defining equations, and its output over
 * 2^20 draws against the normal CDF in the body, in 1024 equiprobable bins (which see every layer
 * and wedge), and in the tail beyond r.
 */
class NormalZigguratTest {
  private static final int BIG = 1 << 20;

  /** Upper tail probability of the standard normal, Q(x) = erfc(x / sqrt 2) / 2. */
  private static double q(double x) {
    return 0.5 * Erfc.value(x / Math.sqrt(2));
  }

  /**
   * Every layer has area v: the base strip is r f(r) plus the tail, layers 1..254 are X[i] (F[i +
   * 1] - F[i]) by the recursion, and the top layer X[255] (1 - F[255]) closes to v, which is what
   * pins r. v agrees with the 0.00492867323399 that NumPy's Ziggurat uses with the same r to the
   * 11 digits that constant carries.
   */
  @Test
  void tablesSatisfyTheirDefinitions() {
    double[] x = NormalZiggurat.X;
    double[] f = NormalZiggurat.F;
    double r = NormalZiggurat.R;
    double v = NormalZiggurat.V;
    assertEquals(0.00492867323399, v, 5e-12 * v);
    assertEquals(r, x[1], 0.0);
    assertEquals(0.0, x[NormalZiggurat.LAYERS], 0.0);
    assertEquals(v, x[0] * Math.exp(-0.5 * r * r), 1e-15 * v, "base strip width");
    for (int i = 0; i < NormalZiggurat.LAYERS; i++) {
      assertTrue(x[i + 1] < x[i], "edges decrease at " + i);
      assertEquals(Math.exp(-0.5 * x[i] * x[i]), f[i], 0.0);
    }
    for (int i = 1; i < NormalZiggurat.LAYERS; i++) {
      double area = x[i] * (f[i + 1] - f[i]);
      assertEquals(v, area, 1e-12 * v, "area of layer " + i);
    }
    double tail = Math.sqrt(Math.PI / 2) * Erfc.value(r / Math.sqrt(2));
    assertEquals(v, r * Math.exp(-0.5 * r * r) + tail, 1e-16, "base strip area");
  }

  /** 2^20 draws: moments, KS (critical value 1.95 / 1024 = 1.9e-3) and 1024 equiprobable bins. */
  @Test
  void bodyAndEveryLayer() {
    double[] z = Samplers.normal(RngKey.of(101), Shape.of(BIG)).toArray();
    assertMoments(z, 0, 1, 3, "normal, 2^20 draws");
    assertKs(z, v -> q(-v), "normal, 2^20 draws");
    int bins = 1024;
    double[] edges = new double[bins - 1]; // Phi^-1(k / bins), by Commons Numbers' InverseErfc
    for (int k = 1; k < bins; k++) {
      edges[k - 1] = -Math.sqrt(2) * InverseErfc.value(2.0 * k / bins);
    }
    double[] bin = new double[BIG];
    for (int i = 0; i < BIG; i++) {
      int at = Arrays.binarySearch(edges, z[i]);
      bin[i] = at >= 0 ? at + 1 : -at - 1;
    }
    assertChiSquare(bin, k -> k < 0 ? 0 : k >= bins - 1 ? 1 : (k + 1.0) / bins, 0, bins - 1,
        "normal in 1024 equiprobable bins");
  }

  /**
   * Beyond r = 3.654 (where the tail algorithm takes over): the count of |z| > r is binomial(2^20,
   * 2 Q(r)), mean 270.6, standard deviation 16.4, within 5 of them; the excesses follow the
   * conditional CDF 1 - Q(x) / Q(r) (KS, asymptotic critical value at alpha 0.001).
   */
  @Test
  void tailBeyondR() {
    double r = NormalZiggurat.R;
    double[] z = Samplers.normal(RngKey.of(102), Shape.of(BIG)).toArray();
    double[] tail = Arrays.stream(z).map(Math::abs).filter(v -> v > r).toArray();
    double p = 2 * q(r);
    assertEquals(BIG * p, tail.length, 5 * Math.sqrt(BIG * p * (1 - p)), "draws beyond r");
    assertKs(tail, v -> 1 - q(v) / q(r), "|z| given |z| > r");
  }

  /**
   * The tail algorithm alone, fed draws that land in the base strip beyond r: 20000 values, all
   * beyond r, distributed as 1 - Q(x) / Q(r), with no truncation (the largest is compared with
   * the inversion of a 53-bit uniform, which cannot exceed 8.3).
   */
  @Test
  void tailAlgorithm() {
    double r = NormalZiggurat.R;
    long baseLayerNearTop = -1L << 11; // layer 0, sign +, u = 1 - 2^-53
    RngKey key = RngKey.of(103);
    int n = 20_000;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = NormalZiggurat.slow(baseLayerNearTop & ~0x1ffL, new ElementStream(key, i, 1));
      assertTrue(x[i] > r, "tail draw " + x[i]);
    }
    assertKs(x, v -> 1 - q(v) / q(r), "tail algorithm");
    // expected maximum of 20000 tail draws is near Q^-1(Q(r) / 20000) = 5.9; 53-bit inversion
    // of the whole normal reaches 8.3 only with probability 2^-53 per draw
    double max = Arrays.stream(x).max().getAsDouble();
    assertTrue(max > 5 && max < 8, "largest tail draw " + max);
  }

  /**
   * The wedge test of each layer accepts with the right probability. A draw of layer i whose x =
   * u X[i] falls in the wedge (u >= X[i+1] / X[i]) is accepted when a uniform height in [F[i],
   * F[i+1]] lies below f(x); over u uniform on the wedge that probability is the area between the
   * curve and the layer's floor, sqrt(pi/2) (erfc(X[i+1]/sqrt 2) - erfc(X[i]/sqrt 2)) - F[i] (X[i]
   * - X[i+1]), over the wedge's box (X[i] - X[i+1]) (F[i+1] - F[i]). A first-try acceptance
   * returns exactly u X[i]; the count over 20000 tries is binomial, checked within 5 standard
   * deviations, for layers across the table, the top one included.
   */
  @Test
  void wedgesAcceptWithTheRightProbability() {
    double[] x = NormalZiggurat.X;
    double[] f = NormalZiggurat.F;
    int n = 20_000;
    for (int layer : new int[] {1, 2, 10, 64, 128, 200, 250, 254, 255}) {
      double width = x[layer] - x[layer + 1];
      double underCurve = Math.sqrt(Math.PI / 2)
          * (Erfc.value(x[layer + 1] / Math.sqrt(2)) - Erfc.value(x[layer] / Math.sqrt(2)));
      double p = (underCurve - f[layer] * width) / (width * (f[layer + 1] - f[layer]));
      long firstK = (long) Math.ceil(x[layer + 1] / x[layer] * 0x1.0p53); // first u in the wedge
      double[] w = Samplers.uniform(RngKey.of(105).foldIn(layer), Shape.of(n)).toArray();
      RngKey key = RngKey.of(106).foldIn(layer);
      int accepted = 0;
      for (int i = 0; i < n; i++) {
        long k = firstK + (long) (w[i] * ((1L << 53) - firstK));
        long bits = k << 11 | layer;
        double u = k * 0x1.0p-53;
        double z = NormalZiggurat.slow(bits, new ElementStream(key, i, 1));
        accepted += z == u * x[layer] ? 1 : 0;
      }
      assertEquals(n * p, accepted, 5 * Math.sqrt(n * p * (1 - p)), "wedge of layer " + layer);
    }
  }

  /**
   * The block form used by the sampler (a branch-free pass, then the slow elements) gives the
   * values of the element-by-element definition, and the sign bit mirrors a settled draw (a
   * rejected one takes its sign from the next draw).
   */
  @Test
  void blockFormEqualsTheDefinition() {
    RngKey key = RngKey.of(104);
    int n = 100_000;
    double[] z = Samplers.normal(key, Shape.of(n)).toArray();
    int fast = 0;
    for (int i = 0; i < n; i++) {
      long bits = key.bits(i);
      assertEquals(NormalZiggurat.sample(bits, new ElementStream(key, i, 1)), z[i], 0.0);
      if (NormalZiggurat.isFast(bits)) {
        fast++;
        assertEquals(-z[i], NormalZiggurat.sample(bits ^ 0x100, new ElementStream(key, i, 1)));
      }
    }
    // the fast path's probability is the covered fraction, (sum of X[i+1]/X[i]) / 256
    double expected = 0;
    for (int i = 0; i < NormalZiggurat.LAYERS; i++) {
      expected += NormalZiggurat.X[i + 1] / NormalZiggurat.X[i] / NormalZiggurat.LAYERS;
    }
    assertEquals(expected * n, fast, 5 * Math.sqrt(n * expected * (1 - expected)));
    assertTrue(expected > 0.98, "fast-path fraction " + expected);
  }
}
