// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs Spark jobs under a description that Spark's UI and the console progress show ("ember step
 * 12/2000"), restoring the thread's previous description afterwards.
 *
 * <pre>{@code
 * long n = JobDescription.described(jsc, "ember count", rdd::count);
 * }</pre>
 */
final class JobDescription {
  private JobDescription() {}

  /** Runs {@code job} described as {@code description}. */
  static <T> T described(JavaSparkContext jsc, String description, Supplier<T> job) {
    String previous = jsc.getLocalProperty("spark.job.description");
    jsc.setJobDescription(description);
    try {
      return job.get();
    } finally {
      jsc.setJobDescription(previous);
    }
  }
}
