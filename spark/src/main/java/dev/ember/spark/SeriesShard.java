// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.SviState;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition's series with their per-series params ({@link SeriesParams}) and those params'
 * optimizer moments, kept on the executor that holds the rows: an immutable value, one per
 * partition, each step making the next from the previous.
 *
 * <pre>{@code
 * SeriesShard s0 = SeriesShard.init(rows, engine, local, rootKey, totalSeries);
 * SeriesShard s1 = s0.step(partition, engine, local, input);
 * s1.part();          // the step's local and global terms, for the driver
 * }</pre>
 *
 * <p>A step runs the rows of the minibatch that the shard holds exactly as the engine does for
 * global params ({@link ShardEngine#compute}), with their per-series params gathered into the
 * guide's batch values; then it updates those params on the spot with the gradient of the step's
 * loss, {@code (N / B)} times their rows' local terms (the only terms they enter), as the
 * single-JVM loss {@code global + (N / B) sum(local)} would. Updates are lazy, as in TensorFlow's
 * LazyAdam and PyTorch's SparseAdam: a series' params and moments change only at the steps whose
 * minibatch holds it, with the optimizer's global step count (bias corrections and schedules at
 * the same step as the global params'). An elementwise optimizer updates all the rows at once, any
 * other one series by series, so that nothing depends on which rows share a partition.
 */
final class SeriesShard implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rows initialised per call, bounding the memory of the initialisation. */
  private static final int INIT_CHUNK = 256;

  private final SequenceRow[] rows; // sorted by id
  private final long[] ids;
  private final double[][][] values; // [param][row] the unconstrained slice
  private final double[][][][] slots; // [param][slot][row] the moments' slices
  private final ShardResult.Part part; // of the step that made this shard, or null

  private SeriesShard(SequenceRow[] rows, double[][][] values, double[][][][] slots,
      ShardResult.Part part) {
    this.rows = rows;
    this.ids = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      ids[i] = rows[i].id();
    }
    this.values = values;
    this.slots = slots;
    this.part = part;
  }

  /** One series' per-series state, as checkpoints store it. */
  record RowState(long id, double[][] values, double[][][] slots) implements Serializable {}

  /** The part of the step that made this shard; null if it held no row of the minibatch. */
  ShardResult.Part part() {
    return part;
  }

  /** The rows' states, for a checkpoint. */
  List<RowState> rowStates() {
    List<RowState> out = new ArrayList<>(rows.length);
    for (int r = 0; r < rows.length; r++) {
      double[][] v = new double[values.length][];
      double[][][] s = new double[values.length][][];
      for (int p = 0; p < values.length; p++) {
        v[p] = values[p][r];
        s[p] = new double[slots[p].length][];
        for (int k = 0; k < slots[p].length; k++) {
          s[p][k] = slots[p][k][r];
        }
      }
      out.add(new RowState(ids[r], v, s));
    }
    return out;
  }

  /**
   * The rows' constrained per-series params, by param name: what a fit reports per series. A
   * slice with a time axis is cut to its series' length: the steps past it were only padding,
   * never fitted, and their initial values would read as fitted ones.
   */
  List<Map<String, double[]>> constrainedValues(SeriesParams local) {
    List<Map<String, double[]>> out = new ArrayList<>(rows.length);
    for (int r = 0; r < rows.length; r++) {
      Map<String, double[]> m = new LinkedHashMap<>();
      for (int p = 0; p < values.length; p++) {
        SeriesParams.Local l = local.locals().get(p);
        Tensor u = Tensor.of(values[p][r], l.slice());
        double[] c = dev.ember.dist.transforms.Transforms.bijectTo(l.constraint()).forward(u)
            .toArray();
        m.put(l.name(), l.timeAxis() < 0 ? c
            : SeriesParams.alongTime(c, l, rows[r].values().length));
      }
      out.add(m);
    }
    return out;
  }

  /** The ids, sorted. */
  long[] ids() {
    return ids;
  }

  /**
   * A shard of {@code rows} with the guide's initial per-series values (from the guide run on the
   * rows, a chunk at a time) and zero moments.
   */
  static SeriesShard init(List<SequenceRow> rows, ShardEngine engine, SeriesParams local,
      RngKey root, long totalSeries) {
    SequenceRow[] sorted = sorted(rows);
    int n = local.locals().size();
    double[][][] values = new double[n][sorted.length][];
    for (int from = 0; from < sorted.length; from += INIT_CHUNK) {
      int to = Math.min(sorted.length, from + INIT_CHUNK);
      SequenceBatch batch = engine.batch(Arrays.asList(sorted).subList(from, to), totalSeries,
          local.steps());
      SviState s = engine.svi().init(root, batch);
      for (int p = 0; p < n; p++) {
        double[][] slices = local.scatter(p, s.optimizer().params().get(local.locals().get(p).name()));
        System.arraycopy(slices, 0, values[p], from, to - from);
      }
    }
    return new SeriesShard(sorted, values, zeroSlots(engine.svi().optimizer(), local, sorted.length),
        null);
  }

  /** A shard of {@code rows} with the states {@code states} (by id) read from a checkpoint. */
  static SeriesShard restore(List<SequenceRow> rows, Map<Long, RowState> states, SeriesParams local,
      int k) {
    SequenceRow[] sorted = sorted(rows);
    int n = local.locals().size();
    double[][][] values = new double[n][sorted.length][];
    double[][][][] slots = new double[n][k][sorted.length][];
    for (int r = 0; r < sorted.length; r++) {
      RowState st = states.get(sorted[r].id());
      if (st == null) {
        throw new IllegalStateException("the checkpoint has no per-series state for series id "
            + sorted[r].id() + "; resume with the data the fit was started with");
      }
      if (st.values().length != n || (n > 0 && st.slots()[0].length != k)) {
        throw new IllegalStateException("the checkpoint's state of series id " + sorted[r].id()
            + " has " + st.values().length + " params with " + (n > 0 ? st.slots()[0].length : 0)
            + " moments each, not " + n + " with " + k + "; resume with the guide and optimizer "
            + "the fit was started with");
      }
      for (int p = 0; p < n; p++) {
        values[p][r] = st.values()[p];
        for (int j = 0; j < k; j++) {
          slots[p][j][r] = st.slots()[p][j];
        }
      }
    }
    return new SeriesShard(sorted, values, slots, null);
  }

  /** The next shard after step {@code in.state().step()}, holding that step's part. */
  SeriesShard step(int partition, ShardEngine engine, SeriesParams local, SparkSvi.StepInput in) {
    int[] at = positions(in.ids());
    if (at.length == 0) {
      return new SeriesShard(rows, values, slots, null);
    }
    List<SequenceRow> mine = new ArrayList<>(at.length);
    for (int r : at) {
      mine.add(rows[r]);
    }
    SequenceBatch batch = engine.batch(mine, in.totalSeries(), local.steps());
    SviState global = in.state();
    Map<String, Tensor> params = new LinkedHashMap<>(global.optimizer().params());
    Map<String, List<Tensor>> noSlots = new LinkedHashMap<>();
    Map<String, Constraint> constraints = new LinkedHashMap<>(global.constraints());
    for (int p = 0; p < local.locals().size(); p++) {
      SeriesParams.Local l = local.locals().get(p);
      params.put(l.name(), local.gather(p, pick(values[p], at)));
      constraints.put(l.name(), l.constraint());
    }
    params.keySet().forEach(name -> noSlots.put(name, List.of()));
    SviState joint = new SviState(new OptimizerState(global.optimizer().step(), params, noSlots),
        global.key(), global.step(), global.skippedSteps(), constraints);
    List<ValueAndGrad> parts = engine.svi().lossParts(joint, batch, in.key(), engine::split);
    ShardResult.Part part = new ShardResult.Part(partition, at.length, parts.get(0).loss(),
        ShardEngine.flatten(parts.get(0).grad(), global), parts.get(1).loss(),
        ShardEngine.flatten(parts.get(1).grad(), global));

    // the step's gradient with respect to a local param is (N / B) times its local terms'
    double scale = (double) in.totalSeries() / in.ids().length;
    Map<String, Tensor> grads = new LinkedHashMap<>();
    Map<String, Tensor> current = new LinkedHashMap<>();
    Map<String, List<Tensor>> moments = new LinkedHashMap<>();
    for (int p = 0; p < local.locals().size(); p++) {
      SeriesParams.Local l = local.locals().get(p);
      grads.put(l.name(), parts.get(0).grad().get(l.name()).mul(scale));
      current.put(l.name(), params.get(l.name()));
      List<Tensor> m = new ArrayList<>();
      for (double[][] slot : slots[p]) {
        m.add(local.gather(p, pick(slot, at)));
      }
      moments.put(l.name(), m);
    }
    Optimizer optimizer = engine.svi().optimizer();
    long optimizerStep = global.optimizer().step();
    OptimizerState updated;
    if (optimizer.isElementwise()) {
      updated = optimizer.update(grads, new OptimizerState(optimizerStep, current, moments));
    } else {
      updated = seriesBySeries(optimizer, local, optimizerStep, grads, current, moments, at.length);
    }

    double[][][] nextValues = new double[values.length][][];
    double[][][][] nextSlots = new double[slots.length][][][];
    for (int p = 0; p < local.locals().size(); p++) {
      String name = local.locals().get(p).name();
      nextValues[p] = values[p].clone();
      double[][] v = local.scatter(p, updated.params().get(name));
      for (int i = 0; i < at.length; i++) {
        checkFinite(v[i], name, ids[at[i]], global.step());
        nextValues[p][at[i]] = v[i];
      }
      nextSlots[p] = new double[slots[p].length][][];
      for (int k = 0; k < slots[p].length; k++) {
        nextSlots[p][k] = slots[p][k].clone();
        double[][] s = local.scatter(p, updated.slots().get(name).get(k));
        for (int i = 0; i < at.length; i++) {
          nextSlots[p][k][at[i]] = s[i];
        }
      }
    }
    return new SeriesShard(rows, nextValues, nextSlots, part);
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

  private static void checkFinite(double[] v, String param, long id, long step) {
    for (double x : v) {
      if (!Double.isFinite(x)) {
        throw new ArithmeticException("SparkSvi step " + step + ": per-series param '" + param
            + "' of series id " + id + " is no longer finite (its gradient or the loss is not); "
            + "run the model on that series on one machine with Svi to find the site");
      }
    }
  }

  /** Where the sorted {@code batch} ids sit in this shard (those it holds). */
  private int[] positions(long[] batch) {
    int[] out = new int[Math.min(batch.length, ids.length)];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < batch.length && j < ids.length) {
      if (batch[i] == ids[j]) {
        out[n++] = j;
        i++;
        j++;
      } else if (batch[i] < ids[j]) {
        i++;
      } else {
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static List<double[]> pick(double[][] rows, int[] at) {
    List<double[]> out = new ArrayList<>(at.length);
    for (int r : at) {
      out.add(rows[r]);
    }
    return out;
  }

  private static SequenceRow[] sorted(List<SequenceRow> rows) {
    SequenceRow[] a = rows.toArray(new SequenceRow[0]);
    Arrays.sort(a, (x, y) -> Long.compare(x.id(), y.id()));
    return a;
  }

  static int slotCount(Optimizer optimizer, SeriesParams local) {
    if (local.isEmpty()) {
      return 0;
    }
    SeriesParams.Local l = local.locals().get(0);
    return optimizer.init(Map.of(l.name(), Tensor.zeros(l.slice()))).slots().get(l.name()).size();
  }

  private static double[][][][] zeroSlots(Optimizer optimizer, SeriesParams local, int n) {
    int k = slotCount(optimizer, local);
    double[][][][] out = new double[local.locals().size()][k][n][];
    for (int p = 0; p < out.length; p++) {
      // one zero array shared by every row: a step replaces a row's arrays, never writes into them
      double[] zero = new double[local.locals().get(p).slice().numel()];
      for (int j = 0; j < k; j++) {
        Arrays.fill(out[p][j], zero);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "SeriesShard(" + rows.length + " series" + (part == null ? "" : ", part") + ")";
  }
}
