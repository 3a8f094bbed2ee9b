// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.autodiff.ValueAndGrad;
import dev.ember.data.SequenceBatch;
import dev.ember.dist.constraints.Constraint;
import dev.ember.infer.SviState;
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
 * One partition's per-series params ({@link SeriesParams}) and their optimizer moments, kept on
 * the executor that holds the series' rows: an immutable value, one per partition, each step
 * making the next from the previous.
 *
 * <pre>{@code
 * SeriesShard s0 = SeriesShard.unset(rows, width, slotCount, rootKey); // nothing computed yet
 * SeriesShard s1 = s0.step(partition, rows, keys, bounds, context, input);
 * s1.part();          // the step's loss term and gradient, for the driver
 * s1.cost();          // the time the step spent on the shard's state
 * s1.initialised(rows, context).rowStates(local); // every series' state, for a checkpoint
 * }</pre>
 *
 * <p>The series' states are grouped by the minibatch they belong to in the epoch of the shard's
 * last step, each group's params and moments in a few flat arrays: a step replaces its
 * minibatch's group and copies only the arrays of the K groups' references, so it costs O(B / P +
 * K), not O(N / P), and a cached shard is a few hundred objects however many series it holds
 * (Spark estimates the size of each step's cached shard by walking its objects). The first step of
 * an epoch regroups them (O(N / P), once per epoch). Nothing is changed in place, so a retried or
 * speculative task reads the same shard.
 *
 * <p>A series' state is made when its minibatch first comes: a fit starts from a shard whose
 * groups are unset ({@link #unset}: the guide's initial values, zero moments, none of it computed),
 * and a step whose group is unset first runs the guide's initialisation on that group's rows (B /
 * P of them). So the set-up costs nothing per series, and the first epoch makes the state as it
 * visits it. This gives the values an eager start would, since a series' initial slice depends
 * only on its own row and the fit's key ({@link SeriesParams} checks that on two rows). What must
 * see every series (a checkpoint, the fit's result) first makes the unset groups' state ({@link
 * #initialised}), and so does the regrouping at the next epoch's start, for the rows no step of
 * the epoch held.
 *
 * <p>A step runs the shard's rows of the minibatch exactly as the engine does for global params
 * ({@link ShardEngine#compute}), with their per-series params gathered into the guide's batch
 * values; then it updates those params on the spot with the gradient of the step's loss, {@code
 * (N / B)} times their rows' local terms (the only terms they enter), as the single-JVM loss
 * {@code global + (N / B) sum(local)} would. Updates are lazy, as in TensorFlow's LazyAdam and
 * PyTorch's SparseAdam: a series' params and moments change only at the steps whose minibatch
 * holds it, with the optimizer's global step count (bias corrections and schedules at the same
 * step as the global params'). An elementwise optimizer updates all the rows at once, any other
 * one series by series, so that nothing depends on which rows share a partition.
 */
final class SeriesShard implements Serializable {
  private static final long serialVersionUID = 1L;

  private final long epoch; // whose minibatches group the states; -1: one group, by position
  private final int width; // W: doubles per series over all per-series params
  private final int slotCount; // S: the optimizer's moments per param
  private final RngKey root; // the guide's initialisation key; null only if no group is unset
  private final long[][] ids; // [group][k]
  private final int[][] positions; // [group][k] row positions, ascending (so in id order)
  // a group's values and slots are both null while it is unset (initial values, zero moments)
  private final double[][] values; // [group][k * W + offset(p) + e], unconstrained
  private final double[][][] slots; // [group][s][k * W + offset(p) + e], as values
  private final ShardResult.Part part; // of the step that made this shard, or null
  private final StepCost cost; // of the step that made this shard

  private SeriesShard(long epoch, int width, int slotCount, RngKey root, long[][] ids,
      int[][] positions, double[][] values, double[][][] slots, ShardResult.Part part,
      StepCost cost) {
    this.epoch = epoch;
    this.width = width;
    this.slotCount = slotCount;
    this.root = root;
    this.ids = ids;
    this.positions = positions;
    this.values = values;
    this.slots = slots;
    this.part = part;
    this.cost = cost;
  }

  private SeriesShard with(double[][] nextValues, double[][][] nextSlots, ShardResult.Part p,
      StepCost c) {
    return new SeriesShard(epoch, width, slotCount, root, ids, positions, nextValues, nextSlots,
        p, c);
  }

  /**
   * The time (ns) a step spent on the shard's state, inside its compute: regrouping it at an
   * epoch's first step; making the initial state of a group at its first step; reading the group's
   * params into the batch, updating them and checking the result. The rest of the step's compute
   * is what a task without per-series params does as well.
   *
   * @param regroup regrouping the states by the epoch's minibatches
   * @param initialState making the group's initial state
   * @param update reading the group's params, the optimizer's update, the check of the result
   */
  record StepCost(long regroup, long initialState, long update) implements Serializable {
    static final StepCost NONE = new StepCost(0, 0, 0);
  }

  /**
   * One series' per-series state, as checkpoints store it.
   *
   * @param id the series
   * @param values per param, its unconstrained slice
   * @param slots per param, its moments' slices
   */
  record RowState(long id, double[][] values, double[][][] slots) implements Serializable {}

  /** The part of the step that made this shard; null if it held no row of the minibatch. */
  ShardResult.Part part() {
    return part;
  }

  /** The time the step that made this shard spent on its state; none if no step made it. */
  StepCost cost() {
    return cost;
  }

  /** The rows' states, for a checkpoint; every group must be set ({@link #initialised}). */
  List<RowState> rowStates(SeriesParams local) {
    requireSet("its rows' states");
    int[] off = local.offsets();
    int n = local.locals().size();
    List<RowState> out = new ArrayList<>();
    for (int g = 0; g < ids.length; g++) {
      for (int k = 0; k < ids[g].length; k++) {
        double[][] v = new double[n][];
        double[][][] m = new double[n][slotCount][];
        for (int p = 0; p < n; p++) {
          v[p] = Arrays.copyOfRange(values[g], k * width + off[p], k * width + off[p + 1]);
          for (int j = 0; j < slotCount; j++) {
            m[p][j] = Arrays.copyOfRange(slots[g][j], k * width + off[p], k * width + off[p + 1]);
          }
        }
        out.add(new RowState(ids[g][k], v, m));
      }
    }
    return out;
  }

  /**
   * The rows' ids and constrained per-series params by param name: what a fit reports per series.
   * A slice with a time axis is cut to its series' length ({@code rows}, the shard's rows): the
   * steps past it were only padding, never fitted, and their initial values would read as fitted
   * ones.
   */
  List<Map.Entry<Long, Map<String, double[]>>> constrainedValues(SeriesParams local,
      PartitionRows rows) {
    requireSet("its rows' values");
    int[] off = local.offsets();
    List<Map.Entry<Long, Map<String, double[]>>> out = new ArrayList<>();
    for (int g = 0; g < ids.length; g++) {
      for (int k = 0; k < ids[g].length; k++) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int p = 0; p < local.locals().size(); p++) {
          SeriesParams.Local l = local.locals().get(p);
          Tensor u = Tensor.of(Arrays.copyOfRange(values[g], k * width + off[p],
              k * width + off[p + 1]), l.slice());
          double[] c = dev.ember.dist.transforms.Transforms.bijectTo(l.constraint()).forward(u)
              .toArray();
          m.put(l.name(), l.timeAxis() < 0 ? c
              : SeriesParams.alongTime(c, l, rows.length(positions[g][k])));
        }
        out.add(Map.entry(ids[g][k], m));
      }
    }
    return out;
  }

  /**
   * A shard of {@code rows} with every series unset: the guide's initial values (from its
   * initialisation with {@code root}) and zero moments, computed when a step or {@link
   * #initialised} first needs them; {@code width} doubles of params per series, {@code slotCount}
   * moments per param.
   */
  static SeriesShard unset(PartitionRows rows, int width, int slotCount, RngKey root) {
    return byPosition(rows, width, slotCount, root, null, null);
  }

  /** This shard with every unset group's state made: the guide's initial values, zero moments. */
  SeriesShard initialised(PartitionRows rows, FitContext ctx) {
    double[][] v = values.clone();
    double[][][] m = slots.clone();
    for (int g = 0; g < v.length; g++) {
      if (v[g] == null) {
        v[g] = SeriesInitialValues.of(rows, positions[g], root, ctx);
        m[g] = new double[slotCount][positions[g].length * width];
      }
    }
    return new SeriesShard(epoch, width, slotCount, null, ids, positions, v, m, part, cost);
  }

  private void requireSet(String what) {
    for (double[] v : values) {
      if (v == null) {
        throw new IllegalStateException("a shard with unset series has no values yet; make "
            + "them (initialised) before reading " + what);
      }
    }
  }

  /** How many series have their state made (the others are at their initial values). */
  private int seriesWithState() {
    int n = 0;
    for (int g = 0; g < ids.length; g++) {
      n += values[g] == null ? 0 : ids[g].length;
    }
    return n;
  }

  /** A shard of {@code rows} with the states {@code states} (by id) read from a checkpoint. */
  static SeriesShard restore(PartitionRows rows, Map<Long, RowState> states, SeriesParams local,
      int k) {
    int[] off = local.offsets();
    int w = local.width();
    int n = local.locals().size();
    double[] v = new double[rows.size() * w];
    double[][] m = new double[k][rows.size() * w];
    for (int r = 0; r < rows.size(); r++) {
      RowState st = states.get(rows.id(r));
      if (st == null) {
        throw new IllegalStateException("the checkpoint has no per-series state for series id "
            + rows.id(r) + "; resume with the data the fit was started with");
      }
      if (st.values().length != n || (n > 0 && st.slots()[0].length != k)) {
        throw new IllegalStateException("the checkpoint's state of series id " + rows.id(r)
            + " has " + st.values().length + " params with " + (n > 0 ? st.slots()[0].length : 0)
            + " moments each, not " + n + " with " + k + "; resume with the guide and optimizer "
            + "the fit was started with");
      }
      for (int p = 0; p < n; p++) {
        System.arraycopy(st.values()[p], 0, v, r * w + off[p], off[p + 1] - off[p]);
        for (int j = 0; j < k; j++) {
          System.arraycopy(st.slots()[p][j], 0, m[j], r * w + off[p], off[p + 1] - off[p]);
        }
      }
    }
    return byPosition(rows, w, k, null, v, m);
  }

  private static SeriesShard byPosition(PartitionRows rows, int w, int k, RngKey root, double[] v,
      double[][] m) {
    long[] id = new long[rows.size()];
    int[] at = new int[rows.size()];
    for (int i = 0; i < at.length; i++) {
      id[i] = rows.id(i);
      at[i] = i;
    }
    return new SeriesShard(-1, w, k, root, new long[][] {id}, new int[][] {at},
        new double[][] {v}, new double[][][] {m}, null, StepCost.NONE);
  }

  /**
   * This shard's states grouped by the minibatches of {@code keys}' epoch: group j holds the rows
   * of minibatch j, in id order; group K those that sit the epoch out. If every group is unset, so
   * are the new ones; else the unset groups' state is made first.
   */
  SeriesShard regroup(EpochKeys keys, BatchBoundaries bounds, PartitionRows rows,
      FitContext ctx) {
    long unsetGroups = Arrays.stream(values).filter(v -> v == null).count();
    if (unsetGroups > 0 && unsetGroups < values.length) {
      return initialised(rows, ctx).regroup(keys, bounds, rows, ctx);
    }
    boolean unset = unsetGroups > 0;
    int n = keys.size();
    int[] groupOf = new int[n];
    int[] indexOf = new int[n];
    for (int g = 0; g < positions.length; g++) {
      for (int i = 0; i < positions[g].length; i++) {
        groupOf[positions[g][i]] = g;
        indexOf[positions[g][i]] = i;
      }
    }
    int k = bounds.perEpoch();
    int[][] nextPositions = bounds.groups(keys);
    long[][] nextIds = new long[k + 1][];
    double[][] nextValues = new double[k + 1][];
    double[][][] nextSlots = new double[k + 1][][];
    for (int j = 0; j <= k; j++) {
      int[] at = nextPositions[j];
      nextIds[j] = new long[at.length];
      nextValues[j] = unset ? null : new double[at.length * width];
      nextSlots[j] = unset ? null : new double[slotCount][at.length * width];
      for (int i = 0; i < at.length; i++) {
        int g = groupOf[at[i]];
        int x = indexOf[at[i]];
        nextIds[j][i] = ids[g][x];
        if (!unset) {
          System.arraycopy(values[g], x * width, nextValues[j], i * width, width);
          for (int m = 0; m < slotCount; m++) {
            System.arraycopy(slots[g][m], x * width, nextSlots[j][m], i * width, width);
          }
        }
      }
    }
    return new SeriesShard(keys.epoch(), width, slotCount, unset ? root : null, nextIds,
        nextPositions, nextValues, nextSlots, null, StepCost.NONE);
  }

  /** The next shard after step {@code in.step()}, holding that step's part. */
  SeriesShard step(int partition, PartitionRows rows, EpochKeys keys, BatchBoundaries bounds,
      FitContext ctx, StepInput in) {
    ShardEngine.checkNoHandlers();
    if (keys.epoch() != in.epoch()) {
      throw new IllegalStateException("step " + in.step() + " of epoch " + in.epoch()
          + " met the keys of epoch " + keys.epoch());
    }
    // the time spent on the state, where there is such work (a clock read around nothing would
    // be counted too)
    long regroup = 0;
    SeriesShard shard = this;
    if (epoch != in.epoch()) {
      long t0 = System.nanoTime();
      shard = regroup(keys, bounds, rows, ctx);
      regroup = System.nanoTime() - t0;
    }
    int j = in.batch();
    int b = shard.ids[j].length;
    if (b == 0) {
      return shard.with(shard.values, shard.slots, null, new StepCost(regroup, 0, 0));
    }
    SeriesParams local = ctx.local();
    ShardEngine engine = ctx.engine();
    int[] off = local.offsets();
    SequenceBatch batch = engine.batch(rows, shard.positions[j], ctx.totalSeries(),
        local.steps());
    // the group's state, made now from this batch if this is its first step
    long initial = 0;
    Map<String, Tensor> made = null; // [T, b] by name
    double[] groupValues = shard.values[j];
    double[][] groupSlots = shard.slots[j];
    if (groupValues == null) {
      long t1 = System.nanoTime();
      made = SeriesInitialValues.batchValues(batch, shard.root, ctx);
      groupValues = SeriesInitialValues.seriesMajor(made, local, b);
      groupSlots = new double[slotCount][b * width];
      initial = System.nanoTime() - t1;
    }
    SviState global = in.state(ctx.constraints());
    Map<String, Tensor> params = new LinkedHashMap<>(global.optimizer().params());
    Map<String, List<Tensor>> noSlots = new LinkedHashMap<>();
    Map<String, Constraint> constraints = new LinkedHashMap<>(global.constraints());
    long t2 = System.nanoTime();
    for (int p = 0; p < local.locals().size(); p++) {
      SeriesParams.Local l = local.locals().get(p);
      params.put(l.name(), made != null ? made.get(l.name())
          : local.gather(p, groupValues, width, off[p], b));
      constraints.put(l.name(), l.constraint());
    }
    long read = System.nanoTime() - t2;
    params.keySet().forEach(name -> noSlots.put(name, List.of()));
    SviState joint = new SviState(new OptimizerState(global.optimizer().step(), params, noSlots),
        global.key(), global.step(), global.skippedSteps(), constraints);
    ValueAndGrad vg = engine.weighted(joint, batch, in.key(), ctx.totalSeries(), ctx.batchSize());
    double[] grad = ShardEngine.flatten(vg.grad(), global);
    if (!ShardEngine.finite(vg.loss(), grad) || !SeriesUpdate.finiteLocal(vg.grad(), local)) {
      ShardResult.Part bad = new ShardResult.Part(partition, b, vg.loss(), grad,
          NonFiniteTerms.find(engine, joint, rows.rows(shard.positions[j], 0, b), in.key(),
              ctx.totalSeries(), local.steps()));
      return shard.with(shard.values, shard.slots, bad, new StepCost(regroup, initial, read));
    }
    ShardResult.Part part = new ShardResult.Part(partition, b, vg.loss(), grad, List.of());

    // the weighted term's gradient with respect to a local param is (N / B) times its local
    // terms', and the optimizer steps at the global params' step count
    long t3 = System.nanoTime();
    SeriesUpdate.Next next = SeriesUpdate.update(engine.svi().optimizer(), local,
        global.optimizer().step(), vg.grad(), groupValues, groupSlots, b);
    SeriesUpdate.requireFinite(next.values(), shard.ids[j], width, local, in.step());
    double[][] allValues = shard.values.clone(); // K + 1 references, not N / P
    double[][][] allSlots = shard.slots.clone();
    allValues[j] = next.values();
    allSlots[j] = next.slots();
    return shard.with(allValues, allSlots, part,
        new StepCost(regroup, initial, read + System.nanoTime() - t3));
  }

  @Override
  public String toString() {
    int n = 0;
    for (long[] g : ids) {
      n += g.length;
    }
    return "SeriesShard(epoch " + epoch + ", " + n + " series, " + seriesWithState()
        + " with state" + (part == null ? "" : ", part") + ")";
  }
}
