// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

/**
 * The Threefry-2x32 block function with 20 rounds: a keyed bijection of 64-bit counters, the
 * counter-based generator JAX uses.
 *
 * <pre>{@code
 * long bits = Threefry.hash(0, 0, 0, 0); // 0x99ba4efe_6b200159: x1 in the high, x0 in the low word
 * }</pre>
 *
 * <p>References: Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11 (Random123); JAX's {@code threefry2x32} primitive.
 */
public final class Threefry {
  private Threefry() {}

  private static final int[] ROTATIONS = {13, 15, 26, 6, 17, 29, 16, 24};

  /** The Skein key-schedule parity constant. */
  private static final int PARITY = 0x1BD11BDA;

  /**
   * Encrypts the counter {@code (x0, x1)} under the key {@code (k0, k1)}.
   *
   * @return the two output words packed as {@code (long) y1 << 32 | y0 & 0xffffffffL}
   */
  public static long hash(int k0, int k1, int x0, int x1) {
    int k2 = PARITY ^ k0 ^ k1;
    x0 += k0;
    x1 += k1;
    for (int block = 0; block < 5; block++) {
      int rot = (block & 1) * 4; // rounds 0-3 use rotations 0-3, rounds 4-7 use 4-7, ...
      for (int r = 0; r < 4; r++) {
        x0 += x1;
        x1 = Integer.rotateLeft(x1, ROTATIONS[rot + r]);
        x1 ^= x0;
      }
      int s = block + 1; // key injection after every four rounds
      x0 += s % 3 == 0 ? k0 : s % 3 == 1 ? k1 : k2;
      x1 += (s + 1) % 3 == 0 ? k0 : (s + 1) % 3 == 1 ? k1 : k2;
      x1 += s;
    }
    return ((long) x1 << 32) | (x0 & 0xffffffffL);
  }

  /** The first output word of {@link #hash}. */
  static int low(long h) {
    return (int) h;
  }

  /** The second output word of {@link #hash}. */
  static int high(long h) {
    return (int) (h >>> 32);
  }
}
