// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where the time of a fit's steps went, summed over its steps (nanoseconds): choosing the
 * minibatch (at an epoch's first step, the search of its boundaries), shipping the step's input,
 * the Spark job (tasks, their scheduling and the aggregation of their results), the driver's
 * update, and checkpoints; plus the time the executors spent in the steps' tasks ({@code compute},
 * summed over tasks, so up to the number of cores times the job's wall time) and of that the time
 * their threads ran on a CPU ({@code computeCpu}: less when a task's thread waited for a core),
 * and each step's wall time.
 *
 * <pre>{@code
 * SparkSviModel fit = sparkSvi.fit(data, 100);
 * System.out.println(fit.timings().summary());   // per-step means and the median, in ms
 * }</pre>
 *
 * @param steps the steps timed
 * @param select choosing the minibatch on the driver
 * @param broadcast shipping the step's input (a broadcast when it is large)
 * @param job the distributed job, from submission to merged result
 * @param compute the steps' tasks on the executors, summed over tasks
 * @param computeCpu the CPU time of the tasks' threads in that compute, summed over tasks
 * @param driver checking the result and the optimizer step
 * @param checkpoint writing checkpoints
 * @param stepNanos each step's wall time, in order
 * @param computeNanos each step's executor compute, summed over its tasks, in order
 * @param computeCpuNanos each step's executor compute on a CPU, summed over its tasks, in order
 */
public record StepTimings(long steps, long select, long broadcast, long job, long compute,
    long computeCpu, long driver, long checkpoint, long[] stepNanos, long[] computeNanos,
    long[] computeCpuNanos) implements Serializable {

  /** No steps yet. */
  public static StepTimings zero() {
    return new StepTimings(0, 0, 0, 0, 0, 0, 0, 0, new long[0], new long[0], new long[0]);
  }

  /** Collects a fit's step times on the driver, one step at a time. */
  static final class Recorder {
    private final long[] sums = new long[7];
    private long[] each = new long[64];
    private long[] eachCompute = new long[64];
    private long[] eachComputeCpu = new long[64];
    private int steps;

    /** Adds one step's parts ({@code comp} and {@code compCpu} are the executors', in the job). */
    void add(long sel, long bc, long jb, long comp, long compCpu, long drv, long ck) {
      long[] parts = {sel, bc, jb, comp, compCpu, drv, ck};
      for (int i = 0; i < parts.length; i++) {
        sums[i] += parts[i];
      }
      if (steps == each.length) {
        each = Arrays.copyOf(each, 2 * steps);
        eachCompute = Arrays.copyOf(eachCompute, 2 * steps);
        eachComputeCpu = Arrays.copyOf(eachComputeCpu, 2 * steps);
      }
      eachCompute[steps] = comp;
      eachComputeCpu[steps] = compCpu;
      each[steps++] = sel + bc + jb + drv + ck;
    }

    /** The steps so far. */
    StepTimings timings() {
      return new StepTimings(steps, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5],
          sums[6], Arrays.copyOf(each, steps), Arrays.copyOf(eachCompute, steps),
          Arrays.copyOf(eachComputeCpu, steps));
    }
  }

  /** The median wall time of the steps from {@code from} on, in ms (NaN without such steps). */
  public double medianStepMs(int from) {
    return medianMs(stepNanos, from);
  }

  /**
   * The median executor compute of the steps from {@code from} on, summed over each step's tasks,
   * in ms (NaN without such steps).
   */
  public double medianComputeMs(int from) {
    return medianMs(computeNanos, from);
  }

  /**
   * The median CPU time of the executor compute of the steps from {@code from} on, summed over
   * each step's tasks, in ms (NaN without such steps).
   */
  public double medianComputeCpuMs(int from) {
    return medianMs(computeCpuNanos, from);
  }

  private static double medianMs(long[] nanos, int from) {
    if (from >= nanos.length) {
      return Double.NaN;
    }
    long[] s = Arrays.copyOfRange(nanos, from, nanos.length);
    Arrays.sort(s);
    int m = s.length / 2;
    return (s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0) / 1e6;
  }

  /** The per-step means and the median step in milliseconds, one line. */
  public String summary() {
    double d = Math.max(steps, 1) * 1e6;
    return String.format(Locale.ROOT,
        "per step (ms): median %.3f; mean select %.3f, broadcast %.3f, job %.3f (executor"
            + " compute %.3f summed over tasks, %.3f of it on a CPU), driver %.3f, checkpoint"
            + " %.3f", medianStepMs(0), select / d, broadcast / d, job / d, compute / d,
        computeCpu / d, driver / d, checkpoint / d);
  }
}
