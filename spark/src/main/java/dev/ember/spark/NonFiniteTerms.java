// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.Site;
import dev.ember.infer.ElboEstimate;
import dev.ember.infer.SviState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which series and sites make a shard's loss term or its gradient not finite, found where the
 * rows are, only after the shard's sum turned out not finite (so a healthy step pays nothing):
 * each site's term and gradient is computed on the shard's batch; a site in the series plate whose
 * term is not finite is read per row from its trace, and one whose gradient alone is not finite is
 * run again row by row.
 *
 * <pre>{@code
 * List<String> p = NonFiniteTerms.find(engine, state, rows, stepKey, totalSeries, 0);
 * // ["series id 1007: model site 'y' has log-density -Infinity", ...]
 * }</pre>
 */
final class NonFiniteTerms {
  private NonFiniteTerms() {}

  /** The most problems named; the rest are counted. */
  static final int MAX_NAMED = 10;

  /**
   * The problems of the terms of {@code rows} (padded to at least {@code minSteps}) at {@code
   * state} and {@code key}.
   */
  static List<String> find(ShardEngine engine, SviState state, List<SequenceRow> rows,
      RngKey key, long totalSeries, int minSteps) {
    List<String> out = new ArrayList<>();
    SequenceBatch batch = engine.batch(rows, totalSeries, minSteps);
    Terms all = terms(engine, state, batch, key);
    for (int i = 0; i < all.names().size(); i++) {
      ValueAndGrad vg = all.values().get(i);
      boolean valueBad = !Double.isFinite(vg.loss());
      boolean gradBad = !finite(vg.grad());
      if (!valueBad && !gradBad) {
        continue;
      }
      String name = all.names().get(i);
      boolean model = all.model().get(i);
      Site site = (model ? all.estimate().modelTrace() : all.estimate().guideTrace()).get(name);
      String what = (model ? "model" : "guide") + " site '" + name + "'";
      PlateFrame f = site == null ? null : SeriesSiteTerms.frame(site, engine.seriesPlate());
      if (f == null) {
        out.add("global " + what + (valueBad ? " has log-density " + vg.loss()
            : " has a gradient that is not finite"));
        continue;
      }
      int found = out.size();
      if (valueBad) {
        double[] perRow = SeriesSiteTerms.perRow(site, f, batch.size());
        for (int r = 0; r < perRow.length; r++) {
          if (!Double.isFinite(perRow[r])) {
            out.add("series id " + batch.ids()[r] + ": " + what + " has log-density "
                + perRow[r]);
          }
        }
      }
      if (out.size() == found) { // only the gradient, or no single row: each row on its own
        for (int r = 0; r < batch.size(); r++) {
          long id = batch.ids()[r];
          SequenceRow row = rows.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
          SequenceBatch one = engine.batch(List.of(row), totalSeries, minSteps);
          Terms t = terms(engine, state, one, key);
          int at = t.names().indexOf(name);
          if (at >= 0 && (!Double.isFinite(t.values().get(at).loss())
              || !finite(t.values().get(at).grad()))) {
            out.add("series id " + batch.ids()[r] + ": " + what + " has a log-density or "
                + "gradient that is not finite");
          }
        }
      }
      if (out.size() == found) {
        out.add(what + " is not finite for the shard's rows together, but for none alone");
      }
    }
    if (out.isEmpty()) {
      out.add("the shard's loss or gradient is not finite, but no site's term is; rows "
          + firstIds(batch));
    }
    if (out.size() > MAX_NAMED) {
      int more = out.size() - MAX_NAMED;
      out = new ArrayList<>(out.subList(0, MAX_NAMED));
      out.add("and " + more + " more");
    }
    return out;
  }

  /**
   * Each site's term and gradient.
   *
   * @param names the sites, model sites first
   * @param model whether each is a model site
   * @param values each site's term {@code scale * sum(log density)} and its gradient
   * @param estimate the estimate they came from (its traces)
   */
  private record Terms(List<String> names, List<Boolean> model, List<ValueAndGrad> values,
      ElboEstimate estimate) {}

  private static Terms terms(ShardEngine engine, SviState state, SequenceBatch batch, RngKey key) {
    List<String> names = new ArrayList<>();
    List<Boolean> model = new ArrayList<>();
    ElboEstimate[] seen = new ElboEstimate[1];
    List<ValueAndGrad> values = engine.svi().lossParts(state, batch, key, e -> {
      seen[0] = e;
      List<Tensor> parts = new ArrayList<>();
      for (Map.Entry<String, Tensor> t : e.modelTerms().entrySet()) {
        names.add(t.getKey());
        model.add(true);
        parts.add(t.getValue());
      }
      for (Map.Entry<String, Tensor> t : e.guideTerms().entrySet()) {
        names.add(t.getKey());
        model.add(false);
        parts.add(t.getValue());
      }
      return parts.toArray(new Tensor[0]);
    });
    return new Terms(names, model, values, seen[0]);
  }

  private static boolean finite(Map<String, Tensor> grads) {
    for (Tensor g : grads.values()) {
      for (double v : g.toArray()) {
        if (!Double.isFinite(v)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String firstIds(SequenceBatch batch) {
    StringBuilder s = new StringBuilder();
    for (int r = 0; r < Math.min(5, batch.size()); r++) {
      s.append(r == 0 ? "" : ", ").append(batch.ids()[r]);
    }
    return s + (batch.size() > 5 ? ", ..." : "");
  }
}
