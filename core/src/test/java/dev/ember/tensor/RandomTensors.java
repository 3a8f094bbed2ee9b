// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.tensor;

import java.util.SplittableRandom;

/**
 * Random shapes and test data for the tensor and autodiff tests, from a {@link SplittableRandom}
 * with a fixed seed (test data only: main code draws from {@code RngKey}).
 *
 * <pre>{@code
 * RandomTensors r = RandomTensors.seeded("exp");
 * Shape s = r.shape(0, 3);          // rank 0..3, dims 1..4
 * Tensor x = r.normal(s);
 * }</pre>
 */
public final class RandomTensors {
  /** Largest dimension of a random shape. */
  public static final int MAX_DIM = 4;

  private final SplittableRandom rng;

  private RandomTensors(long seed) {
    this.rng = new SplittableRandom(seed);
  }

  /** A generator seeded from a test's name, so each test sees its own fixed stream. */
  public static RandomTensors seeded(String name) {
    return new RandomTensors(0x45_6D_62_65_72L * 31 + name.hashCode());
  }

  /** An integer in {@code [0, bound)}. */
  public int nextInt(int bound) {
    return rng.nextInt(bound);
  }

  /** A uniform double in {@code [lo, hi)}. */
  public double uniform(double lo, double hi) {
    return rng.nextDouble(lo, hi);
  }

  /** A shape of rank in {@code [minRank, maxRank]} with dims in {@code [1, MAX_DIM]}. */
  public Shape shape(int minRank, int maxRank) {
    int rank = minRank + rng.nextInt(maxRank - minRank + 1);
    int[] d = new int[rank];
    for (int i = 0; i < rank; i++) {
      d[i] = 1 + rng.nextInt(MAX_DIM);
    }
    return Shape.of(d);
  }

  /**
   * A shape that broadcasts to {@code out}: some leading axes dropped, some of the rest set to 1.
   */
  public Shape broadcastableTo(Shape out) {
    int drop = rng.nextInt(out.rank() + 1);
    int[] d = out.sub(drop, out.rank()).toArray();
    for (int i = 0; i < d.length; i++) {
      if (rng.nextInt(3) == 0) {
        d[i] = 1;
      }
    }
    return Shape.of(d);
  }

  /** Standard normal values. */
  public Tensor normal(Shape s) {
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextGaussian();
    }
    return Tensor.of(d, s);
  }

  /** Uniform values in {@code [lo, hi)}. */
  public Tensor uniform(Shape s, double lo, double hi) {
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextDouble(lo, hi);
    }
    return Tensor.of(d, s);
  }

  /**
   * Normal values at least {@code margin} away from every point in {@code kinks} (redrawn until
   * they are), for functions that are not differentiable there.
   */
  public Tensor normalAwayFrom(Shape s, double margin, double... kinks) {
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      double v;
      boolean near;
      do {
        v = rng.nextGaussian();
        near = false;
        for (double k : kinks) {
          near |= Math.abs(v - k) < margin;
        }
      } while (near);
      d[i] = v;
    }
    return Tensor.of(d, s);
  }

  /** Random booleans. */
  public Tensor bools(Shape s) {
    double[] d = new double[s.numel()];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextBoolean() ? 1.0 : 0.0;
    }
    return Tensor.of(d, s).gt(0.5);
  }
}
