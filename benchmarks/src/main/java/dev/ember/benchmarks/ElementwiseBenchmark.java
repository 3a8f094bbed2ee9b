// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.benchmarks;

import dev.ember.tensor.Tensor;
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
 * Elementwise operations through {@link Tensor} against a bare {@code double[]} loop in the same
 * JVM. The fair baseline allocates its result, as a tensor operation must; the {@code Into}
 * variant writes into a preallocated array and shows what allocation itself costs.
 *
 * <pre>{@code
 * java -jar benchmarks/target/ember-benchmarks.jar ElementwiseBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ElementwiseBenchmark {
  /** Number of doubles per operand. */
  @Param({"1024", "102400"})
  public int n;

  private Tensor a;
  private Tensor b;
  private double[] x;
  private double[] y;
  private double[] into;

  /** Fills the operands with values in (0.5, 1.5). */
  @Setup
  public void setup() {
    x = new double[n];
    y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 0.5 + (i * 0.618034) % 1.0;
      y[i] = 1.5 - (i * 0.414214) % 1.0;
    }
    a = Tensor.of(x);
    b = Tensor.of(y);
    into = new double[n];
  }

  /** Tensor add. */
  @Benchmark
  public Tensor tensorAdd() {
    return a.add(b);
  }

  /** Bare loop add, allocating the result. */
  @Benchmark
  public double[] bareAdd() {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = x[i] + y[i];
    }
    return r;
  }

  /** Bare loop add into a preallocated array. */
  @Benchmark
  public double[] bareAddInto() {
    for (int i = 0; i < n; i++) {
      into[i] = x[i] + y[i];
    }
    return into;
  }

  /** Tensor mul. */
  @Benchmark
  public Tensor tensorMul() {
    return a.mul(b);
  }

  /** Bare loop mul, allocating the result. */
  @Benchmark
  public double[] bareMul() {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = x[i] * y[i];
    }
    return r;
  }

  /** Tensor exp. */
  @Benchmark
  public Tensor tensorExp() {
    return a.exp();
  }

  /** Bare loop exp, allocating the result. */
  @Benchmark
  public double[] bareExp() {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = Math.exp(x[i]);
    }
    return r;
  }
}
