// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.data;

import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Synthetic data from a latent AR(1) process observed with noise: {@code series} independent
 * series of {@code steps} time steps,
 *
 * <pre>
 *   z[b, 0] ~ Normal(0, 1)
 *   z[b, t] = phi * z[b, t-1] + sigma * e[b, t],   t &gt;= 1, e ~ Normal(0, 1)
 *   y[b, t] = z[b, t] + tau * o[b, t],                  o ~ Normal(0, 1)
 * </pre>
 *
 * <p>The draws are fixed by the seed, on every JVM: a {@link SplittableRandom}{@code (seed)}
 * gives each standard normal as {@code sqrt(-2 ln(1 - u1)) cos(2 pi u2)} from two successive
 * {@code nextDouble()} values {@code u1, u2} (Box-Muller, one normal per pair, with
 * {@link StrictMath}). The first {@code B*T} normals, in row-major {@code [B, T]} order, are the
 * innovations {@code e} (normal {@code b*T} is {@code z[b, 0]} itself), the next {@code B*T} the
 * observation noise {@code o}.
 *
 * <pre>{@code
 * Ar1Data data = Ar1Data.generate(64, 100);    // phi 0.8, sigma 0.5, tau 0.3, seed 12345
 * Tensor y = data.y();                         // [64, 100]
 * double[][] rows = data.yRows();              // one row per series, e.g. for Spark rows
 * Ar1Data other = Ar1Data.generate(8, 50, 0.95, 0.2, 0.1, 7L);
 * }</pre>
 *
 * <p>Tensors do not define value equality, so two records are {@code equals} only when they hold
 * the same tensor instances; compare {@link #z()} and {@link #y()} by value instead.
 *
 * @param series the number of independent series {@code B}, at least 1
 * @param steps the number of time steps {@code T}, at least 1
 * @param phi the autoregressive coefficient (finite; {@code |phi| >= 1} is allowed and gives a
 *     non-stationary series)
 * @param sigma the innovation scale, finite and positive
 * @param tau the observation noise scale, finite and positive
 * @param seed the seed of the {@link SplittableRandom} that drew the data
 * @param z the latent series, shape {@code [B, T]}
 * @param y the observed series, shape {@code [B, T]}
 */
public record Ar1Data(
    int series, int steps, double phi, double sigma, double tau, long seed, Tensor z, Tensor y) {

  /** Default autoregressive coefficient. */
  public static final double DEFAULT_PHI = 0.8;

  /** Default innovation scale. */
  public static final double DEFAULT_SIGMA = 0.5;

  /** Default observation noise scale. */
  public static final double DEFAULT_TAU = 0.3;

  /** Default seed. */
  public static final long DEFAULT_SEED = 12345L;

  /**
   * Checks the arguments and that both tensors have shape {@code [series, steps]}.
   *
   * @throws IllegalArgumentException naming the offending argument
   */
  public Ar1Data {
    checkArguments(series, steps, phi, sigma, tau);
    if (z == null || y == null) {
      throw new IllegalArgumentException("Ar1Data: " + (z == null ? "z" : "y") + " is null");
    }
    Shape expected = Shape.of(series, steps);
    if (!z.shape().equals(expected)) {
      throw new IllegalArgumentException(
          "Ar1Data: z has shape " + z.shape() + ", expected " + expected);
    }
    if (!y.shape().equals(expected)) {
      throw new IllegalArgumentException(
          "Ar1Data: y has shape " + y.shape() + ", expected " + expected);
    }
  }

  /**
   * {@code series} series of length {@code steps} with the defaults {@code phi = 0.8}, {@code
   * sigma = 0.5}, {@code tau = 0.3} and seed 12345.
   *
   * @throws IllegalArgumentException if {@code series} or {@code steps} is below 1
   */
  public static Ar1Data generate(int series, int steps) {
    return generate(series, steps, DEFAULT_PHI, DEFAULT_SIGMA, DEFAULT_TAU, DEFAULT_SEED);
  }

  /**
   * {@code series} series of length {@code steps} with the given parameters and seed.
   *
   * @throws IllegalArgumentException if {@code series} or {@code steps} is below 1, {@code phi}
   *     is not finite, or {@code sigma} or {@code tau} is not finite and positive; the message
   *     names the argument
   */
  public static Ar1Data generate(
      int series, int steps, double phi, double sigma, double tau, long seed) {
    checkArguments(series, steps, phi, sigma, tau);
    int n = Math.multiplyExact(series, steps);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] z = new double[n]; // [B, T]
    for (int b = 0; b < series; b++) {
      int row = b * steps;
      z[row] = normal(rng);
      for (int t = 1; t < steps; t++) {
        z[row + t] = phi * z[row + t - 1] + sigma * normal(rng);
      }
    }
    double[] y = new double[n]; // [B, T]
    for (int i = 0; i < n; i++) {
      y[i] = z[i] + tau * normal(rng);
    }
    Shape shape = Shape.of(series, steps);
    return new Ar1Data(
        series, steps, phi, sigma, tau, seed, Tensor.of(z, shape), Tensor.of(y, shape));
  }

  /** The observed series as fresh rows, {@code [B][T]}: row {@code b} is series {@code b}. */
  public double[][] yRows() {
    return y.toArray2d();
  }

  /** The latent series as fresh rows, {@code [B][T]}: row {@code b} is series {@code b}. */
  public double[][] zRows() {
    return z.toArray2d();
  }

  /** One standard normal from two successive uniforms (Box-Muller, cosine branch). */
  static double normal(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    // 1 - u1 is in (0, 1], so the logarithm is finite
    return StrictMath.sqrt(-2.0 * StrictMath.log(1.0 - u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  private static void checkArguments(int series, int steps, double phi, double sigma, double tau) {
    if (series < 1) {
      throw new IllegalArgumentException("Ar1Data: series must be at least 1, got " + series);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("Ar1Data: steps must be at least 1, got " + steps);
    }
    if (!Double.isFinite(phi)) {
      throw new IllegalArgumentException("Ar1Data: phi must be finite, got " + phi);
    }
    if (!(Double.isFinite(sigma) && sigma > 0)) {
      throw new IllegalArgumentException(
          "Ar1Data: sigma must be finite and positive, got " + sigma);
    }
    if (!(Double.isFinite(tau) && tau > 0)) {
      throw new IllegalArgumentException("Ar1Data: tau must be finite and positive, got " + tau);
    }
  }
}
