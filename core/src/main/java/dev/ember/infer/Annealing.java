// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.handlers.Message;
import dev.ember.handlers.Messenger;
import dev.ember.handlers.Model;
import dev.ember.handlers.SiteType;
import java.util.Set;

/**
 * KL annealing: the chosen latent sites of model and guide weighted by {@code beta}, so that the
 * loss is {@code -(E_q[log p(x | z)] + beta * (E_q[log p(z)] - E_q[log q(z)]))} for those sites.
 *
 * <pre>{@code
 * AnnealingSchedule warmUp = Annealing.schedule("linear:0.1->1.0@2000");
 * Svi<Tensor> svi = Svi.of(model, guide, Adam.of(0.01), new TraceElbo())
 *     .annealing(warmUp, "z");                         // beta(step) on site z, model and guide
 * Annealing.Annealed<Tensor> fixed = Annealing.scaleLatents(model, guide, Set.of("z"), 0.5);
 * }</pre>
 *
 * <p>Only latent sites are scaled: a named site that is observed in the model or the guide
 * raises an error (weight an observation with {@code Handlers.scale} if that is what is meant).
 * The weight is applied innermost, on the site's way out of the model, so a {@code condition}
 * meant to observe a named site must be inside the annealed model, not around it.
 */
public final class Annealing {
  private Annealing() {}

  /**
   * A model and a guide with the same sites annealed.
   *
   * @param model the annealed model
   * @param guide the annealed guide
   */
  public record Annealed<D>(Model<D> model, Model<D> guide) {}

  /** A schedule from its text form, e.g. {@code "linear:0.1->1.0@2000"} (see {@link AnnealingSchedule#parse}). */
  public static AnnealingSchedule schedule(String spec) {
    return AnnealingSchedule.parse(spec);
  }

  /** {@code model} and {@code guide} with the latent sites {@code sites} weighted by {@code beta >= 0}. */
  public static <D> Annealed<D> scaleLatents(
      Model<D> model, Model<D> guide, Set<String> sites, double beta) {
    return new Annealed<>(scaleLatents(model, sites, beta, "model"),
        scaleLatents(guide, sites, beta, "guide"));
  }

  /** {@code model} with the latent sites {@code sites} weighted by {@code beta >= 0}. */
  public static <D> Model<D> scaleLatents(Model<D> model, Set<String> sites, double beta, String role) {
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "annealing: beta must be finite and >= 0, got " + beta);
    }
    Set<String> names = Set.copyOf(sites);
    return data -> new LatentScale(names, beta, role).enter().run(() -> {
      model.run(data);
      return null;
    });
  }

  /** Multiplies the scale of the named latent sample sites. */
  private static final class LatentScale extends Messenger {
    private final Set<String> sites;
    private final double beta;
    private final String role;

    LatentScale(Set<String> sites, double beta, String role) {
      this.sites = sites;
      this.beta = beta;
      this.role = role;
    }

    @Override
    protected void process(Message msg) {
      if (msg.type() != SiteType.SAMPLE || !sites.contains(msg.name())) {
        return;
      }
      if (msg.isObserved()) {
        throw new IllegalArgumentException(
            "annealing: site '" + msg.name() + "' is observed in the " + role
                + "; annealing weights latent sites only (use Handlers.scale to weight an "
                + "observation)");
      }
      msg.setScale(msg.scale() * beta);
    }

    @Override
    protected void postprocess(Message msg) {
      if (msg.type() == SiteType.SAMPLE && sites.contains(msg.name()) && msg.isObserved()) {
        throw new IllegalArgumentException(
            "annealing: site '" + msg.name() + "' was made observed by a handler around the "
                + "annealed " + role + "; condition the model before annealing it");
      }
    }
  }
}
