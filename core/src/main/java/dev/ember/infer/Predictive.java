// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.autodiff.Autodiff;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posterior and posterior-predictive draws: for each of {@code numSamples} draws, the latent
 * values come from the guide (or from given posterior samples), and the model is run on them
 * with fresh randomness for everything else, in particular its observed sites when the data
 * passed leaves them unobserved.
 *
 * <p>The latent values are given to the model with {@code substitute}, which inside a {@code
 * scan} gives step {@code t} the guide's slice {@code t} and lets the steps past the guide's
 * length draw from the model: a scan model called with a horizon longer than the data forecasts.
 *
 * <pre>{@code
 * Map<String, Tensor> draws = Predictive.of(model, guide, 500)
 *     .returnSites("y")
 *     .run(RngKey.of(1), futureData, fit.params());   // "y": [500, ...]
 * Map<String, Tensor> fromSamples = Predictive.ofSamples(model, posteriorSamples)
 *     .run(RngKey.of(2), data, Map.of());
 * }</pre>
 *
 * <p>Draws run one after another (each with its own key) and are stacked on a new leading axis.
 *
 * <p>Reference: NumPyro {@code infer.util.Predictive}.
 */
public final class Predictive<D> {
  private final Model<D> model;
  private final Model<D> guide; // null when posterior samples are given
  private final Map<String, Tensor> samples; // [S, ...] each; null with a guide
  private final int numSamples;
  private final Set<String> returnSites; // empty: every sample and deterministic site
  private final Seeding<D> seeding;

  /**
   * How one draw's guide or model is seeded with its key: {@code Handlers.seed} by default; a
   * data-parallel engine keys the sites of each data row by the row's id instead ({@code
   * Handlers.seedRows}), so that a row's draws do not depend on the rows it is batched with.
   */
  @FunctionalInterface
  public interface Seeding<D> extends java.io.Serializable {
    /**
     * {@code model} (or the guide) seeded with {@code key} for a call with {@code data}.
     *
     * @param model the model or the guide, params already substituted
     * @param data what it will be called with
     * @param key the key of this draw's guide or model run
     * @return the seeded model
     */
    Model<D> seeded(Model<D> model, D data, RngKey key);
  }

  private Predictive(Model<D> model, Model<D> guide, Map<String, Tensor> samples, int numSamples,
      Set<String> returnSites, Seeding<D> seeding) {
    this.model = java.util.Objects.requireNonNull(model, "model");
    this.guide = guide;
    this.samples = samples;
    this.numSamples = numSamples;
    this.returnSites = returnSites;
    this.seeding = seeding;
  }

  /** Draws with latent values from {@code guide} ({@code numSamples} guide runs). */
  public static <D> Predictive<D> of(Model<D> model, Model<D> guide, int numSamples) {
    if (numSamples < 1) {
      throw new IllegalArgumentException("Predictive: numSamples must be >= 1, got " + numSamples);
    }
    return new Predictive<>(model, java.util.Objects.requireNonNull(guide, "guide"), null,
        numSamples, Set.of(), (m, d, k) -> Handlers.seed(m, k));
  }

  /** Draws of the model given posterior samples, each of shape {@code [S, ...]}. */
  public static <D> Predictive<D> ofSamples(Model<D> model, Map<String, Tensor> posteriorSamples) {
    int s = -1;
    for (Map.Entry<String, Tensor> e : posteriorSamples.entrySet()) {
      Tensor v = e.getValue();
      if (v.rank() == 0 || (s >= 0 && v.dim(0) != s)) {
        throw new IllegalArgumentException(
            "Predictive: posterior sample '" + e.getKey() + "' has shape " + v.shape()
                + "; every sample needs the same leading sample axis" + (s >= 0 ? " (" + s + ")" : ""));
      }
      s = v.dim(0);
    }
    if (s < 1) {
      throw new IllegalArgumentException("Predictive: no posterior samples given");
    }
    return new Predictive<>(model, null, new LinkedHashMap<>(posteriorSamples), s, Set.of(),
        (m, d, k) -> Handlers.seed(m, k));
  }

  /** Returns only these sites (default: every sample and deterministic site of the model). */
  public Predictive<D> returnSites(String... sites) {
    return new Predictive<>(model, guide, samples, numSamples,
        Collections.unmodifiableSet(new LinkedHashSet<>(List.of(sites))), seeding);
  }

  /**
   * Seeds each draw's guide and model runs with {@code s} instead of {@code Handlers.seed}: e.g.
   * {@code (m, batch, k) -> Handlers.seedRows(m, k, "series", batch.ids())} for draws keyed by
   * row. The keys are split as before: per draw, then between guide and model.
   */
  public Predictive<D> seeding(Seeding<D> s) {
    return new Predictive<>(model, guide, samples, numSamples, returnSites,
        java.util.Objects.requireNonNull(s, "seeding"));
  }

  /**
   * The draws, each site stacked to {@code [numSamples, ...]}.
   *
   * @param key the randomness (split per draw, then between guide and model)
   * @param data what the guide and the model are called with (leave observations out to predict
   *     them)
   * @param params the fitted params (constrained), substituted into guide and model
   */
  public Map<String, Tensor> run(RngKey key, D data, Map<String, Tensor> params) {
    return Autodiff.noGrad(() -> draw(key, data, params));
  }

  private Map<String, Tensor> draw(RngKey key, D data, Map<String, Tensor> params) {
    RngKey[] keys = numSamples == 1 ? new RngKey[] {key} : key.split(numSamples);
    Map<String, List<Tensor>> columns = new LinkedHashMap<>();
    for (int i = 0; i < numSamples; i++) {
      RngKey[] k = keys[i].split();
      Map<String, Tensor> latent = new LinkedHashMap<>(params);
      if (guide != null) {
        Trace g = Handlers.trace(seeding.seeded(Handlers.substitute(guide, params), data, k[0]))
            .getTrace(data);
        for (Site s : g.sites().values()) {
          if (s.type() == SiteType.SAMPLE && !s.observed()) {
            latent.put(s.name(), s.value());
          }
        }
      } else {
        final int at = i;
        samples.forEach((name, v) -> latent.put(name, v.select(0, at)));
      }
      Trace m = Handlers.trace(seeding.seeded(Handlers.substitute(model, latent), data, k[1]))
          .getTrace(data);
      for (Site s : m.sites().values()) {
        boolean wanted = returnSites.isEmpty()
            ? s.type() == SiteType.SAMPLE || s.type() == SiteType.DETERMINISTIC
            : returnSites.contains(s.name());
        if (wanted && s.value() != null && !Boolean.TRUE.equals(s.infer().get("isAuxiliary"))) {
          columns.computeIfAbsent(s.name(), n -> new ArrayList<>(numSamples)).add(s.value());
        }
      }
    }
    for (String name : returnSites) {
      if (!columns.containsKey(name)) {
        throw new IllegalArgumentException(
            "Predictive: the model has no site '" + name + "' to return; its sites are "
                + columns.keySet());
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    columns.forEach((name, col) -> out.put(name, Tensor.stack(0, col)));
    return Collections.unmodifiableMap(out);
  }
}
