// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What a step's task reads besides its partition's data: the window's boundaries, the fit's
 * context, the step's input, and the accumulators of the executors' time ({@link ExecutorTimes}).
 *
 * <pre>{@code
 * StepTaskInputs in = new StepTaskInputs(window.bounds(), window.first(), ctx, shipped, times);
 * EpochKeys keys = in.keysOf(scalaKeys);          // on the executor: the step's epoch's keys
 * BatchBoundaries bounds = in.bounds();            // and boundaries
 * }</pre>
 *
 * @param windowBounds each epoch of the window's boundaries
 * @param first the window's first epoch
 * @param context the fit's context
 * @param input the step's input
 * @param times the executors' time, added to by each task
 */
record StepTaskInputs(Broadcast<BatchBoundaries[]> windowBounds, long first,
    Broadcast<FitContext> context, StepInputShipping.Shipped input, ExecutorTimes times)
    implements Serializable {

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
