// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ember.random.RngKey;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The radix order against a comparison sort of boxed positions by (key, position). */
class RadixOrderTest {

  static int[] reference(long[] keys) {
    return IntStream.range(0, keys.length).boxed()
        .sorted(Comparator.<Integer>comparingLong(i -> keys[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  @Test
  void ordersSignedKeysStablyLikeAComparisonSort() {
    RngKey key = RngKey.of(11);
    // below INSERTION_BELOW keys are ordered by insertion, from it on by radix passes
    int small = RadixOrder.INSERTION_BELOW;
    for (int n : new int[] {0, 1, 2, 31, small - 1, small, small + 1, 1000, 5000}) {
      long[] wide = new long[n];
      long[] few = new long[n];
      long[] sameHighBits = new long[n];
      for (int i = 0; i < n; i++) {
        wide[i] = key.bits(i); // any sign, any magnitude
        few[i] = (key.bits(n + i) & 3) - 1; // ties: stability matters
        sameHighBits[i] = Long.MIN_VALUE + (key.bits(2L * n + i) & 0xFF); // passes skipped
      }
      assertArrayEquals(reference(wide), RadixOrder.byKey(wide, n), "wide, n " + n);
      assertArrayEquals(reference(few), RadixOrder.byKey(few, n), "ties, n " + n);
      assertArrayEquals(reference(sameHighBits), RadixOrder.byKey(sameHighBits, n),
          "one high digit, n " + n);
    }
    long[] extremes = {Long.MAX_VALUE, 0, Long.MIN_VALUE, -1, 1, Long.MIN_VALUE};
    assertArrayEquals(reference(extremes), RadixOrder.byKey(extremes, extremes.length));
    long[] manyExtremes = new long[small + 10]; // the same values, repeated, by radix passes
    for (int i = 0; i < manyExtremes.length; i++) {
      manyExtremes[i] = extremes[(i * 5) % extremes.length];
    }
    assertArrayEquals(reference(manyExtremes),
        RadixOrder.byKey(manyExtremes, manyExtremes.length));
  }

  @Test
  void ordersAHundredThousandKeysOfEveryShapeLikeAComparisonSort() {
    // 100 000 keys: spread over all 64 bits; ids with gaps in a shuffled order; 65 536 values
    // with about 1.5 keys each (ties); and all but two keys in 20 low bits, under an outlier at
    // each end of the signed range
    RngKey key = RngKey.of(12);
    int n = 100_000;
    long[] spread = new long[n];
    long[] ids = new long[n];
    long[] ties = new long[n];
    long[] bunched = new long[n];
    for (int i = 0; i < n; i++) {
      spread[i] = key.bits(i);
      ids[i] = 3L * i + 7;
      ties[i] = (key.bits(n + i) & 0xFFFF) * 1_000_000L;
      bunched[i] = key.bits(2L * n + i) & 0xFFFFF;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates with the key's bits
      int j = (int) Long.remainderUnsigned(key.bits(3L * n + i), i + 1);
      long t = ids[i];
      ids[i] = ids[j];
      ids[j] = t;
    }
    bunched[17] = Long.MAX_VALUE;
    bunched[n - 5] = Long.MIN_VALUE;
    assertArrayEquals(reference(spread), RadixOrder.byKey(spread, n), "spread");
    assertArrayEquals(reference(ids), RadixOrder.byKey(ids, n), "shuffled ids");
    assertArrayEquals(reference(ties), RadixOrder.byKey(ties, n), "ties");
    assertArrayEquals(reference(bunched), RadixOrder.byKey(bunched, n), "bunched");
    // only the first n keys count
    long[] longer = Arrays.copyOf(spread, n + 3);
    longer[n] = Long.MIN_VALUE;
    assertArrayEquals(reference(spread), RadixOrder.byKey(longer, n), "a prefix");
  }

  @Test
  void ordersKeysDealtByTheirTopBitsLikeAComparisonSort() {
    // from TOP_DIGIT_FROM keys on they are dealt by their top 16 bits first; each bucket is then
    // ordered by insertion (under INSERTION_BELOW keys) or by the low digits, stably
    RngKey key = RngKey.of(13);
    int n = 3 * RadixOrder.TOP_DIGIT_FROM + 5;
    long[] smallTies = new long[n]; // 4 096 values in the top 12 bits: ~12 equal keys a bucket
    long[] largeTies = new long[n]; // 64 top digits of ~770 keys, 256 values under each
    long[] oneBucket = new long[n]; // one top digit (no dealing), any sign of the rest
    for (int i = 0; i < n; i++) {
      smallTies[i] = (key.bits(i) & 0xFFF) << 52;
      largeTies[i] = ((key.bits(n + i) & 0x3F) << 58) | (key.bits(2L * n + i) & 0xFF);
      oneBucket[i] = -1L - (key.bits(3L * n + i) & 0xFFFFFFFFFFFFL);
    }
    assertArrayEquals(reference(smallTies), RadixOrder.byKey(smallTies, n), "small buckets");
    assertArrayEquals(reference(largeTies), RadixOrder.byKey(largeTies, n), "large buckets");
    assertArrayEquals(reference(oneBucket), RadixOrder.byKey(oneBucket, n), "one bucket");
    // just below and at the threshold, the same order either way
    for (int m : new int[] {RadixOrder.TOP_DIGIT_FROM - 1, RadixOrder.TOP_DIGIT_FROM}) {
      assertArrayEquals(reference(Arrays.copyOf(largeTies, m)), RadixOrder.byKey(largeTies, m),
          "n " + m);
    }
  }
}
