// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.data.SequenceBatch;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The initial per-series values of some of a partition's rows: SVI's initialisation on them with
 * the fit's key ({@link dev.ember.infer.Svi#initialGuideParams}, the guide alone, when the guide
 * declares every per-series param), the per-series params' slices laid out series-major, as a
 * {@link SeriesShard} group keeps them. A series' initial slice depends only on its own row and
 * the key ({@link SeriesParams} checks that on two rows), so it is the same whichever rows share
 * its call, and whenever it is made.
 *
 * <pre>{@code
 * double[] v = SeriesInitialValues.of(rows, new int[] {0, 3, 4}, root, context);
 * // v[k * local.width() + local.offsets()[p] + e]: element e of param p of row k's series
 * Map<String, Tensor> z = SeriesInitialValues.batchValues(batchOfThoseRows, root, context);
 * double[] same = SeriesInitialValues.seriesMajor(z, context.local(), 3);
 * }</pre>
 */
final class SeriesInitialValues {
  /**
   * Values (rows times steps) initialised per call of the guide: a [T, rows] tensor of 1 MB, which
   * bounds the initialisation's memory whatever the sequences' length, in few calls (each call has
   * a fixed cost of about a millisecond: a million series in chunks of 256 rows cost seconds).
   */
  static final int INIT_VALUES = 1 << 17;

  private SeriesInitialValues() {}

  /**
   * The initial per-series values of the rows at positions {@code at} of {@code rows}, in that
   * order: the guide initialised with {@code root}, {@link #INIT_VALUES} values per call, each
   * batch padded as the fit's are.
   *
   * @param at ascending positions (so in id order, the order a batch puts its rows in)
   * @throws IllegalArgumentException if {@code at} does not ascend
   */
  static double[] of(PartitionRows rows, int[] at, RngKey root, FitContext ctx) {
    for (int i = 1; i < at.length; i++) {
      if (at[i] <= at[i - 1]) {
        throw new IllegalArgumentException("initial per-series values: row position " + at[i]
            + " after " + at[i - 1] + "; positions must ascend (a batch puts its rows in id "
            + "order)");
      }
    }
    SeriesParams local = ctx.local();
    int w = local.width();
    double[] v = new double[at.length * w];
    int steps = local.steps();
    for (int r : at) {
      steps = Math.max(steps, rows.length(r));
    }
    int chunkRows = Math.max(1, INIT_VALUES / Math.max(1, steps));
    for (int from = 0; from < at.length; from += chunkRows) {
      int to = Math.min(at.length, from + chunkRows);
      SequenceBatch chunk = ctx.engine().batch(rows, Arrays.copyOfRange(at, from, to),
          ctx.totalSeries(), local.steps());
      into(batchValues(chunk, root, ctx), local, v, from * w);
    }
    return v;
  }

  /**
   * The initial per-series values of the rows of {@code batch} (built as the fit builds its
   * batches) as the per-series params' batch values, unconstrained, by name: what a step whose
   * rows have no state yet starts from, made from the batch it computes anyway, which its guide
   * reads as they are ({@link #seriesMajor} gives the group's state).
   */
  static Map<String, Tensor> batchValues(SequenceBatch batch, RngKey root, FitContext ctx) {
    SeriesParams local = ctx.local();
    Map<String, Tensor> params = ctx.engine().svi().initialGuideParams(root, batch);
    if (!params.keySet().containsAll(local.names())) {
      // a per-series param that only the model declares: the whole initialisation
      params = ctx.engine().svi().init(root, batch).optimizer().params();
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : local.names()) {
      out.put(name, params.get(name));
    }
    return out;
  }

  /** Batch values of {@code b} series ({@link #batchValues}) laid out series-major. */
  static double[] seriesMajor(Map<String, Tensor> batchValues, SeriesParams local, int b) {
    double[] v = new double[b * local.width()];
    into(batchValues, local, v, 0);
    return v;
  }

  /** Writes the series' slices of {@code batchValues} into {@code v} from {@code at} on. */
  private static void into(Map<String, Tensor> batchValues, SeriesParams local, double[] v,
      int at) {
    int[] off = local.offsets();
    int w = local.width();
    for (int p = 0; p < local.locals().size(); p++) {
      local.scatter(p, batchValues.get(local.locals().get(p).name()), v, w, at + off[p]);
    }
  }
}
