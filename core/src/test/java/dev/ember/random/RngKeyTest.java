// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tensor.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys: JAX's known answers, derivations, value semantics, and the independence of streams. */
class RngKeyTest {

  /**
   * {@code jax.random.split(jax.random.PRNGKey(0))} with the original (non-partitionable) Threefry
   * split, and the split of its first key, as printed in JAX's notebook "JAX - The Sharp Bits"
   * ({@code docs/notebooks/Common_Gotchas_in_JAX}, section on random numbers): {@code new key
   * [4146024105 967050713]}, {@code new subkey [2718843009 1272950319]}, then {@code new key
   * [2384771982 3928867769]}, {@code new subkey [1278412471 2182328957]}. MLX's {@code
   * random_tests.cpp} asserts the first pair too.
   */
  @Test
  void splitOfKeyZeroMatchesJax() {
    RngKey[] k = RngKey.of(0).split();
    assertEquals("RngKey[4146024105, 967050713]", k[0].toString());
    assertEquals("RngKey[2718843009, 1272950319]", k[1].toString());
    RngKey[] again = k[0].split();
    assertEquals("RngKey[2384771982, 3928867769]", again[0].toString());
    assertEquals("RngKey[1278412471, 2182328957]", again[1].toString());
  }

  /** {@code split(key(0), 3)} as asserted by MLX's {@code random_tests.cpp} ("test random split"). */
  @Test
  void splitInThreeMatchesMlx() {
    RngKey[] k = RngKey.of(0).split(3);
    assertEquals("RngKey[2467461003, 428148500]", k[0].toString());
    assertEquals("RngKey[3186719485, 3840466878]", k[1].toString());
    assertEquals("RngKey[2562233961, 1946702221]", k[2].toString());
  }

  /**
   * {@code fold_in(key, d) = threefry_2x32(key, [0, d])} for {@code d < 2^32}: with key 0 and
   * {@code d = 0} that is Random123's first known answer; with {@code d = 2} it is the block of
   * counter (0, 2), whose words appear in the JAX split above as the first words of both keys
   * (split(2) hashes the counters (0, 2) and (1, 3)).
   */
  @Test
  void foldInIsTheBlockOfTheData() {
    RngKey zero = RngKey.of(0);
    assertEquals(RngKey.fromWords(0x6b200159, 0x99ba4efe), zero.foldIn(0));
    assertEquals("RngKey[1797259609, 2579123966]", zero.foldIn(0).toString());
    RngKey[] split = zero.split();
    assertEquals(RngKey.fromWords(split[0].word0(), split[1].word0()), zero.foldIn(2));
    // the high 32 bits of data are the first counter word
    RngKey k = RngKey.of(99);
    long data = 0x0000000500000007L;
    long block = Threefry.threefry2x32(k.word0(), k.word1(), 5, 7);
    assertEquals(RngKey.fromWords(Threefry.word0(block), Threefry.word1(block)), k.foldIn(data));
  }

  @Test
  void bitsAreTheBlockOfTheCounter() {
    RngKey k = RngKey.of(0x13198a2e03707344L);
    // Random123's third known answer, counter 243f6a88 85a308d3
    assertEquals(0xc4923a9c483df7a0L, k.bits(0x243f6a8885a308d3L));
    assertEquals(0x6b20015999ba4efeL, RngKey.of(0).bits(0));
  }

  @Test
  void seedWordsAreHighAndLowHalves() {
    RngKey k = RngKey.of(0x0000000500000007L);
    assertEquals(5, k.word0());
    assertEquals(7, k.word1());
    assertEquals(RngKey.fromWords(-1, -1), RngKey.of(-1L));
    assertEquals("RngKey[4294967295, 4294967295]", RngKey.of(-1L).toString());
    assertEquals("RngKey[0, 42]", RngKey.of(42).toString());
  }

  @Test
  void valueSemantics() throws Exception {
    RngKey a = RngKey.of(123);
    assertEquals(a, RngKey.fromWords(a.word0(), a.word1()));
    assertEquals(a.hashCode(), RngKey.of(123).hashCode());
    assertNotEquals(a, RngKey.of(124));
    assertNotEquals(a, null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(a.foldIn(5));
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(a.foldIn(5), in.readObject());
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
      assertTrue(seen.add(root.foldIn(i)), "foldIn produced a repeated key at " + i);
    }
    // as in JAX, split(1) hashes the counter (0, 1): its key is foldIn(1)
    assertEquals(root.foldIn(1), root.split(1)[0]);
    assertNotEquals(root.split(2)[0], root.split(3)[0], "split(n) depends on n, as in JAX");
    assertArrayEquals(root.split(2), root.split(), "split() is split(2)");
  }

  /**
   * Streams of different keys, and the draws of one element, are uncorrelated: for n pairs of
   * independent uniforms the sample correlation is approximately N(0, 1/n), so |r| < 4/sqrt(n)
   * fails with probability 6e-5 per pair.
   */
  @Test
  void siblingStreamsAreUncorrelated() {
    int n = 20_000;
    double bound = 4.0 / Math.sqrt(n);
    RngKey root = RngKey.of(7);
    RngKey[] kids = root.split(3);
    List<RngKey> keys = new ArrayList<>(Arrays.asList(kids));
    keys.addAll(List.of(root, root.foldIn(0), root.foldIn(1), root.foldIn(2), kids[0].foldIn(0)));
    List<double[]> streams = new ArrayList<>();
    for (RngKey k : keys) {
      streams.add(Samplers.uniform(k, Shape.of(n)).toArray());
    }
    for (int a = 0; a < streams.size(); a++) {
      for (int b = a + 1; b < streams.size(); b++) {
        double r = Stats.correlation(streams.get(a), streams.get(b));
        assertTrue(Math.abs(r) < bound,
            "streams of " + keys.get(a) + " and " + keys.get(b) + " correlate: r = " + r);
      }
    }
    // lag-1 within one stream
    double[] x = streams.get(0);
    double r1 = Stats.correlation(
        Arrays.copyOfRange(x, 0, n - 1), Arrays.copyOfRange(x, 1, n));
    assertTrue(Math.abs(r1) < 4.0 / Math.sqrt(n - 1), "lag-1 autocorrelation " + r1);
    // draw 0 and draw 1 of each element (the fast path and the first extra draw)
    double[] d0 = new double[n];
    double[] d1 = new double[n];
    for (int i = 0; i < n; i++) {
      d0[i] = ElementStream.unit(kids[0].bits(i));
      d1[i] = ElementStream.unit(kids[0].bits(1L << 32 | i));
    }
    assertArrayEquals(streams.get(0), d0, 0.0, "uniform takes draw 0 of each element");
    double r01 = Stats.correlation(d0, d1);
    assertTrue(Math.abs(r01) < bound, "draws 0 and 1 correlate: r = " + r01);
  }

  /**
   * The bits of split keys are balanced: over 4000 keys each of the 64 bits is set about half the
   * time (binomial(4000, 1/2): standard deviation 31.6, tolerance 5 of them).
   */
  @Test
  void splitKeyBitsAreBalanced() {
    RngKey[] keys = RngKey.of(3).split(4000);
    for (int bit = 0; bit < 64; bit++) {
      int ones = 0;
      for (RngKey k : keys) {
        long words = Threefry.pack(k.word0(), k.word1());
        ones += (int) (words >>> bit) & 1;
      }
      assertEquals(2000, ones, 5 * Math.sqrt(1000), "bit " + bit);
    }
  }

  @Test
  void splitRejectsCountsOutOfRange() {
    assertEquals("split: n must be in [1, 2^30], but got 0",
        assertThrows(IllegalArgumentException.class, () -> RngKey.of(0).split(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RngKey.of(0).split(-3));
    assertThrows(IllegalArgumentException.class, () -> RngKey.of(0).split((1 << 30) + 1));
  }
}
