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
 * and of that compute, with per-series params, the tasks' work on their state ({@link
 * ExecutorTimes}: regrouping it at an epoch's first step, making a group's initial state at its
 * first step, reading and updating a group's params); and each step's wall time.
 *
 * <pre>{@code
 * SparkSviModel fit = sparkSvi.fit(data, 100);
 * System.out.println(fit.timings().summary());   // per-step means and the median, in ms
 * fit.timings().medianComputeMs(10);                // from step 10 on, summed over tasks
 * fit.timings().medianComputeBesideSeriesStateMs(10); // the same, less the per-series state's
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
 * @param seriesRegroup of the compute, regrouping per-series state at epochs' first steps
 * @param seriesInitialState of the compute, making groups' initial per-series state
 * @param seriesUpdate of the compute, reading groups' per-series params and updating them
 * @param stepNanos each step's wall time, in order
 * @param computeNanos each step's executor compute, summed over its tasks, in order
 * @param computeCpuNanos each step's executor compute on a CPU, summed over its tasks, in order
 * @param seriesStateNanos each step's executor work on per-series state (the three parts above),
 *     summed over its tasks, in order
 */
public record StepTimings(long steps, long select, long broadcast, long job, long compute,
    long computeCpu, long driver, long checkpoint, long seriesRegroup, long seriesInitialState,
    long seriesUpdate, long[] stepNanos, long[] computeNanos, long[] computeCpuNanos,
    long[] seriesStateNanos) implements Serializable {

  /** No steps yet. */
  public static StepTimings zero() {
    return new StepTimings(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new long[0], new long[0],
        new long[0], new long[0]);
  }

  /** Collects a fit's step times on the driver, one step at a time. */
  static final class Recorder {
    private final long[] sums = new long[10];
    private long[] each = new long[64];
    private long[] eachCompute = new long[64];
    private long[] eachComputeCpu = new long[64];
    private long[] eachSeriesState = new long[64];
    private int steps;

    /**
     * Adds one step's parts: the driver's, and the executors' in the job ({@code executors}, what
     * {@link ExecutorTimes#since} gives).
     */
    void add(long sel, long bc, long jb, long[] executors, long drv, long ck) {
      long regroup = executors[ExecutorTimes.REGROUP];
      long initial = executors[ExecutorTimes.INITIAL_STATE];
      long update = executors[ExecutorTimes.UPDATE];
      long comp = executors[ExecutorTimes.COMPUTE];
      long compCpu = executors[ExecutorTimes.COMPUTE_CPU];
      long[] parts = {sel, bc, jb, comp, compCpu, drv, ck, regroup, initial, update};
      for (int i = 0; i < parts.length; i++) {
        sums[i] += parts[i];
      }
      if (steps == each.length) {
        each = Arrays.copyOf(each, 2 * steps);
        eachCompute = Arrays.copyOf(eachCompute, 2 * steps);
        eachComputeCpu = Arrays.copyOf(eachComputeCpu, 2 * steps);
        eachSeriesState = Arrays.copyOf(eachSeriesState, 2 * steps);
      }
      eachCompute[steps] = comp;
      eachComputeCpu[steps] = compCpu;
      eachSeriesState[steps] = regroup + initial + update;
      each[steps++] = sel + bc + jb + drv + ck;
    }

    /** The steps so far. */
    StepTimings timings() {
      return new StepTimings(steps, sums[0], sums[1], sums[2], sums[3], sums[4], sums[5],
          sums[6], sums[7], sums[8], sums[9], Arrays.copyOf(each, steps),
          Arrays.copyOf(eachCompute, steps), Arrays.copyOf(eachComputeCpu, steps),
          Arrays.copyOf(eachSeriesState, steps));
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

  /**
   * The median, over the steps from {@code from} on, of each step's executor compute less its
   * work on per-series state (summed over each step's tasks, in ms; NaN without such steps): what
   * the tasks spent on their rows' batch, loss and gradient, as a task without per-series params
   * does. Without per-series params, {@link #medianComputeMs}.
   */
  public double medianComputeBesideSeriesStateMs(int from) {
    long[] beside = new long[computeNanos.length];
    for (int i = 0; i < beside.length; i++) {
      beside[i] = computeNanos[i] - seriesStateNanos[i];
    }
    return medianMs(beside, from);
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

  /**
   * The per-step means and the median step in milliseconds, one line; with per-series params,
   * the parts of the compute spent on their state. A fit that ran no step (resumed at its last)
   * has none to give.
   */
  public String summary() {
    if (steps == 0) {
      return "per step: no step ran";
    }
    double d = steps * 1e6;
    long state = seriesRegroup + seriesInitialState + seriesUpdate;
    String series = state == 0 ? "" : String.format(Locale.ROOT, "; per-series state %.3f of"
        + " the compute: regroup %.3f, initial state %.3f, update %.3f", state / d,
        seriesRegroup / d, seriesInitialState / d, seriesUpdate / d);
    return String.format(Locale.ROOT,
        "per step (ms): median %.3f; mean select %.3f, broadcast %.3f, job %.3f (executor"
            + " compute %.3f summed over tasks, %.3f of it on a CPU%s), driver %.3f, checkpoint"
            + " %.3f", medianStepMs(0), select / d, broadcast / d, job / d, compute / d,
        computeCpu / d, series, driver / d, checkpoint / d);
  }
}
