// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's update of a minibatch's per-series params ({@link SeriesParams}), whose batch
 * values hold one slice per series: an elementwise optimizer (Adam, SGD...) updates all the
 * slices at once, any other one series at a time, the batch axis cut out, so that a series'
 * update never depends on which series share its minibatch or its partition.
 *
 * <pre>{@code
 * OptimizerState next = SeriesUpdate.update(adam, local, step, grads, values, moments, b);
 * }</pre>
 */
final class SeriesUpdate {
  private SeriesUpdate() {}

  /**
   * The updated batch values and moments of the per-series params, at the optimizer's step
   * {@code step}.
   */
  static OptimizerState update(Optimizer optimizer, SeriesParams local, long step,
      Map<String, Tensor> grads, Map<String, Tensor> current, Map<String, List<Tensor>> moments,
      int b) {
    return optimizer.isElementwise()
        ? optimizer.update(grads, new OptimizerState(step, current, moments))
        : seriesBySeries(optimizer, local, step, grads, current, moments, b);
  }

  /** A non-elementwise optimizer's update, one series at a time (the batch axis cut out). */
  private static OptimizerState seriesBySeries(Optimizer optimizer, SeriesParams local, long step,
      Map<String, Tensor> grads, Map<String, Tensor> current, Map<String, List<Tensor>> moments,
      int b) {
    int n = local.locals().size();
    double[][][] newValues = new double[n][][];
    double[][][][] newSlots = new double[n][][][];
    double[][][] g = new double[n][][];
    double[][][] x = new double[n][][];
    double[][][][] m = new double[n][][][];
    for (int p = 0; p < n; p++) {
      String name = local.locals().get(p).name();
      g[p] = local.scatter(p, grads.get(name));
      x[p] = local.scatter(p, current.get(name));
      List<Tensor> ms = moments.get(name);
      m[p] = new double[ms.size()][][];
      for (int k = 0; k < ms.size(); k++) {
        m[p][k] = local.scatter(p, ms.get(k));
      }
      newValues[p] = new double[b][];
      newSlots[p] = new double[ms.size()][b][];
    }
    for (int i = 0; i < b; i++) {
      Map<String, Tensor> gi = new LinkedHashMap<>();
      Map<String, Tensor> xi = new LinkedHashMap<>();
      Map<String, List<Tensor>> mi = new LinkedHashMap<>();
      for (int p = 0; p < n; p++) {
        SeriesParams.Local l = local.locals().get(p);
        gi.put(l.name(), Tensor.of(g[p][i], l.slice()));
        xi.put(l.name(), Tensor.of(x[p][i], l.slice()));
        List<Tensor> ms = new ArrayList<>();
        for (double[][] slot : m[p]) {
          ms.add(Tensor.of(slot[i], l.slice()));
        }
        mi.put(l.name(), ms);
      }
      OptimizerState u = optimizer.update(gi, new OptimizerState(step, xi, mi));
      for (int p = 0; p < n; p++) {
        String name = local.locals().get(p).name();
        newValues[p][i] = u.params().get(name).toArray();
        for (int k = 0; k < m[p].length; k++) {
          newSlots[p][k][i] = u.slots().get(name).get(k).toArray();
        }
      }
    }
    Map<String, Tensor> values = new LinkedHashMap<>();
    Map<String, List<Tensor>> slots = new LinkedHashMap<>();
    for (int p = 0; p < n; p++) {
      String name = local.locals().get(p).name();
      values.put(name, local.gather(p, Arrays.asList(newValues[p])));
      List<Tensor> ms = new ArrayList<>();
      for (double[][] s : newSlots[p]) {
        ms.add(local.gather(p, Arrays.asList(s)));
      }
      slots.put(name, ms);
    }
    return new OptimizerState(step + 1, values, slots);
  }

  static int slotCount(Optimizer optimizer, SeriesParams local) {
    if (local.isEmpty()) {
      return 0;
    }
    SeriesParams.Local l = local.locals().get(0);
    return optimizer.init(Map.of(l.name(), Tensor.zeros(l.slice()))).slots().get(l.name()).size();
  }

}
