// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;

/**
 * What a step's task reads besides its partition's data: the window's boundaries, the fit's
 * context, the step's input, and the accumulators of the executors' compute time, in all and on a
 * CPU (the thread's CPU time: a task whose thread waits for a core runs longer than that).
 *
 * <pre>{@code
 * StepTaskInputs in = new StepTaskInputs(window.bounds(), window.first(), ctx, shipped, computeNs,
 *     computeCpuNs);
 * EpochKeys keys = in.keysOf(scalaKeys);          // on the executor: the step's epoch's keys
 * BatchBoundaries bounds = in.bounds();            // and boundaries
 * }</pre>
 *
 * @param windowBounds each epoch of the window's boundaries
 * @param first the window's first epoch
 * @param context the fit's context
 * @param input the step's input
 * @param compute the executors' compute time (ns), added to by each task
 * @param computeCpu the CPU time of that compute (ns), added to by each task
 */
record StepTaskInputs(Broadcast<BatchBoundaries[]> windowBounds, long first,
    Broadcast<FitContext> context, StepInputShipping.Shipped input, LongAccumulator compute,
    LongAccumulator computeCpu) implements Serializable {

  /**
   * The JVM's thread bean, looked up once: {@link ManagementFactory#getThreadMXBean} searches the
   * platform's beans at every call, 2.6% of a step's task at N = 2 048 when each task asked twice.
   */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

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
    compute.add(wall);
    computeCpu.add(cpu);
  }

  /** The step's input. */
  StepInput step() {
    return input.value();
  }

  /** The partition's keys of the step's epoch, among its keys of the window. */
  EpochKeys keysOf(scala.collection.Iterator<EpochKeys> keys) {
    return MinibatchIndex.Window.keysOf(scala.jdk.javaapi.CollectionConverters.asJava(keys),
        step().epoch());
  }

  /** The boundaries of the step's epoch. */
  BatchBoundaries bounds() {
    return MinibatchIndex.Window.boundsOf(windowBounds, first, step().epoch());
  }
}
