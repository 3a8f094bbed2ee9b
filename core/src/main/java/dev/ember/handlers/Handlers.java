// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The effect handlers, as static factories in two forms, like NumPyro's {@code handlers}.
 *
 * <p>Scoped: the factory returns the handler already entered, for try-with-resources (resources
 * open in order and close in reverse, as Python's {@code with a, b:}). Wrapping: the factory
 * takes a model and returns a model that runs under a fresh handler at every call (a seeded model
 * therefore draws the same values each time it is called).
 *
 * <pre>{@code
 * Trace tr = Handlers.trace(Handlers.seed(model, RngKey.of(0))).getTrace(data);
 *
 * try (Trace t = Handlers.trace(); Seed s = Handlers.seed(RngKey.of(0))) {
 *   model.run(data);
 * }
 * }</pre>
 */
public final class Handlers {
  private Handlers() {}

  /** A serializable source of fresh handlers, so wrapped lambda models stay serializable. */
  @FunctionalInterface
  private interface Fresh extends Serializable {
    Messenger make();
  }

  private static <D> Model<D> wrap(Model<D> model, Fresh fresh) {
    return data -> HandlerStack.runWith(fresh.make(), () -> model.run(data));
  }

  // ------------------------------------------------------------------ trace

  /** Records every site (scoped form). */
  public static Trace trace() {
    return (Trace) new Trace().enter();
  }

  /** {@code model} under a fresh trace at each {@link TracedModel#getTrace} call. */
  public static <D> TracedModel<D> trace(Model<D> model) {
    return new TracedModel<>(model);
  }

  // ------------------------------------------------------------------ seed

  /** Gives keys split from {@code key} to every site that needs one. */
  public static Seed seed(RngKey key) {
    return (Seed) new Seed(key).enter();
  }

  /** {@code model} seeded afresh with {@code key} at every call. */
  public static <D> Model<D> seed(Model<D> model, RngKey key) {
    return wrap(model, () -> new Seed(key));
  }

  /**
   * Seeds like {@code seed(key)}, but keys the sample sites inside the plate {@code plateName} by
   * row: row {@code r} of such a site's draw (the index {@code r} on the plate's batch dimension)
   * comes from {@code siteKey.foldIn(rowIds[r])}, each element at its row-major position in the
   * row's own sub-tensor (sample and event axes included). A row's values therefore depend on the
   * key, its id and the site, never on which other rows share the batch, as the local sites of a
   * data-parallel step need (DESIGN.md section 7).
   *
   * <p>The keys are split exactly as {@code seed(key)} splits them, so the sites outside the plate
   * (global sites) get the same keys and values as under {@code seed(key)}. Scans keep the rows:
   * a site in the plate inside a scan body is keyed from its per-step site key. Inside the plate,
   * {@code prngKey()} returns the plain key that {@code seed(key)} would. A plate name that no
   * site uses is not an error (nothing is row-keyed). The seed must be outside the plate; see
   * {@link Seed} for the rules.
   *
   * <pre>{@code
   * try (Seed s = Handlers.seedRows(stepKey, "series", new long[] {17, 3, 40})) {
   *   model.run(batch);  // the site z in plate "series" draws row 17 as it would in any batch
   * }
   * }</pre>
   *
   * @param key the step's key
   * @param plateName the plate whose rows are keyed (the series plate)
   * @param rowIds one id per row of the plate's current batch, in batch order, distinct (copied)
   * @return the entered seed handler
   * @throws IllegalArgumentException if an id appears twice (the message names it); a site in the
   *     plate whose plate size differs from {@code rowIds.length} fails when it is sampled
   */
  public static Seed seedRows(RngKey key, String plateName, long[] rowIds) {
    return (Seed) new Seed(key.base().withRows(plateName, rowIds)).enter();
  }

  /**
   * {@code model} seeded afresh by row at every call ({@link #seedRows(RngKey, String, long[])}).
   *
   * @param model the model
   * @param key the step's key
   * @param plateName the plate whose rows are keyed
   * @param rowIds one id per row of the plate's batch, distinct (copied)
   * @return the seeded model
   * @throws IllegalArgumentException if an id appears twice
   */
  public static <D> Model<D> seedRows(
      Model<D> model, RngKey key, String plateName, long[] rowIds) {
    RngKey rowKey = key.base().withRows(plateName, rowIds); // validated now, not at the first call
    return wrap(model, () -> new Seed(rowKey));
  }

  // ------------------------------------------------------------------ substitute, condition, replay

  /** Gives sites values from {@code data} (they stay latent). */
  public static Substitute substitute(Map<String, Tensor> data) {
    return (Substitute) new Substitute(Substitute.fromMap(Map.copyOf(data)), false).enter();
  }

  /** Gives sites the values {@code fn} returns (null: no value). */
  public static Substitute substitute(Function<Message, Tensor> fn) {
    return (Substitute) new Substitute(fn, false).enter();
  }

  /** {@code model} with sites substituted from {@code data}. */
  public static <D> Model<D> substitute(Model<D> model, Map<String, Tensor> data) {
    Map<String, Tensor> copy = Map.copyOf(data);
    return wrap(model, () -> new Substitute(Substitute.fromMap(copy), false));
  }

  /**
   * Observes sample sites at the values in {@code data}. Inside a scan, a series shorter than the
   * scan observes the first steps and lets the rest sample (forecasting; see {@link Substitute}).
   */
  public static Substitute condition(Map<String, Tensor> data) {
    return (Substitute) new Substitute(Substitute.fromMap(Map.copyOf(data)), true).enter();
  }

  /** {@code model} with sample sites observed at the values in {@code data}. */
  public static <D> Model<D> condition(Model<D> model, Map<String, Tensor> data) {
    Map<String, Tensor> copy = Map.copyOf(data);
    return wrap(model, () -> new Substitute(Substitute.fromMap(copy), true));
  }

  /** Replays the latent values and plate indices of {@code guideTrace}. */
  public static Replay replay(Trace guideTrace) {
    return (Replay) new Replay(Map.copyOf(guideTrace.sites())).enter();
  }

  /** {@code model} replayed against {@code guideTrace}. */
  public static <D> Model<D> replay(Model<D> model, Trace guideTrace) {
    Map<String, Site> sites = Map.copyOf(guideTrace.sites());
    return wrap(model, () -> new Replay(sites));
  }

  // ------------------------------------------------------------------ block

  /** Hides every message (key requests excepted) from the handlers outside. */
  public static Block block() {
    return block(m -> true);
  }

  /** Hides the messages {@code hide} selects. */
  public static Block block(Predicate<Message> hide) {
    return (Block) new Block(hide).enter();
  }

  /** Hides the named sites. */
  public static Block hide(String... names) {
    Set<String> set = Set.of(names);
    return block(m -> set.contains(m.name()));
  }

  /** Hides everything but the named sites. */
  public static Block expose(String... names) {
    Set<String> set = Set.of(names);
    return block(m -> !set.contains(m.name()));
  }

  /** Hides the messages of the given types. */
  public static Block hideTypes(SiteType... types) {
    Set<SiteType> set = Set.of(types);
    return block(m -> set.contains(m.type()));
  }

  /** {@code model} with the messages {@code hide} selects hidden. */
  public static <D> Model<D> block(Model<D> model, SerializablePredicate hide) {
    return wrap(model, () -> new Block(hide));
  }

  /** A predicate on messages that can travel with a serialized model. */
  @FunctionalInterface
  public interface SerializablePredicate extends Predicate<Message>, Serializable {}

  // ------------------------------------------------------------------ scale, mask

  /** Multiplies the log-density weight of the sample sites inside by {@code factor > 0}. */
  public static Scale scale(double factor) {
    return (Scale) new Scale(factor).enter();
  }

  /** {@code model} with every sample site's weight multiplied by {@code factor}. */
  public static <D> Model<D> scale(Model<D> model, double factor) {
    new Scale(factor); // validate now, not at the first call
    return wrap(model, () -> new Scale(factor));
  }

  /** Zeroes log-densities where the boolean {@code mask} is false (broadcast from the right). */
  public static Mask mask(Tensor mask) {
    return (Mask) new Mask(mask, false).enter();
  }

  /** {@code mask(true)} keeps, {@code mask(false)} zeroes every log-density inside. */
  public static Mask mask(boolean keep) {
    return mask(Tensor.fullBoolean(keep));
  }

  /** {@code model} with log-densities masked. */
  public static <D> Model<D> mask(Model<D> model, Tensor mask) {
    return wrap(model, () -> new Mask(mask, false));
  }

  /**
   * A mask {@code [T]} over the time axis of sites stacked by a scan (an ordinary mask would
   * broadcast against their last batch axis instead).
   */
  public static Mask timeMask(Tensor mask) {
    return (Mask) new Mask(mask, true).enter();
  }

  /** {@code model} with the time axis of its scanned sites masked by {@code mask [T]}. */
  public static <D> Model<D> timeMask(Model<D> model, Tensor mask) {
    return wrap(model, () -> new Mask(mask, true));
  }

  // ------------------------------------------------------------------ lift, do

  /** Turns params with a prior (non-null {@code prior.apply(name)}) into sample sites. */
  public static Lift lift(Function<String, Distribution> prior) {
    return (Lift) new Lift(prior).enter();
  }

  /** {@code model} with its params lifted to sample sites from {@code prior}. */
  public static <D> Model<D> lift(Model<D> model, PriorFunction prior) {
    return wrap(model, () -> new Lift(prior));
  }

  /** A serializable prior by site name. */
  @FunctionalInterface
  public interface PriorFunction extends Function<String, Distribution>, Serializable {}

  /** Intervenes on the named sample sites: downstream code sees the given values. */
  public static DoIntervention doIntervention(Map<String, Tensor> data) {
    return (DoIntervention) new DoIntervention(Map.copyOf(data)).enter();
  }

  /** {@code model} with interventions on the named sites. */
  public static <D> Model<D> doIntervention(Model<D> model, Map<String, Tensor> data) {
    Map<String, Tensor> copy = Map.copyOf(data);
    return wrap(model, () -> new DoIntervention(copy));
  }

  // ------------------------------------------------------------------ scope, inferConfig

  /** Prefixes site names with {@code prefix + "/"}. */
  public static Scope scope(String prefix) {
    return (Scope) new Scope(prefix).enter();
  }

  /** {@code model} with its site names prefixed. */
  public static <D> Model<D> scope(Model<D> model, String prefix) {
    return wrap(model, () -> new Scope(prefix));
  }

  /** Adds {@code config(msg)} to each sample site's infer settings. */
  public static InferConfig inferConfig(Function<Message, Map<String, Object>> config) {
    return (InferConfig) new InferConfig(config).enter();
  }
}
