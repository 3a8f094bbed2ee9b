// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.autodiff.Autodiff;
import dev.ember.dist.Distribution;
import dev.ember.dist.transforms.Transform;
import dev.ember.dist.transforms.Transforms;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Messenger;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.primitives.Primitives;
import dev.ember.random.RngKey;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common part of automatic guides: on its first run the guide runs the model once (blocked,
 * with a fixed key) to find its latent sites, their shapes, supports, plates and time axes; then
 * each run draws every latent site from the guide's family.
 *
 * <pre>{@code
 * AutoNormal<Tensor> guide = AutoNormal.of(model);
 * Svi<Tensor> svi = Svi.of(model, guide, Adam.of(0.01), new TraceElbo());
 * }</pre>
 *
 * <p>A site inside a {@code scan} body is one site of shape {@code [T, ...]}, drawn at once with
 * {@link Primitives#sampleOverTime} so replay hands step {@code t} its slice. A site inside a
 * subsampled plate gets full-size local params (size N along the plate's dimension), and each run
 * uses the rows of the current subsample: the guide opens the plate itself, the model replays its
 * indices. The prototype is built for the shapes of the data the guide sees and rebuilt when
 * they change (a {@link dev.ember.data.SequenceBatch} of another size or length, a tensor of
 * another shape): a plate whose size follows the batch then gets params of the new size, which is
 * how a data-parallel engine runs the guide on each shard's rows. Data of other types are assumed
 * to keep their shapes (a subsampled plate keeps its full size).
 *
 * @param <D> the data type of the model
 */
public abstract class AutoGuide<D> implements Model<D> {
  private static final long serialVersionUID = 1L;

  /** The model being approximated. */
  protected final Model<D> model;
  /** The prefix of param names. */
  protected final String prefix;
  // The last prototype built, with the shapes of the data it was built for; a run reads it once,
  // so concurrent runs on data of different shapes each use a consistent one.
  private transient volatile Prototype prototype;

  private record Prototype(Object dataShape, List<LatentSite> sites) {}

  /**
   * One latent site of the model, as the prototype run recorded it.
   *
   * @param name the site name
   * @param fn its distribution in the prototype run (plates applied)
   * @param transform the bijection from unconstrained space onto its support
   * @param fullShape its constrained value's shape with every plate at its full size
   * @param unconstrainedShape the unconstrained value's shape at full plate sizes
   * @param eventRank the number of rightmost unconstrained dimensions that form one event
   * @param plates the plates it is in, innermost last
   * @param timeSteps the length of its time axis if it is a scanned site, else 0
   */
  public record LatentSite(
      String name, Distribution fn, Transform transform, Shape fullShape,
      Shape unconstrainedShape, int eventRank, List<PlateFrame> plates, int timeSteps) {

    /** Whether the site's support is the real line (no transform needed). */
    public boolean isReal() {
      return transform instanceof dev.ember.dist.transforms.IdentityTransform;
    }

    /** Whether some plate of the site is subsampled. */
    public boolean subsampled() {
      for (PlateFrame f : plates) {
        if (f.subsampleSize() != f.size()) {
          return true;
        }
      }
      return false;
    }
  }

  protected AutoGuide(Model<D> model, String prefix) {
    this.model = java.util.Objects.requireNonNull(model, "model");
    this.prefix = java.util.Objects.requireNonNull(prefix, "prefix");
  }

  /** The latent sites of the model for data shaped like {@code data}, found by running it once. */
  public List<LatentSite> latentSites(D data) {
    Object shape = dataShape(data);
    Prototype p = prototype;
    if (p == null || !p.dataShape().equals(shape)) {
      p = new Prototype(shape, Autodiff.noGrad(() -> buildPrototype(data)));
      prototype = p;
    }
    return p.sites();
  }

  /** The latent sites of the guide's last run, or null if it has not run. */
  protected List<LatentSite> prototype() {
    Prototype p = prototype;
    return p == null ? null : p.sites();
  }

  /**
   * What of {@code data} fixes the latent sites' shapes: a batch's size and length (and its
   * covariates' shapes), a tensor's shape; other data are taken to keep their shapes.
   */
  private static Object dataShape(Object data) {
    if (data instanceof dev.ember.data.SequenceBatch b) {
      List<Object> key = new ArrayList<>(List.of(b.values().shape()));
      b.covariates().forEach((name, c) -> key.add(List.of(name, c.shape())));
      return key;
    }
    if (data instanceof Tensor t) {
      return t.shape();
    }
    return Boolean.TRUE;
  }

  private List<LatentSite> buildPrototype(D data) {
    // Blocked: the prototype run must not reach the handlers the guide itself runs under.
    Trace tr = Handlers.block().run(
        () -> Handlers.trace(Handlers.seed(model, RngKey.of(0))).getTrace(data));
    List<LatentSite> sites = new ArrayList<>();
    for (Site s : tr.sites().values()) {
      if (s.type() != SiteType.SAMPLE || s.observed()
          || Boolean.TRUE.equals(s.infer().get("isAuxiliary"))) {
        continue;
      }
      if (s.fn().support().isDiscrete()) {
        throw new IllegalArgumentException(
            getClass().getSimpleName() + ": site '" + s.name() + "' is discrete ("
                + s.fn().support() + "); autoguides cover continuous sites only: write a guide "
                + "for it, or block it from the autoguide's model");
      }
      Transform t = Transforms.bijectTo(s.fn().support());
      Shape value = s.value().shape();
      int batchRank = s.fn().batchShape().rank();
      int[] full = value.toArray();
      int valueBatchRank = value.rank() - s.fn().eventShape().rank();
      for (PlateFrame f : s.plates()) {
        int axis = valueBatchRank + f.dim();
        if (axis >= 0 && axis < valueBatchRank) {
          full[axis] = f.size();
        }
      }
      Shape fullShape = Shape.of(full);
      Shape uShape = t.inverseShape(fullShape);
      int eventRank = uShape.rank() - batchRank;
      sites.add(new LatentSite(s.name(), s.fn(), t, fullShape, uShape, eventRank, s.plates(),
          s.timeSteps()));
    }
    if (sites.isEmpty()) {
      throw new IllegalArgumentException(
          getClass().getSimpleName() + ": the model has no latent sample site to guide");
    }
    return Collections.unmodifiableList(sites);
  }

  /**
   * The initial unconstrained value of a site at full plate size: {@code strategy} evaluated on
   * the prototype's distribution, with subsampled rows repeated cyclically up to the full size.
   */
  protected Tensor initialUnconstrained(LatentSite s, InitStrategy strategy, int index) {
    Tensor constrained = strategy.init(s.name(), s.fn(), s.transform(), RngKey.of(0).foldIn(index));
    Tensor u = s.transform().inverse(constrained.detach()).detach();
    int batchRank = s.unconstrainedShape().rank() - s.eventRank();
    for (PlateFrame f : s.plates()) {
      int axis = batchRank + f.dim();
      if (axis < 0 || u.dim(axis) == f.size()) {
        continue;
      }
      int[] rows = new int[f.size()];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = i % u.dim(axis);
      }
      u = u.index(axis, rows);
    }
    if (!u.shape().equals(s.unconstrainedShape())) {
      u = u.broadcastTo(s.unconstrainedShape());
    }
    return u;
  }

  /** Creates the plates of all sites once per run, closed, so sites can re-enter them. */
  protected Map<String, Plate> openPlates(List<LatentSite> sites) {
    Map<String, Plate> plates = new LinkedHashMap<>();
    for (LatentSite s : sites) {
      for (PlateFrame f : s.plates()) {
        if (!plates.containsKey(f.name())) {
          Plate p = Primitives.plate(f.name(), f.size(), f.subsampleSize(), f.dim());
          p.close();
          plates.put(f.name(), p);
        }
      }
    }
    return plates;
  }

  /**
   * {@code full} (a param at full plate size) gathered to the current subsample of each of the
   * site's plates; {@code eventRank} rightmost dimensions are not batch dimensions.
   */
  protected static Tensor subsample(Tensor full, LatentSite s, Map<String, Plate> plates,
      int eventRank) {
    Tensor out = full;
    int batchRank = full.rank() - eventRank;
    for (PlateFrame f : s.plates()) {
      Plate p = plates.get(f.name());
      if (p.subsampleSize() != p.size()) {
        out = out.index(batchRank + f.dim(), p.indices());
      }
    }
    return out;
  }

  /** Runs {@code body} inside the site's plates (re-entered) and returns its value. */
  protected static Tensor inPlates(LatentSite s, Map<String, Plate> plates,
      java.util.function.Supplier<Tensor> body) {
    List<Plate> entered = new ArrayList<>();
    Tensor value;
    try {
      for (PlateFrame f : s.plates()) {
        Plate p = plates.get(f.name());
        p.enter();
        entered.add(p);
      }
      value = body.get();
    } catch (Throwable e) {
      Messenger.closeAll(entered, e);
      throw e;
    }
    Messenger.closeAll(entered, null);
    return value;
  }

  /** Emits a site: stacked over time when the model's site is a scanned one. */
  protected static Tensor emit(LatentSite s, Distribution fn) {
    return s.timeSteps() > 0
        ? Primitives.sampleOverTime(s.name(), fn)
        : Primitives.sample(s.name(), fn);
  }
}
