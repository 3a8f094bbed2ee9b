// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint folder holds ({@link CheckpointFormat#read}), before it is matched with the
 * model and guide that resume from it: a checkpoint stores values, not code, so the params'
 * constraints and the per-series layout come from the resuming model, after checking that they
 * are the ones the checkpoint recorded.
 *
 * <pre>{@code
 * CheckpointContents c = CheckpointFormat.read(fs, folder, 100);
 * Checkpoint resumed = c.attach(svi.init(key, firstBatch), seriesLayout);
 * }</pre>
 *
 * @param run the run's definition
 * @param step the steps taken
 * @param skippedSteps the steps skipped for a non-finite loss or gradient
 * @param optimizerStep the optimizer's step count
 * @param key the key of the next step
 * @param constraints each global param's constraint, as text
 * @param arrays the named arrays: "param/NAME" and "moment/NAME/K"
 * @param losses the loss of every step
 * @param seriesLayout the per-series params' layout as recorded, or null without any
 * @param seriesState the per-series folder's summary, or null without any
 */
record CheckpointContents(RunDefinition run, long step, long skippedSteps, long optimizerStep,
    RngKey key, Map<String, String> constraints, Map<String, Tensor> arrays, double[] losses,
    JsonNode seriesLayout, SeriesStateFiles.Summary seriesState) {

  /**
   * The checkpoint as a state of {@code initial}'s model and guide: the same global params with
   * the same shapes, moments and constraints, and per-series params laid out as {@code layout};
   * params are taken in {@code initial}'s order, and the constraints are {@code initial}'s.
   *
   * @throws IllegalStateException naming each difference, if the checkpoint's params are not
   *     this model's and guide's
   */
  Checkpoint attach(SviState initial, SeriesParams layout) {
    OptimizerState init = initial.optimizer();
    List<String> problems = new ArrayList<>();
    List<String> stored = arrays.keySet().stream().filter(n -> n.startsWith("param/"))
        .map(n -> n.substring("param/".length())).toList();
    if (!new java.util.HashSet<>(stored).equals(init.params().keySet())) {
      problems.add("params " + stored + " in the checkpoint, " + init.params().keySet() + " in "
          + "this model and guide");
    }
    Map<String, Tensor> params = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : init.params().entrySet()) {
      String name = e.getKey();
      Tensor p = arrays.get("param/" + name);
      if (p == null) {
        continue; // named above
      }
      if (!p.shape().equals(e.getValue().shape())) {
        problems.add("param " + name + " has shape " + p.shape() + " in the checkpoint, "
            + e.getValue().shape() + " now");
      }
      List<Tensor> moments = new ArrayList<>();
      for (int k = 0; k < init.slots().get(name).size(); k++) {
        Tensor m = arrays.get("moment/" + name + "/" + k);
        if (m == null || !m.shape().equals(p.shape())) {
          problems.add("param " + name + " has no moment " + k + " of its shape in the "
              + "checkpoint (another optimizer?)");
        } else {
          moments.add(m);
        }
      }
      params.put(name, p);
      slots.put(name, moments);
    }
    for (Map.Entry<String, Constraint> e : initial.constraints().entrySet()) {
      String saved = constraints.get(e.getKey());
      if (saved != null && !saved.equals(e.getValue().toString())) {
        problems.add("param " + e.getKey() + " has constraint " + saved + " in the checkpoint, "
            + e.getValue() + " now");
      }
    }
    JsonNode now = layout.isEmpty() ? null : CheckpointFormat.layoutJson(layout);
    if (now == null ? seriesLayout != null : !now.equals(seriesLayout)) {
      problems.add("per-series params " + names(seriesLayout) + " in the checkpoint, "
          + layout.names() + " in this guide" + (now == null || seriesLayout == null ? ""
              : " (laid out as " + seriesLayout + " in the checkpoint, " + now + " now)"));
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the checkpoint's params are not this model's and "
          + "guide's: " + String.join("; ", problems));
    }
    SviState state = new SviState(new OptimizerState(optimizerStep, params, slots), key, step,
        skippedSteps, initial.constraints());
    return new Checkpoint(run, state, losses, layout, seriesState);
  }

  private static List<String> names(JsonNode layout) {
    List<String> out = new ArrayList<>();
    if (layout != null) {
      for (JsonNode p : layout.path("params")) {
        out.add(p.path("name").asText());
      }
    }
    return out;
  }
}
