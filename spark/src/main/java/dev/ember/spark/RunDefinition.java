// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What defines a fit, as a checkpoint records it: the data (its {@link DataFingerprint}), the
 * model and guide ({@link SparkSvi.Builder#modelSpec}), the optimizer with all its
 * hyper-parameters and learning-rate schedule ({@link dev.ember.infer.optim.Optimizer#spec}),
 * the annealing schedule and its sites, the batch size, the seed, the ELBO's particles and the
 * number of steps asked for. A checkpoint resumes only a run with the same definition: any
 * difference is refused, and {@link #differences} names each one.
 *
 * <pre>{@code
 * RunDefinition then = RunDefinition.fromJson(header.get("run"));
 * List<String> diff = then.differences(now);   // e.g. ["seed: 5 in the checkpoint, 6 now"]
 * }</pre>
 *
 * @param data the data's fingerprint: N and an order-independent hash of the rows
 * @param model the model and guide, as the caller names them
 * @param optimizer the optimizer's spec
 * @param annealing the annealing schedule's spec and its sites, or "none"
 * @param batchSize B
 * @param seed the seed of all randomness
 * @param particles the particles of the ELBO estimate
 * @param steps the number of steps asked for
 */
record RunDefinition(DataFingerprint data, String model, String optimizer, String annealing,
    int batchSize, long seed, int particles, long steps) {

  /** Checks that nothing is null. */
  RunDefinition {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(annealing, "annealing");
  }

  /**
   * Each field in which {@code now} differs from this (the checkpoint's) definition, as {@code
   * "<field>: <this> in the checkpoint, <now> now"}; empty when they are the same run.
   */
  List<String> differences(RunDefinition now) {
    List<String> out = new ArrayList<>();
    differ(out, "data", data.text(), now.data.text());
    differ(out, "model", model, now.model);
    differ(out, "optimizer", optimizer, now.optimizer);
    differ(out, "annealing", annealing, now.annealing);
    differ(out, "batch size", batchSize, now.batchSize);
    differ(out, "seed", seed, now.seed);
    differ(out, "particles", particles, now.particles);
    differ(out, "steps", steps, now.steps);
    return out;
  }

  private static void differ(List<String> out, String field, Object then, Object now) {
    if (!then.equals(now)) {
      out.add(field + ": " + then + " in the checkpoint, " + now + " now");
    }
  }

  /** As a JSON object (the {@code run} field of a checkpoint's header). */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ObjectNode d = o.putObject("data");
    d.put("series", data.series());
    d.put("hash", String.format(Locale.ROOT, "%016x%016x", data.lane0(), data.lane1()));
    o.put("model", model);
    o.put("optimizer", optimizer);
    o.put("annealing", annealing);
    o.put("batchSize", batchSize);
    o.put("seed", seed);
    o.put("particles", particles);
    o.put("steps", steps);
    return o;
  }

  /**
   * The definition {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException naming the field that is missing or malformed
   */
  static RunDefinition fromJson(JsonNode o) {
    JsonNode d = Json.field(o, "data");
    String hash = Json.text(d, "hash");
    if (!hash.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("run.data.hash must be 32 hexadecimal digits, got '"
          + hash + "'");
    }
    DataFingerprint fp = new DataFingerprint(Json.number(d, "series").longValue(),
        Long.parseUnsignedLong(hash.substring(0, 16), 16),
        Long.parseUnsignedLong(hash.substring(16), 16));
    return new RunDefinition(fp, Json.text(o, "model"), Json.text(o, "optimizer"),
        Json.text(o, "annealing"), Json.number(o, "batchSize").intValue(),
        Json.number(o, "seed").longValue(), Json.number(o, "particles").intValue(),
        Json.number(o, "steps").longValue());
  }
}
