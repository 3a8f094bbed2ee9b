// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * The time a fit's step tasks spend on the executors, in Spark accumulators that the tasks add to
 * and the driver reads after each step's job (nanoseconds, summed over tasks): the tasks'
 * compute, in all and on a CPU (the thread's CPU time: a task whose thread waits for a core runs
 * longer than that), and of that compute, a per-series task's work on its state ({@link
 * SeriesShard.StepCost}): regrouping it at an epoch's first step, making a group's initial state
 * at the group's first step, and reading the group's params into the batch and updating them.
 * What is left of the compute is what an amortized task also does: the batch of its rows, and
 * their loss and gradient.
 *
 * <pre>{@code
 * ExecutorTimes times = ExecutorTimes.register(jsc);   // on the driver, once per fit
 * long[] before = times.values();
 * // ... a step's job, whose tasks call times.addCompute(wallStart, cpuStart) ...
 * long[] spent = ExecutorTimes.since(times.values(), before); // {compute, cpu, regroup, ...}
 * }</pre>
 *
 * <p>A failed attempt's updates are dropped, but a task that Spark runs again to recompute a lost
 * partition adds its time again: the figures are timings, not results.
 */
final class ExecutorTimes implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The entries of {@link #values}: compute, its CPU time, regroup, initial state, update. */
  static final int COMPUTE = 0;
  static final int COMPUTE_CPU = 1;
  static final int REGROUP = 2;
  static final int INITIAL_STATE = 3;
  static final int UPDATE = 4;

  /**
   * The JVM's thread bean, looked up once: {@link ManagementFactory#getThreadMXBean} searches the
   * platform's beans at every call, 2.6% of a step's task at N = 2 048 when each task asked twice.
   */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

  private final LongAccumulator[] sums;

  private ExecutorTimes(LongAccumulator[] sums) {
    this.sums = sums;
  }

  /** New accumulators, registered with {@code jsc}. */
  static ExecutorTimes register(JavaSparkContext jsc) {
    String[] names = {"compute", "compute cpu", "per-series regroup", "per-series initial state",
        "per-series update"};
    LongAccumulator[] sums = new LongAccumulator[names.length];
    for (int i = 0; i < names.length; i++) {
      sums[i] = jsc.sc().longAccumulator("ember executor " + names[i] + " ns");
    }
    return new ExecutorTimes(sums);
  }

  /** The current thread's CPU time in ns (0 where the JVM cannot measure it). */
  static long cpuNow() {
    return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /**
   * Adds a task's compute since {@code wallStart} ({@code System.nanoTime}, read first) and
   * {@code cpuStart} (read second): the CPU interval ends before the wall one, inside it.
   */
  void addCompute(long wallStart, long cpuStart) {
    long cpu = cpuNow() - cpuStart;
    long wall = System.nanoTime() - wallStart;
    sums[COMPUTE].add(wall);
    sums[COMPUTE_CPU].add(cpu);
  }

  /** Adds a per-series task's work on its state, measured inside its compute. */
  void addSeriesState(SeriesShard.StepCost cost) {
    sums[REGROUP].add(cost.regroup());
    sums[INITIAL_STATE].add(cost.initialState());
    sums[UPDATE].add(cost.update());
  }

  /** The sums so far, read on the driver, indexed by {@link #COMPUTE} and the others. */
  long[] values() {
    long[] v = new long[sums.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = sums[i].value();
    }
    return v;
  }

  /** What was added between two readings of {@link #values}. */
  static long[] since(long[] now, long[] before) {
    long[] d = new long[now.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = now[i] - before[i];
    }
    return d;
  }
}
