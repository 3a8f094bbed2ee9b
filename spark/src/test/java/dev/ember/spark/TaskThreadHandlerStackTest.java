// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.dist.Normal;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Seed;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.TaskFailureListener;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spark runs tasks on pooled executor threads, and the handler stack is per thread: a model that
 * fails inside handlers in one task attempt must leave nothing for the retried attempt or for the
 * later tasks that run on the same thread. Local mode with two threads and two attempts per task
 * ({@code local[2,2]}); the first attempt of partition 0 fails inside its model with a plate open.
 *
 * <p>Which pooled thread runs a later task is Spark's choice (an idle thread is taken last in,
 * first out, so the failed thread may sit idle for the rest of the job). What runs on the failed
 * thread after the failure is made certain by a task failure listener: Spark calls it on the
 * task's own thread once the model's exception has left the task, and it runs the model there.
 */
@Timeout(120)
class TaskThreadHandlerStackTest {
  static SparkSession spark;
  static JavaSparkContext jsc;

  /** The threads on which a first attempt failed (local mode: the executors are this JVM). */
  static final Set<String> FAILED_ON = ConcurrentHashMap.newKeySet();

  /** What the failure listener saw on the failed thread: stack empty, then a draw of row 0. */
  static final List<String> AFTER_FAILURE = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2,2]").appName("ember-task-thread-test")
        .config("spark.ui.enabled", "false").getOrCreate();
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A model with one scalar site: its value has shape [] unless a stale plate is active. */
  static final Model<Void> SCALAR = unused -> sample("mu", Normal.standard());

  /** The scalar site's value for {@code id}, under scoped handlers as a user would write them. */
  @SuppressWarnings("try") // scoped handlers are entered for their effect
  static double[] draw(long id, boolean fail) {
    try (Trace tr = Handlers.trace(); Seed s = Handlers.seed(RngKey.of(7).foldIn(id))) {
      if (fail) {
        plate("series", 3); // entered, never closed: the failure skips any close
        throw new IllegalStateException("injected failure inside a model, row " + id);
      }
      SCALAR.run(null);
      return tr.get("mu").value().toArray();
    }
  }

  @Test
  void aFirstAttemptFailingInsideAModelLeavesLaterTasksOnItsThreadCorrect() {
    int partitions = 12;
    List<Long> ids = LongStream.range(0, 48).boxed().toList();
    List<String> rows = jsc.parallelize(ids, partitions).mapPartitions(it -> {
      TaskContext tc = TaskContext.get();
      String thread = Long.toString(Thread.currentThread().getId()); // Spark renames it per task
      boolean fail = tc.partitionId() == 0 && tc.attemptNumber() == 0;
      if (fail) {
        FAILED_ON.add(thread);
        tc.addTaskFailureListener((TaskFailureListener) (ctx, error) -> {
          String on = Long.toString(Thread.currentThread().getId());
          boolean empty = dev.ember.handlers.HandlerStack.isEmpty();
          double[] v = draw(0, false); // a later model run on the thread of the failed attempt
          AFTER_FAILURE.add(on + "," + empty + "," + v.length + "," + v[0]);
        });
      }
      List<String> out = new ArrayList<>();
      while (it.hasNext()) {
        long id = it.next();
        double[] v = draw(id, fail);
        out.add(id + "," + v.length + "," + v[0] + "," + thread);
      }
      return out.iterator();
    }).collect();

    assertEquals(1, FAILED_ON.size(), "one first attempt failed: " + FAILED_ON);
    Map<Long, String> byId = rows.stream()
        .collect(Collectors.toMap(r -> Long.parseLong(r.split(",")[0]), r -> r));
    assertEquals(48, byId.size());
    for (long id = 0; id < 48; id++) {
      String[] r = byId.get(id).split(",");
      double want = draw(id, false)[0]; // on the test's own thread, whose stack is clean
      assertEquals("1", r[1], "row " + id + " has a scalar draw, not one per stale plate entry: "
          + byId.get(id));
      assertEquals(want, Double.parseDouble(r[2]), 0.0, "row " + id + ": " + byId.get(id));
    }
    assertEquals(1, AFTER_FAILURE.size(), "the failure listener ran once: " + AFTER_FAILURE);
    String[] after = AFTER_FAILURE.get(0).split(",");
    assertTrue(FAILED_ON.contains(after[0]), "the listener ran on the failed attempt's thread "
        + FAILED_ON + ": " + AFTER_FAILURE);
    assertEquals("true", after[1], "the failed attempt left handlers open on its thread");
    assertEquals("1", after[2], "a later run on the failed thread saw a stale plate");
    assertEquals(draw(0, false)[0], Double.parseDouble(after[3]), 0.0,
        "a later run on the failed thread drew another value: " + AFTER_FAILURE);
    assertTrue(dev.ember.handlers.HandlerStack.isEmpty());
  }
}
