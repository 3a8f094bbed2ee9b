// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import dev.ember.tensor.TensorBuilder;

import org.apache.commons.numbers.gamma.Erfc;

/**
 * Standard normal variates by Marsaglia and Tsang's Ziggurat with 256 layers, exact in the tails.
 *
 * <p>The half-density {@code f(x) = exp(-x^2 / 2)} on {@code x >= 0} is covered by 255
 * horizontal rectangles of equal area {@code v} stacked on a base strip of the same area (the
 * rectangle {@code [0, r] x [0, f(r)]} plus the tail beyond {@code r}). One 64-bit draw gives the
 * layer (bits 0-7), the sign (bit 8) and a 53-bit uniform {@code u} (bits 11-63); {@code x = u
 * X[layer]} lies under the curve outright when {@code u < X[layer + 1] / X[layer]}, which happens
 * for about 99% of draws and costs one multiply and a compare. Otherwise:
 *
 * <ol>
 *   <li>in the base layer, {@code x} beyond {@code r} is replaced by a draw from the tail, by
 *       Marsaglia's exact method ({@code x = -log(U1) / r}, {@code y = -log(U2)}, accept when
 *       {@code 2y > x^2}, return {@code r + x}): no truncation at any number of standard
 *       deviations, unlike the inversion of a 53-bit uniform, which ends at 8.2;
 *   <li>in the other layers, {@code x} is accepted when a uniform height in the layer falls below
 *       {@code f(x)};
 *   <li>a rejected draw starts over with a fresh 64-bit draw.
 * </ol>
 *
 * <p>All extra draws come from the element's own {@link ElementStream}. The tables are computed
 * once from {@code r} with {@code v = r f(r) + sqrt(pi/2) erfc(r / sqrt 2)} (Commons Numbers'
 * {@code Erfc}); the top layer then closes to within 1e-13 of {@code v}.
 *
 * <p>References: G. Marsaglia and W. W. Tsang, "The Ziggurat method for generating random
 * variables", J. Statistical Software 5(8), 2000; J. A. Doornik, "An improved Ziggurat method to
 * generate normal random samples" (2005), for {@code r} with 256 layers and for drawing the layer
 * and the uniform from separate bits; G. Marsaglia, "Generating a variable from the tail of the
 * normal distribution", Technometrics 6(1), 1964.
 */
final class NormalZiggurat {
  private NormalZiggurat() {}

  /** Number of layers, including the base strip. */
  static final int LAYERS = 256;

  /** Start of the tail for 256 layers (Doornik 2005). */
  static final double R = 3.6541528853610088;

  /** The common area of every layer, the base strip and its tail included. */
  static final double V =
      R * Math.exp(-0.5 * R * R) + Math.sqrt(Math.PI / 2) * Erfc.value(R / Math.sqrt(2));

  /** Right edges: layer {@code i} spans {@code [0, X[i]]}; {@code X[0] = V / f(R)}, X[256] = 0. */
  static final double[] X = new double[LAYERS + 1];

  /** {@code F[i] = f(X[i])}: layer {@code i >= 1} spans the heights {@code [F[i], F[i+1]]}. */
  static final double[] F = new double[LAYERS + 1];

  /** {@code X[i + 1] / X[i]}: below this fraction of its layer a point is under the curve. */
  private static final double[] RATIO = new double[LAYERS];

  static {
    double fr = Math.exp(-0.5 * R * R);
    X[0] = V / fr;
    X[1] = R;
    for (int i = 1; i < LAYERS - 1; i++) {
      X[i + 1] = Math.sqrt(-2 * Math.log(V / X[i] + Math.exp(-0.5 * X[i] * X[i])));
    }
    X[LAYERS] = 0;
    for (int i = 0; i <= LAYERS; i++) {
      F[i] = Math.exp(-0.5 * X[i] * X[i]);
    }
    for (int i = 0; i < LAYERS; i++) {
      RATIO[i] = X[i + 1] / X[i];
    }
  }

  /**
   * The normal given by the draw {@code bits}: the fast path inline, the rest from {@code more}.
   *
   * @param bits a fresh 64-bit draw
   * @param more the element's stream, for the rare draws that need more randomness
   */
  static double sample(long bits, ElementStream more) {
    double u = ElementStream.unit(bits);
    int layer = (int) bits & 0xff;
    if (u < RATIO[layer]) {
      double x = u * X[layer];
      return (bits & 0x100) == 0 ? x : -x;
    }
    return slow(bits, more);
  }

  /**
   * The normals of a block of elements from their draw-0 words: a branch-free pass writes the
   * fast-path value of every element and notes the (about 1%) elements whose draw misses the fast
   * path; a second pass settles those from their streams. Same values as {@link #sample}, twice
   * as fast as deciding element by element, because the first pass has no unpredictable branch.
   *
   * @param streams the sampler's streams, for the slow elements
   * @param start the index of the block's first element
   * @param len the number of elements in the block
   * @param y0 first words of draw 0 of the elements, {@code [len]}
   * @param y1 second words of draw 0 of the elements, {@code [len]}
   * @param out receives the normals at elements {@code start .. start + len)}
   * @param pending scratch space of at least {@code len} ints
   */
  static void block(
      Streams streams, int start, int len, int[] y0, int[] y1, TensorBuilder out,
      int[] pending) {
    int slow = 0;
    for (int j = 0; j < len; j++) {
      int layer = y1[j] & 0xff;
      // the top 53 bits of the packed draw (y0 high, y1 low), as in ElementStream.unit
      double u = ((y0[j] & 0xffffffffL) << 21 | y1[j] >>> 11) * 0x1.0p-53;
      double x = u * X[layer];
      long sign = (y1[j] & 0x100L) << 55; // bit 8 of the draw to the sign bit of the double
      out.set(start + j, Double.longBitsToDouble(Double.doubleToRawLongBits(x) | sign));
      pending[slow] = j;
      slow += u < RATIO[layer] ? 0 : 1;
    }
    for (int t = 0; t < slow; t++) {
      int j = pending[t];
      long bits = Threefry.pack(y0[j], y1[j]);
      out.set(start + j, slow(bits, streams.stream(start + j, 1)));
    }
  }

  /** Whether the draw is settled by the fast path (so that no stream is needed). */
  static boolean isFast(long bits) {
    return ElementStream.unit(bits) < RATIO[(int) bits & 0xff];
  }

  /**
   * The normal of a draw that the fast path settles, or NaN if it does not (then {@link #sample}
   * needs the element's stream).
   */
  static double fastOrNaN(long bits) {
    double u = ElementStream.unit(bits);
    int layer = (int) bits & 0xff;
    if (u < RATIO[layer]) {
      double x = u * X[layer];
      return (bits & 0x100) == 0 ? x : -x;
    }
    return Double.NaN;
  }

  /** Tail, wedge and retries. */
  static double slow(long bits, ElementStream more) {
    while (true) {
      double u = ElementStream.unit(bits);
      int layer = (int) bits & 0xff;
      double sign = (bits & 0x100) == 0 ? 1.0 : -1.0;
      double x = u * X[layer];
      if (u < RATIO[layer]) {
        return sign * x;
      }
      if (layer == 0) {
        return sign * tail(more);
      }
      double y = F[layer] + more.unit() * (F[layer + 1] - F[layer]);
      if (y < Math.exp(-0.5 * x * x)) {
        return sign * x;
      }
      bits = more.next();
    }
  }

  /** A draw from the normal tail beyond {@code R} (Marsaglia 1964). */
  private static double tail(ElementStream more) {
    while (true) {
      double x = -Math.log(more.openUnit()) / R;
      double y = -Math.log(more.openUnit());
      if (y + y > x * x) {
        return R + x;
      }
    }
  }
}
