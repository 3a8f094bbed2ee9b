// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * A step's job: one task per partition, each returning its {@link ShardResult.Part} (or none),
 * merged on the driver in partition order. It runs through {@code SparkContext.runJob} with named
 * function classes rather than lambdas: Spark cleans every closure passed to it by reading the
 * bytecode of the class that defines it from its jar, a millisecond or two at each step, and it
 * leaves a named class alone. At a depth above 1 (many partitions) the parts are merged by {@code
 * treeAggregate} instead.
 *
 * <pre>{@code
 * RDD<ShardResult.Part> parts = rows.zipPartitions(keys, false, new MyTask(), tagB, PartsJob.PART);
 * ShardResult r = PartsJob.run(parts, 1);
 * }</pre>
 */
final class PartsJob {
  private PartsJob() {}

  /** The class tag of parts, for the Scala RDD API. */
  static final ClassTag<ShardResult.Part> PART = ClassTag$.MODULE$.apply(ShardResult.Part.class);

  /** The class tag of {@code c}. */
  static <T> ClassTag<T> tag(Class<T> c) {
    return ClassTag$.MODULE$.apply(c);
  }

  /**
   * Runs {@code parts} and merges what its partitions return: on the driver at depth 1, else by
   * Spark's {@code treeAggregate} of that depth (many partitions of large gradients).
   */
  static ShardResult run(RDD<ShardResult.Part> parts, int depth) {
    if (depth > 1) {
      return JavaRDD.fromRDD(parts, PART).treeAggregate(ShardResult.empty(), ShardResult::add,
          ShardResult::merge, depth);
    }
    SparkContext sc = parts.context();
    Object results = sc.runJob(parts, new FirstPart(), PART);
    ShardResult merged = ShardResult.empty();
    for (ShardResult.Part p : (ShardResult.Part[]) results) {
      if (p != null) {
        merged = merged.add(p);
      }
    }
    return merged;
  }

  /** A task's result: its partition's part, or null for none. */
  private static final class FirstPart
      extends AbstractFunction2<TaskContext, Iterator<ShardResult.Part>, ShardResult.Part>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public ShardResult.Part apply(TaskContext context, Iterator<ShardResult.Part> it) {
      return it.hasNext() ? it.next() : null;
    }
  }

  /** {@code parts} as a Scala iterator, for a task's function. */
  static Iterator<ShardResult.Part> iterator(List<ShardResult.Part> parts) {
    return scala.jdk.javaapi.CollectionConverters.asScala(parts.iterator());
  }
}
