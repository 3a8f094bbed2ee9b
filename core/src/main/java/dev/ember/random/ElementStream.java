// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

/**
 * The private stream of random words of one element of a sampler's output: draw {@code d} of
 * element {@code i} is the Threefry block of the counter {@code (d, i)} under the sampler's key.
 *
 * <p>Rejection samplers take as many draws as an element needs from its own stream, so the value
 * of element {@code i} depends on the key and {@code i} only, never on how many tries another
 * element took, on the order of evaluation or on the thread. Element indices are below {@code
 * 2^31} (a tensor's size is an {@code int}), so no two (draw, element) pairs share a counter.
 *
 * <p>Not thread-safe, and not meant to be: each stream lives inside one sampler loop iteration.
 */
final class ElementStream {
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final int k0;
  private final int k1;
  private final int element;
  private int draw;

  /**
   * The stream of {@code element} under {@code key}, positioned at draw {@code firstDraw} (draws
   * below it have been consumed already, e.g. by a batched fast path).
   */
  ElementStream(RngKey key, int element, int firstDraw) {
    this(key.word0(), key.word1(), element, firstDraw);
  }

  /** The same, for the key of the words {@code (k0, k1)}. */
  ElementStream(int k0, int k1, int element, int firstDraw) {
    this.k0 = k0;
    this.k1 = k1;
    this.element = element;
    this.draw = firstDraw;
  }

  /** The next 64 random bits. */
  long next() {
    return Threefry.threefry2x32(k0, k1, draw++, element);
  }

  /** A uniform double in [0, 1) on the grid of step 2^-53. */
  double unit() {
    return unit(next());
  }

  /**
   * A uniform double in the open interval (0, 1) on the grid of step 2^-53, so that {@code
   * log(u)} and {@code log(1 - u)} are finite: a zero (probability 2^-53) is drawn again.
   */
  double openUnit() {
    long b;
    do {
      b = next() >>> 11;
    } while (b == 0);
    return b * TWO_POW_MINUS_53;
  }

  /** A standard normal. */
  double normal() {
    return NormalZiggurat.sample(next(), this);
  }

  /** The top 53 bits of a draw as a double in [0, 1). */
  static double unit(long bits) {
    return (bits >>> 11) * TWO_POW_MINUS_53;
  }
}
