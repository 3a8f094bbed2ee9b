// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.optim;

import dev.ember.tensor.OwnedBuffer;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * An optimizer's state held in buffers that one fit owns, for {@link
 * Optimizer#updateInPlaceIfFinite}: the params and moments are written in place at each step
 * instead of into new arrays. The buffers are copies of the state they start from, so no tensor
 * anyone else holds is written; the tensors {@link #views()} hands out read the buffers without a
 * copy and go stale (reading them throws {@link dev.ember.tensor.StaleTensorException}) once the
 * next update writes the buffers, so an old value can never change under its reader.
 *
 * <pre>{@code
 * Optimizer adam = Adam.of(0.1);
 * OptimizerBuffers fit = OptimizerBuffers.copyOf(adam.init(Map.of("x", Tensor.scalar(0.0))));
 * OptimizerState now = fit.views();                        // no copy
 * adam.updateInPlaceIfFinite(Map.of("x", Tensor.scalar(-6.0)), fit);
 * fit.views().params().get("x").item();                    // ~0.1
 * now.params().get("x").item();                            // throws StaleTensorException
 * OptimizerState kept = fit.snapshot();                    // copies, never stale
 * }</pre>
 *
 * <p>Not thread-safe: one fit steps it.
 */
public final class OptimizerBuffers {
  private long step;
  private final Map<String, OwnedBuffer> params = new LinkedHashMap<>();
  private final Map<String, List<OwnedBuffer>> slots = new LinkedHashMap<>();

  private OptimizerBuffers(OptimizerState state) {
    this.step = state.step();
    state.params().forEach((name, value) -> {
      params.put(name, OwnedBuffer.copyOf(value));
      List<OwnedBuffer> moments = new ArrayList<>();
      for (Tensor m : state.slots().get(name)) {
        moments.add(OwnedBuffer.copyOf(m));
      }
      slots.put(name, Collections.unmodifiableList(moments));
    });
  }

  /** Buffers holding a copy of {@code state}, which stays as it was. */
  public static OptimizerBuffers copyOf(OptimizerState state) {
    return new OptimizerBuffers(Objects.requireNonNull(state, "state"));
  }

  /** The number of updates applied. */
  public long step() {
    return step;
  }

  /** The state as tensors over the buffers (no copy), valid until the next update. */
  public OptimizerState views() {
    return state(OwnedBuffer::view);
  }

  /** The state copied into tensors of their own, which later updates do not touch. */
  public OptimizerState snapshot() {
    return state(OwnedBuffer::snapshot);
  }

  private OptimizerState state(Function<OwnedBuffer, Tensor> read) {
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> moments = new LinkedHashMap<>();
    params.forEach((name, b) -> {
      values.put(name, read.apply(b));
      List<Tensor> m = new ArrayList<>();
      for (OwnedBuffer s : slots.get(name)) {
        m.add(read.apply(s));
      }
      moments.put(name, m);
    });
    return new OptimizerState(step, values, moments);
  }

  /** The param buffers by name, in the state's order. */
  Map<String, OwnedBuffer> params() {
    return Collections.unmodifiableMap(params);
  }

  /** The moment buffers of {@code name}. */
  List<OwnedBuffer> slots(String name) {
    return slots.get(name);
  }

  /** Overwrites every buffer with {@code next}'s values (same names and shapes) and its step. */
  void setFrom(OptimizerState next) {
    next.params().forEach((name, value) -> {
      params.get(name).set(value);
      List<Tensor> m = next.slots().get(name);
      List<OwnedBuffer> b = slots.get(name);
      for (int i = 0; i < b.size(); i++) {
        b.get(i).set(m.get(i));
      }
    });
    step = next.step();
  }

  /** Counts one update made in place. */
  void advance() {
    step = Math.addExact(step, 1);
  }
}
