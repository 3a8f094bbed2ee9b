// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's update of a group of series' per-series params ({@link SeriesParams}), kept as
 * a {@link SeriesShard} keeps them: series after series, each series' slices of every param end
 * to end ({@code W} doubles), the values in one array and each moment in one more. An
 * elementwise optimizer (Adam, SGD...) updates every element of the group in one call on those
 * arrays ({@link Optimizer#updateElements}), with the gradient laid out the same way; any other
 * one series at a time, as tensors of its slices' shapes, so that a series' update never depends
 * on which series share its minibatch or its partition.
 *
 * <pre>{@code
 * SeriesUpdate.Next next = SeriesUpdate.update(adam, local, step, grads, values, moments, b);
 * next.values();  // [k * W + offset(p) + e], as values
 * }</pre>
 */
final class SeriesUpdate {
  private SeriesUpdate() {}

  /**
   * A group's updated values and moments, laid out as the old ones.
   *
   * @param values {@code [k * W + offset(p) + e]}
   * @param slots per moment, {@code [k * W + offset(p) + e]}
   */
  record Next(double[] values, double[][] slots) {}

  /**
   * The group's values and moments after the optimizer's step {@code step} (its count of updates
   * before this one) with the batch gradients {@code grads} of its {@code b} series, in the
   * group's order; the old arrays are read, never written.
   */
  static Next update(Optimizer optimizer, SeriesParams local, long step,
      Map<String, Tensor> grads, double[] values, double[][] slots, int b) {
    int[] off = local.offsets();
    int width = local.width();
    double[] g = new double[b * width]; // the gradients' slices, as the values'
    for (int p = 0; p < local.locals().size(); p++) {
      local.scatter(p, grads.get(local.locals().get(p).name()), g, width, off[p]);
    }
    Next next = new Next(new double[values.length], new double[slots.length][values.length]);
    if (optimizer.isElementwise()) {
      optimizer.updateElements(step, values, g, slots, next.values(), next.slots());
    } else {
      seriesBySeries(optimizer, local, step, g, values, slots, b, next);
    }
    return next;
  }

  /** A non-elementwise optimizer's update, one series at a time (the batch axis cut out). */
  private static void seriesBySeries(Optimizer optimizer, SeriesParams local, long step,
      double[] g, double[] values, double[][] slots, int b, Next next) {
    int[] off = local.offsets();
    int width = local.width();
    for (int i = 0; i < b; i++) {
      Map<String, Tensor> gi = new LinkedHashMap<>();
      Map<String, Tensor> xi = new LinkedHashMap<>();
      Map<String, List<Tensor>> mi = new LinkedHashMap<>();
      for (int p = 0; p < off.length - 1; p++) {
        SeriesParams.Local l = local.locals().get(p);
        int from = i * width + off[p];
        int len = off[p + 1] - off[p];
        gi.put(l.name(), slice(g, from, len, l));
        xi.put(l.name(), slice(values, from, len, l));
        List<Tensor> ms = new ArrayList<>(slots.length);
        for (double[] slot : slots) {
          ms.add(slice(slot, from, len, l));
        }
        mi.put(l.name(), ms);
      }
      OptimizerState u = optimizer.update(gi, new OptimizerState(step, xi, mi));
      for (int p = 0; p < off.length - 1; p++) {
        String name = local.locals().get(p).name();
        int from = i * width + off[p];
        int len = off[p + 1] - off[p];
        System.arraycopy(u.params().get(name).toArray(), 0, next.values(), from, len);
        for (int k = 0; k < slots.length; k++) {
          System.arraycopy(u.slots().get(name).get(k).toArray(), 0, next.slots()[k], from, len);
        }
      }
    }
  }

  private static Tensor slice(double[] flat, int from, int len, SeriesParams.Local l) {
    return Tensor.of(java.util.Arrays.copyOfRange(flat, from, from + len), l.slice());
  }

  /** Whether the gradients of every per-series param in {@code grads} are finite. */
  static boolean finiteLocal(Map<String, Tensor> grads, SeriesParams local) {
    for (SeriesParams.Local l : local.locals()) {
      if (!grads.get(l.name()).allFinite()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a group's values after the update of step {@code step} ({@code [k * W + offset(p) +
   * e]}, series {@code ids}): a value that is no longer finite, when its loss and gradient were,
   * is an error naming the param and the series.
   */
  static void requireFinite(double[] v, long[] ids, int width, SeriesParams local, long step) {
    int[] off = local.offsets();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        int p = 0;
        while (off[p + 1] <= i % width) {
          p++;
        }
        throw new ArithmeticException("SparkSvi step " + step + ": per-series param '"
            + local.locals().get(p).name() + "' of series id " + ids[i / width] + " is no longer "
            + "finite after the optimizer's update (its loss and gradient were finite); lower the "
            + "learning rate or clip the gradient");
      }
    }
  }

  static int slotCount(Optimizer optimizer, SeriesParams local) {
    if (local.isEmpty()) {
      return 0;
    }
    SeriesParams.Local l = local.locals().get(0);
    return optimizer.init(Map.of(l.name(), Tensor.zeros(l.slice()))).slots().get(l.name()).size();
  }

}
