// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors

/**
 * Explicit, splittable, counter-based randomness: keys ({@link dev.ember.random.RngKey}) and
 * samplers that are pure functions of a key and a shape ({@link dev.ember.random.Samplers}).
 *
 * <p>There is no global seed and no ambient generator anywhere in Ember (a test scans core's
 * sources for one). A key is two 32-bit words; new keys come from {@code split} and {@code
 * foldIn}, both the Threefry-2x32 block function (20 rounds) as in JAX, so that a key derived for
 * a step, a site or a row is the same on every thread and every Spark executor, whatever the
 * partitioning, and task retries repeat their numbers exactly.
 *
 * <pre>{@code
 * RngKey root = RngKey.of(2026);
 * RngKey[] k = root.split(2);
 * Tensor z = Samplers.normal(k[0], Shape.of(1024, 16));                   // [1024, 16]
 * Tensor c = Samplers.categorical(k[1], logits, Shape.of(1024));           // logits [1024, K]
 * Tensor rowNoise = Samplers.normal(root.foldIn(rowId), Shape.of(100));    // per-datum key
 * }</pre>
 *
 * <p>Element {@code i} of a sampler's output is a function of the key and {@code i} only: its
 * randomness is the stream of Threefry blocks at the counters {@code (0, i), (1, i), ...}. The
 * first block of a run of elements is computed as SIMD-friendly array passes; rejection samplers
 * take further blocks of their element's stream only when they need them. A row-carrying key
 * ({@link dev.ember.random.RowKeys}) draws each row of a plate from the row's own key instead,
 * so that the local sites of a data-parallel step do not depend on how the batch was assembled.
 *
 * <p>References: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC'11 (2011); JAX's PRNG design ({@code docs/jep/263-prng.md});
 * G. Marsaglia and W. W. Tsang, "The Ziggurat method for generating random variables" and "A
 * simple method for generating gamma variables" (both 2000); W. Hörmann, "The transformed
 * rejection method for generating Poisson random variables" (1993).
 */
package dev.ember.random;
