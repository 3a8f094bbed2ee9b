// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import dev.ember.infer.optim.Adam;
import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Adam's update of one parameter of {@code n} doubles, as Ember runs it, against bare loops of
 * the same rule in the same JVM: into new arrays ({@link Adam#updateElements}: what a {@code
 * SparkSvi} executor runs on a minibatch's per-series params) against a bare loop allocating its
 * results, and in place ({@link Adam#updateInPlaceIfFinite}, a single-JVM fit's step, the
 * gradient checked first) against a bare in-place loop. At 20 480 doubles (512 series of two
 * params of 20 steps) and 204 800 (the reference model's {@code [100, 1 024]} loc and scale).
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar OptimizerBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OptimizerBenchmark {
  private static final double LR = 0.01;
  private static final double B1 = 0.9;
  private static final double B2 = 0.999;
  private static final double EPS = 1e-8;

  /** Doubles in the parameter. */
  @Param({"20480", "204800"})
  public int n;

  private final Adam adam = Adam.of(LR, B1, B2, EPS);
  private double[] x;
  private double[] g;
  private double[][] moments;
  private double[] xInto;
  private double[][] momentsInto;
  private OptimizerBuffers buffers;
  private Map<String, Tensor> grads;

  /**
   * A parameter, its gradient and moments of a few steps' size. The in-place variants move the
   * values by about the rate at every call, which keeps them finite over any run.
   */
  @Setup
  public void setup() {
    x = new double[n];
    g = new double[n];
    moments = new double[][] {new double[n], new double[n]};
    for (int i = 0; i < n; i++) {
      x[i] = Math.sin(0.37 * i);
      g[i] = Math.cos(0.11 * i);
      moments[0][i] = 0.1 * g[i];
      moments[1][i] = 0.01 * g[i] * g[i];
    }
    xInto = new double[n];
    momentsInto = new double[][] {new double[n], new double[n]};
    grads = Map.of("w", Tensor.of(g));
    buffers = OptimizerBuffers.copyOf(adam.init(Map.of("w", Tensor.of(x))));
  }

  /** Ember: into new arrays, allocated here as an executor's update allocates them. */
  @Benchmark
  public double[] emberIntoNew() {
    double[] xOut = new double[n];
    double[][] out = {new double[n], new double[n]};
    adam.updateElements(10, x, g, moments, xOut, out);
    return xOut;
  }

  /** Bare: into new arrays, one loop. */
  @Benchmark
  public double[] bareIntoNew() {
    double[] xOut = new double[n];
    double[] m = new double[n];
    double[] v = new double[n];
    double[] m0 = moments[0];
    double[] v0 = moments[1];
    double rate = LR / (1 - Math.pow(B1, 11.0));
    double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(B2, 11.0));
    for (int i = 0; i < n; i++) {
      double mi = (1 - B1) * g[i] + B1 * m0[i];
      double vi = (1 - B2) * (g[i] * g[i]) + B2 * v0[i];
      m[i] = mi;
      v[i] = vi;
      xOut[i] = x[i] - rate * mi / (Math.sqrt(vi) * invSqrtC2 + EPS);
    }
    return xOut;
  }

  /**
   * Bare: {@link #bareIntoNew} with a running sum of {@code g * 0} in its loop, a check of the
   * gradient's finiteness read along (the shape of Ember's kernel until it took two loops): an
   * ordered sum of doubles, which keeps the JIT from vectorizing the loop.
   */
  @Benchmark
  public double bareIntoNewSummingACheck() {
    double[] xOut = new double[n];
    double[] m = new double[n];
    double[] v = new double[n];
    double[] m0 = moments[0];
    double[] v0 = moments[1];
    double rate = LR / (1 - Math.pow(B1, 11.0));
    double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(B2, 11.0));
    double check = 0;
    for (int i = 0; i < n; i++) {
      double mi = (1 - B1) * g[i] + B1 * m0[i];
      double vi = (1 - B2) * (g[i] * g[i]) + B2 * v0[i];
      m[i] = mi;
      v[i] = vi;
      xOut[i] = x[i] - rate * mi / (Math.sqrt(vi) * invSqrtC2 + EPS);
      check += g[i] * 0.0;
    }
    return check + xOut[0];
  }

  /**
   * Bare: one loop into arrays allocated before, as Ember's kernel gets them from its caller: the
   * JIT cannot rule out that they overlap the arrays read, and runs the loop an element at a time.
   */
  @Benchmark
  public double[] bareIntoGivenOneLoop() {
    double[] xOut = xInto;
    double[] m = momentsInto[0];
    double[] v = momentsInto[1];
    double[] m0 = moments[0];
    double[] v0 = moments[1];
    double rate = LR / (1 - Math.pow(B1, 11.0));
    double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(B2, 11.0));
    for (int i = 0; i < n; i++) {
      double mi = (1 - B1) * g[i] + B1 * m0[i];
      double vi = (1 - B2) * (g[i] * g[i]) + B2 * v0[i];
      m[i] = mi;
      v[i] = vi;
      xOut[i] = x[i] - rate * mi / (Math.sqrt(vi) * invSqrtC2 + EPS);
    }
    return xOut;
  }

  /** Bare: {@link #bareIntoGivenOneLoop} as two loops, the moments and then the values (Ember's). */
  @Benchmark
  public double[] bareIntoGivenTwoLoops() {
    double[] xOut = xInto;
    double[] m = momentsInto[0];
    double[] v = momentsInto[1];
    double[] m0 = moments[0];
    double[] v0 = moments[1];
    for (int i = 0; i < n; i++) {
      m[i] = (1 - B1) * g[i] + B1 * m0[i];
      v[i] = (1 - B2) * (g[i] * g[i]) + B2 * v0[i];
    }
    double rate = LR / (1 - Math.pow(B1, 11.0));
    double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(B2, 11.0));
    for (int i = 0; i < n; i++) {
      xOut[i] = x[i] - rate * m[i] / (Math.sqrt(v[i]) * invSqrtC2 + EPS);
    }
    return xOut;
  }

  /** Ember: in place into buffers the fit owns, the gradient checked for finiteness first. */
  @Benchmark
  public boolean emberInPlace() {
    return adam.updateInPlaceIfFinite(grads, buffers);
  }

  /** Bare: in place, one loop, the finiteness check first. */
  @Benchmark
  public double[] bareInPlace() {
    for (double d : g) {
      if (!Double.isFinite(d)) {
        return null;
      }
    }
    double[] m = moments[0];
    double[] v = moments[1];
    double rate = LR / (1 - Math.pow(B1, 11.0));
    double invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(B2, 11.0));
    for (int i = 0; i < n; i++) {
      m[i] = (1 - B1) * g[i] + B1 * m[i];
      v[i] = (1 - B2) * (g[i] * g[i]) + B2 * v[i];
      x[i] -= rate * m[i] / (Math.sqrt(v[i]) * invSqrtC2 + EPS);
    }
    return x;
  }
}
