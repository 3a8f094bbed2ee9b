// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Monte-Carlo ELBO of traces: seed and trace the guide, replay the model on the guide's
 * trace (inside {@code scan} bodies too), trace the model, and take {@code loss = -(sum of model
 * log p - sum of guide log q)}, averaged over particles.
 *
 * <p>Reparameterized guide sites carry their gradient through the draw ({@code rsample}). A
 * latent guide site that cannot be reparameterized (discrete, or a family without a pathwise
 * derivative) adds the score-function term {@code stop(elbo) * (log q - stop(log q))} of that
 * site to the loss: its value is zero, its gradient {@code elbo * grad log q} makes the estimate
 * unbiased (REINFORCE without a baseline, so expect a larger variance than for reparameterized
 * sites). A guide site observed in the guide counts in {@code log q}, as in NumPyro. A model
 * site that is latent but absent from the guide is an error: it would be drawn from the prior and
 * bias the estimate silently. So is a scanned site observed at some steps and sampled at others
 * (a {@code condition} with fewer values than steps, which suits {@code Predictive}).
 *
 * <p>Particles run one after another, each with its own key (a model's plates and scans decide
 * their own batch dimensions, so a particle axis cannot be added to every model safely).
 *
 * <pre>{@code
 * Elbo elbo = new TraceElbo(8);
 * double loss = elbo.estimate(model, guide, data, RngKey.of(3)).value();
 * }</pre>
 *
 * <p>Reference: NumPyro {@code infer.elbo.Trace_ELBO}; Pyro {@code TraceGraph_ELBO} for the
 * score-function term.
 */
public class TraceElbo implements Elbo {
  private static final long serialVersionUID = 1L;

  private final int numParticles;

  /** One particle. */
  public TraceElbo() {
    this(1);
  }

  /** {@code numParticles} independent particles, averaged. */
  public TraceElbo(int numParticles) {
    if (numParticles < 1) {
      throw new IllegalArgumentException("TraceElbo: numParticles must be >= 1, got " + numParticles);
    }
    this.numParticles = numParticles;
  }

  /** The number of particles. */
  public int numParticles() {
    return numParticles;
  }

  @Override
  public <D> ElboEstimate estimate(Model<D> model, Model<D> guide, D data, RngKey key) {
    RngKey[] particleKeys = numParticles == 1 ? new RngKey[] {key} : key.split(numParticles);
    Map<String, Tensor> modelTerms = new LinkedHashMap<>();
    Map<String, Tensor> guideTerms = new LinkedHashMap<>();
    Tensor surrogate = Tensor.scalar(0.0);
    Trace guideTrace = null;
    Trace modelTrace = null;
    for (RngKey particleKey : particleKeys) {
      RngKey[] k = particleKey.split();
      guideTrace = Handlers.trace(seeded(guide, data, k[0])).getTrace(data);
      modelTrace =
          Handlers.trace(Handlers.replay(seeded(model, data, k[1]), guideTrace)).getTrace(data);
      surrogate = surrogate.add(particle(modelTrace, guideTrace, modelTerms, guideTerms));
    }
    double inv = 1.0 / numParticles;
    modelTerms.replaceAll((name, t) -> t.mul(inv));
    guideTerms.replaceAll((name, t) -> t.mul(inv));
    return new ElboEstimate(surrogate.mul(-inv), modelTerms, guideTerms, modelTrace, guideTrace);
  }

  /**
   * {@code model} (or the guide) seeded with {@code key} for one particle: plain {@code seed}
   * here; a data-parallel engine keys the sites of each data row by the row's id instead.
   */
  protected <D> Model<D> seeded(Model<D> model, D data, RngKey key) {
    return Handlers.seed(model, key);
  }

  /**
   * One particle's ELBO surrogate (value: the ELBO), adding its site terms to the running sums.
   */
  private Tensor particle(
      Trace modelTrace, Trace guideTrace, Map<String, Tensor> modelTerms,
      Map<String, Tensor> guideTerms) {
    Tensor elbo = Tensor.scalar(0.0);
    Map<String, Site> guideSites = guideTrace.sites();
    java.util.Set<String> analytic = new java.util.HashSet<>();
    for (Site m : modelTrace.sites().values()) {
      if (m.type() != SiteType.SAMPLE) {
        continue;
      }
      if (m.observedSteps() != null) {
        throw partlyObserved(m);
      }
      Site g = guideSites.get(m.name());
      if (!m.observed() && (g == null || g.type() != SiteType.SAMPLE)) {
        throw new IllegalArgumentException(
            "ELBO: model site '" + m.name() + "' is latent but the guide has no sample site '"
                + m.name() + "'; add it to the guide, or observe it in the model");
      }
      Tensor term = m.observed() ? null : analyticTerm(m, g);
      if (term != null) {
        analytic.add(m.name());
      } else {
        term = m.scaledLogProbSum();
      }
      modelTerms.merge(m.name(), term, Tensor::add);
      elbo = elbo.add(term);
    }
    Tensor scoreLogQ = null; // sum of log q of the guide's non-reparameterized latent sites
    for (Site g : guideSites.values()) {
      if (g.type() != SiteType.SAMPLE || analytic.contains(g.name())) {
        continue;
      }
      Tensor term = g.scaledLogProbSum();
      guideTerms.merge(g.name(), term, Tensor::add);
      elbo = elbo.sub(term);
      if (!g.observed() && !g.fn().hasRsample()) {
        scoreLogQ = scoreLogQ == null ? term : scoreLogQ.add(term);
      }
    }
    if (scoreLogQ == null) {
      return elbo;
    }
    // Value zero, gradient elbo * grad log q: the score-function part of the ELBO's gradient.
    return elbo.add(elbo.detach().mul(scoreLogQ.sub(scoreLogQ.detach())));
  }

  /**
   * The error for a scanned site observed at some steps and sampled at others: its sampled steps
   * are latent, but the guide cannot cover them alone (a guide site holds all T steps), and drawn
   * from the prior they would be scored as data.
   */
  private static IllegalArgumentException partlyObserved(Site m) {
    List<Integer> observed = new ArrayList<>();
    List<Integer> sampled = new ArrayList<>();
    for (int p = 0; p < m.timeSteps(); p++) {
      (m.observedSteps().get(p) != 0.0 ? observed : sampled).add(p);
    }
    return new IllegalArgumentException(
        "ELBO: model site '" + m.name() + "' is observed at steps " + observed + " of its scan "
            + "and sampled at steps " + sampled + " (e.g. by a condition with fewer values than "
            + "steps); an ELBO needs a scanned site observed at every step or at none: fit on "
            + "the observed steps alone (scan over them) and forecast the rest with Predictive, "
            + "or keep the whole series and observe it through sample(name, fn, obs, obsMask) in "
            + "the body, whose unobserved part the guide samples");
  }

  /**
   * A closed-form replacement for {@code log p - log q} of a latent site present in model and
   * guide (its value is put in {@code modelTerms}), or null to use the Monte-Carlo terms.
   */
  protected Tensor analyticTerm(Site modelSite, Site guideSite) {
    return null;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(numParticles=" + numParticles + ")";
  }
}
