// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * How a step's input reaches its tasks: inside the tasks' closure when it is small (Spark ships
 * each stage's closure to the executors once, as a broadcast of its own, so a few params cost no
 * second broadcast and nothing to destroy), as a broadcast of its own when it is large.
 *
 * <pre>{@code
 * StepInputShipping.Shipped in = StepInputShipping.inlineWhenSmall(jsc, input);
 * rdd.map(x -> in.value() ...);     // on the executors
 * in.release();                     // destroys the broadcast, if there is one
 * }</pre>
 */
final class StepInputShipping {
  private StepInputShipping() {}

  /** Inputs up to this size (serialized) travel in the closure. */
  static final int INLINE_LIMIT = 64 * 1024;

  /** A shipped input: its value where the tasks run, and its release on the driver. */
  interface Shipped extends Serializable {
    /** The input. */
    StepInput value();

    /** Frees what shipping it took (a broadcast's blocks); the value is not read afterwards. */
    void release();
  }

  /** {@code in} in the closure if it serializes to at most {@link #INLINE_LIMIT} bytes, else broadcast. */
  static Shipped inlineWhenSmall(JavaSparkContext jsc, StepInput in) {
    return size(in) <= INLINE_LIMIT ? new Inline(in) : new Broadcasted(jsc.broadcast(in));
  }

  private static int size(Serializable o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException("a step's input could not be serialized", e);
    }
    return bytes.size();
  }

  private record Inline(StepInput value) implements Shipped {
    @Override
    public void release() {}
  }

  private record Broadcasted(Broadcast<StepInput> broadcast) implements Shipped {
    @Override
    public StepInput value() {
      return broadcast.value();
    }

    @Override
    public void release() {
      broadcast.destroy();
    }
  }
}
