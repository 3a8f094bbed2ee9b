// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.infer.Svi;
import dev.ember.infer.optim.Adam;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guide's initial per-series values, made a chunk of rows per call of the guide: against
 * values written here from the guide's definition (its loc starts at the series' own observed
 * values, zero past its end; its scale at 0.1, kept as log 0.1), for rows with gaps between them
 * over more rows than two chunks hold, and equal to the values made from one batch of the same
 * rows (what a step whose rows have no state yet uses).
 */
@SuppressWarnings("try") // the plate is entered for its effect
class SeriesInitialValuesTest {
  private static final int T = 6;

  /** Loc starts at the observed values: an initial value that depends on the row's own data. */
  private static final Model<SequenceBatch> GUIDE = batch -> {
    Tensor m = param("m", Tensor.scalar(0.0));
    Tensor s = param("s", Tensor.scalar(0.5), Constraints.positive());
    sample("mu", Normal.of(m, s));
    try (Plate p = plate("series", batch.size())) {
      Tensor loc = param("z_loc", batch.values()); // [T, B]
      Tensor scale = param("z_scale", Tensor.full(0.1, batch.steps(), batch.size()),
          Constraints.positive());
      sampleOverTime("z", Normal.of(loc, scale).mask(batch.observed()));
    }
  };

  /** Series i's value at step t: distinct for every series and step. */
  private static double value(long id, int t) {
    return id * 1e-3 + t;
  }

  private static int length(long id) {
    return T - (int) (id % 2);
  }

  @Test
  void chunksOfRowsGiveEachSeriesItsOwnInitialValues() {
    int chunk = SeriesInitialValues.INIT_VALUES / T;
    int n = 3 * chunk; // of which 4 in 5 are asked for: three calls of the guide
    PartitionRows.Builder builder = new PartitionRows.Builder(List.of());
    for (long id = 0; id < n; id++) {
      double[] v = new double[length(id)];
      for (int t = 0; t < v.length; t++) {
        v[t] = value(id, t);
      }
      builder.add(new SequenceRow(id, v, Map.of()));
    }
    PartitionRows rows = builder.build();
    Svi<SequenceBatch> svi = Svi.of(SparkTestModels.MODEL, GUIDE, Adam.of(0.01),
        new RowKeyedTraceElbo(1, "series"));
    ShardEngine engine = new ShardEngine(svi, "series", Map.of());
    SeriesParams local = SeriesParams.of(List.of(
        new SeriesParams.Local("z_loc", 1, Shape.of(T), 0, Constraints.real()),
        new SeriesParams.Local("z_scale", 1, Shape.of(T), 0, Constraints.positive())), T);
    FitContext ctx = new FitContext(engine, Map.of(), local, n, 8);
    RngKey root = RngKey.of(3);

    int[] at = java.util.stream.IntStream.range(0, n).filter(r -> r % 5 != 0).toArray();
    assertTrue(at.length > 2 * chunk, "rows asked for: " + at.length);
    double[] v = SeriesInitialValues.of(rows, at, root, ctx);
    assertEquals(at.length * 2 * T, v.length);
    for (int i = 0; i < at.length; i++) {
      long id = rows.id(at[i]);
      double[] loc = new double[T];
      double[] logScale = new double[T];
      for (int t = 0; t < T; t++) {
        loc[t] = t < length(id) ? value(id, t) : 0.0;
        logScale[t] = Math.log(0.1);
      }
      int from = i * 2 * T;
      assertArrayEquals(loc, java.util.Arrays.copyOfRange(v, from, from + T), 0.0,
          "z_loc of series " + id);
      assertArrayEquals(logScale, java.util.Arrays.copyOfRange(v, from + T, from + 2 * T),
          1e-15, "z_scale of series " + id);
    }

    List<SequenceRow> some = new ArrayList<>();
    int[] someAt = java.util.Arrays.copyOfRange(at, chunk - 3, chunk + 4); // across a chunk's end
    for (int r : someAt) {
      some.add(rows.row(r));
    }
    double[] fromBatch = SeriesInitialValues.seriesMajor(
        SeriesInitialValues.batchValues(engine.batch(some, n, T), root, ctx), local, some.size());
    assertArrayEquals(java.util.Arrays.copyOfRange(v, (chunk - 3) * 2 * T, (chunk + 4) * 2 * T),
        fromBatch, 0.0);

    // a batch puts its rows in id order, so positions must ascend
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SeriesInitialValues.of(rows, new int[] {4, 2}, root, ctx));
    assertTrue(e.getMessage().contains("row position 2 after 4"), e.getMessage());
  }

  /**
   * A per-series param that the model declares, not the guide, takes its initial value from the
   * whole initialisation (guide and model), as the fit's own start does.
   */
  @Test
  void aPerSeriesParamOfTheModelComesFromTheWholeInitialisation() {
    Model<SequenceBatch> model = batch -> {
      param("w", Tensor.full(2.0, batch.size())); // [B]
      SparkTestModels.MODEL.run(batch);
    };
    PartitionRows.Builder builder = new PartitionRows.Builder(List.of());
    for (long id = 0; id < 5; id++) {
      builder.add(new SequenceRow(id, new double[] {value(id, 0), value(id, 1)}, Map.of()));
    }
    PartitionRows rows = builder.build();
    Svi<SequenceBatch> svi = Svi.of(model, SparkTestModels.GUIDE, Adam.of(0.01),
        new RowKeyedTraceElbo(1, "series"));
    SeriesParams local = SeriesParams.of(List.of(
        new SeriesParams.Local("w", 0, Shape.of(), -1, Constraints.real())), 2);
    FitContext ctx = new FitContext(new ShardEngine(svi, "series", Map.of()), Map.of(), local, 5,
        2);
    assertArrayEquals(new double[] {2.0, 2.0, 2.0},
        SeriesInitialValues.of(rows, new int[] {0, 2, 4}, RngKey.of(3), ctx), 0.0);
  }
}
