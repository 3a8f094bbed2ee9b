// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where the time of a fit's steps went, summed over its steps (nanoseconds): choosing the
 * minibatch, creating the step's broadcast, the Spark job (tasks, their scheduling and the
 * aggregation of their results), the driver's update, and checkpoints; plus the time the
 * executors spent inside the model and guide ({@code compute}, summed over tasks, so up to the
 * number of cores times the job's wall time).
 *
 * <pre>{@code
 * SparkSvi.Result fit = sparkSvi.fit(data, 100);
 * System.out.println(fit.timings().summary());   // per-step means in ms
 * }</pre>
 *
 * @param steps the steps timed
 * @param select choosing the minibatch on the driver
 * @param broadcast creating the step's broadcast
 * @param job the distributed job, from submission to merged result
 * @param compute model and guide on the executors, summed over tasks
 * @param driver combining the parts and the optimizer step
 * @param checkpoint writing checkpoints
 */
public record StepTimings(long steps, long select, long broadcast, long job, long compute,
    long driver, long checkpoint) implements Serializable {

  /** No steps yet. */
  public static StepTimings zero() {
    return new StepTimings(0, 0, 0, 0, 0, 0, 0);
  }

  /** This plus one step. */
  StepTimings plus(long sel, long bc, long jb, long comp, long drv, long ck) {
    return new StepTimings(steps + 1, select + sel, broadcast + bc, job + jb, compute + comp,
        driver + drv, checkpoint + ck);
  }

  /** The per-step means in milliseconds, one line. */
  public String summary() {
    double d = Math.max(steps, 1) * 1e6;
    return String.format(Locale.ROOT,
        "per step (ms): select %.3f, broadcast %.3f, job %.3f (executor compute %.3f summed over"
            + " tasks), driver %.3f, checkpoint %.3f",
        select / d, broadcast / d, job / d, compute / d, driver / d, checkpoint / d);
  }
}
