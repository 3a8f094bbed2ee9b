// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer;

import dev.ember.autodiff.Autodiff;
import dev.ember.autodiff.ValueAndGrad;
import dev.ember.dist.constraints.Constraint;
import dev.ember.dist.transforms.Transforms;
import dev.ember.handlers.Handlers;
import dev.ember.handlers.Model;
import dev.ember.handlers.Site;
import dev.ember.handlers.SiteType;
import dev.ember.handlers.Trace;
import dev.ember.infer.optim.Optimizer;
import dev.ember.infer.optim.OptimizerBuffers;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic variational inference: fits the params of a guide (and of the model) by following
 * the gradient of an {@link Elbo}.
 *
 * <p>Params live in unconstrained space: a param declared with a constraint (positive, an
 * interval, a simplex, ...) is optimized as {@code u} with value {@code bijectTo(c)(u)}. {@link
 * #update} is a pure function of the state and the data: the state ({@link SviState}) is an
 * immutable value holding the optimizer state, the key and the step count, so a fit can be
 * checkpointed, resumed, and replayed exactly.
 *
 * <pre>{@code
 * Svi<Tensor> svi = Svi.of(model, guide, Adam.of(0.01), new TraceElbo());
 * Svi.RunResult fit = svi.run(RngKey.of(0), 2000, data);
 * Map<String, Tensor> params = fit.params();            // constrained values
 * double[] losses = fit.losses();
 *
 * SviState s = svi.init(RngKey.of(0), data);            // or step by step
 * Svi.Update u = svi.update(s, data);                   // u.state(), u.loss()
 *
 * SviFit<Tensor> f = svi.start(RngKey.of(0), data);     // a loop of your own, in place
 * double loss = f.step(data);
 * }</pre>
 *
 * <p>A non-finite loss or gradient raises an error naming the sites (and params) that made it;
 * with {@link #stableUpdate(boolean)} such a step is skipped instead (params and optimizer state
 * kept, the key and the step count advanced, {@link SviState#skippedSteps()} counted).
 *
 * <p>Reference: NumPyro {@code infer.svi.SVI}.
 */
public final class Svi<D> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Model<D> model;
  private final Model<D> guide;
  private final Optimizer optimizer;
  private final Elbo elbo;
  private final boolean stableUpdate;
  private final boolean progress;
  private final AnnealingSchedule annealing;
  private final Set<String> annealedSites;

  private Svi(Model<D> model, Model<D> guide, Optimizer optimizer, Elbo elbo,
      boolean stableUpdate, boolean progress, AnnealingSchedule annealing,
      Set<String> annealedSites) {
    this.model = java.util.Objects.requireNonNull(model, "model");
    this.guide = java.util.Objects.requireNonNull(guide, "guide");
    this.optimizer = java.util.Objects.requireNonNull(optimizer, "optimizer");
    this.elbo = java.util.Objects.requireNonNull(elbo, "loss");
    this.stableUpdate = stableUpdate;
    this.progress = progress;
    this.annealing = annealing;
    this.annealedSites = annealedSites;
  }

  /** SVI of {@code model} with {@code guide}, stepping {@code optimizer} on {@code loss}. */
  public static <D> Svi<D> of(Model<D> model, Model<D> guide, Optimizer optimizer, Elbo loss) {
    return new Svi<>(model, guide, optimizer, loss, false, true, null, Set.of());
  }

  /** Skip (and count) steps whose loss or gradient is not finite instead of failing. */
  public Svi<D> stableUpdate(boolean on) {
    return new Svi<>(model, guide, optimizer, elbo, on, progress, annealing, annealedSites);
  }

  /** Draw a progress bar in {@link #run} (default on; it draws only on a terminal). */
  public Svi<D> progress(boolean on) {
    return new Svi<>(model, guide, optimizer, elbo, stableUpdate, on, annealing, annealedSites);
  }

  /**
   * Weight the latent sites {@code sites} of model and guide by {@code schedule.beta(step)} at
   * each step ({@link Annealing#scaleLatents}).
   */
  public Svi<D> annealing(AnnealingSchedule schedule, String... sites) {
    if (sites.length == 0) {
      throw new IllegalArgumentException("annealing: name the latent sites to anneal");
    }
    return new Svi<>(model, guide, optimizer, elbo, stableUpdate, progress,
        java.util.Objects.requireNonNull(schedule, "schedule"),
        Collections.unmodifiableSet(new LinkedHashSet<>(List.of(sites))));
  }

  /** The model. */
  public Model<D> model() {
    return model;
  }

  /** The guide. */
  public Model<D> guide() {
    return guide;
  }

  /** The optimizer. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The loss. */
  public Elbo loss() {
    return elbo;
  }

  /**
   * One update: the new state and the loss at the old params.
   *
   * @param state the state after the update
   * @param loss the loss estimated before the update (NaN or infinite for a skipped step)
   */
  public record Update(SviState state, double loss) {}

  /**
   * A finished run.
   *
   * @param state the final state
   * @param losses the loss of every step
   * @param params the final params, constrained
   */
  public record RunResult(SviState state, double[] losses, Map<String, Tensor> params) {}

  /**
   * The loss and its gradient with respect to the unconstrained params at one key.
   *
   * @param loss the loss
   * @param grads the gradient, by param name (zeros for params the loss does not depend on)
   * @param estimate the estimate's site terms
   */
  public record LossAndGrad(double loss, Map<String, Tensor> grads, ElboEstimate estimate) {}

  /**
   * Runs the guide and then the model (replayed on the guide's draws, its params given the
   * guide's values of the same names, as in NumPyro) once to find their params, their initial
   * values and constraints; returns the first state. A param the model declares without an
   * initial value ({@code param(name)}) thus starts from the guide's; if the guide has no param of
   * that name, this throws naming it.
   */
  public SviState init(RngKey key, D data) {
    RngKey[] keys = initKeys(key);
    Model<D> m = checkingParams(anneal(model, 0, "model"));
    Trace guideTrace = initialGuideTrace(keys[0], data);
    Map<String, Tensor> guideParams = new LinkedHashMap<>();
    guideTrace.sites().values().stream().filter(s -> s.type() == SiteType.PARAM)
        .forEach(s -> guideParams.put(s.name(), s.value()));
    Model<D> sharing = d -> Handlers.substitute(
        msg -> msg.type() == SiteType.PARAM ? guideParams.get(msg.name()) : null).run(() -> {
          m.run(d);
          return null;
        });
    Trace modelTrace = Handlers.trace(Handlers.replay(Handlers.seed(sharing, keys[1]),
        guideTrace)).getTrace(data);
    Map<String, Tensor> unconstrained = new LinkedHashMap<>();
    Map<String, Constraint> constraints = new LinkedHashMap<>();
    for (Trace tr : List.of(guideTrace, modelTrace)) {
      addParams(tr, unconstrained, constraints);
    }
    if (constraints.isEmpty()) {
      throw new IllegalArgumentException(
          "SVI: neither the guide nor the model has a param site; nothing to fit");
    }
    return new SviState(optimizer.init(unconstrained), keys[2], 0, 0, constraints);
  }

  /**
   * The guide's params at the initial values that {@link #init} gives them from the same key and
   * data, unconstrained, bit for bit, without running the model: for a caller that needs only
   * those (the per-series params of series met for the first time, say). A param that only the
   * model declares is not in the map.
   *
   * <pre>{@code
   * Map<String, Tensor> p = svi.initialGuideParams(key, batch);
   * p.get("z_loc");   // equals svi.init(key, batch).optimizer().params().get("z_loc")
   * }</pre>
   */
  public Map<String, Tensor> initialGuideParams(RngKey key, D data) {
    Map<String, Tensor> unconstrained = new LinkedHashMap<>();
    addParams(initialGuideTrace(initKeys(key)[0], data), unconstrained, new LinkedHashMap<>());
    return unconstrained;
  }

  /** The keys {@link #init} derives from its key: the guide's trace, the model's, the state's. */
  private static RngKey[] initKeys(RngKey key) {
    RngKey[] k = key.split();
    RngKey[] traceKeys = k[0].split();
    return new RngKey[] {traceKeys[0], traceKeys[1], k[1]};
  }

  /** The guide's trace that {@link #init} finds its params in, seeded with {@code guideKey}. */
  private Trace initialGuideTrace(RngKey guideKey, D data) {
    Model<D> g = checkingParams(anneal(guide, 0, "guide"));
    return Handlers.trace(Handlers.seed(g, guideKey)).getTrace(data);
  }

  /**
   * Adds the param sites of {@code tr} that {@code constraints} does not have yet: their
   * unconstrained initial values and constraints.
   */
  private static void addParams(Trace tr, Map<String, Tensor> unconstrained,
      Map<String, Constraint> constraints) {
    for (Site s : tr.sites().values()) {
      if (s.type() != SiteType.PARAM || constraints.containsKey(s.name())) {
        continue;
      }
      Tensor value = s.value().detach();
      constraints.put(s.name(), s.constraint());
      unconstrained.put(s.name(), Transforms.bijectTo(s.constraint()).inverse(value).detach());
    }
  }

  /** {@code m} with each param's initial value checked against its constraint where it is made. */
  private static <D> Model<D> checkingParams(Model<D> m) {
    return d -> new InitialValueCheck().enter().run(() -> {
      m.run(d);
      return null;
    });
  }

  /** Rejects a param whose initial value is not finite or not in its constraint. */
  private static final class InitialValueCheck extends dev.ember.handlers.Messenger {
    @Override
    protected void postprocess(dev.ember.handlers.Message msg) {
      if (msg.type() != SiteType.PARAM) {
        return;
      }
      Tensor value = msg.value();
      Tensor ok = msg.constraint().check(value.detach());
      if (!value.allFinite() || (ok.isBool() && ok.minValue() == 0.0)) {
        throw new IllegalArgumentException(
            "param '" + msg.name() + "': its initial value " + value + " is not finite or not in "
                + msg.constraint() + "; give an initial value inside the constraint");
      }
    }
  }

  /** One step: the loss and gradient at a fresh key split from the state's, then the optimizer. */
  public Update update(SviState state, D data) {
    return advance(state, data);
  }

  /**
   * A fit that starts at {@link #init}{@code (key, data)} and owns its state, so that each step
   * updates the params and moments in place ({@link SviFit}).
   */
  public SviFit<D> start(RngKey key, D data) {
    return new SviFit<>(this, init(key, data));
  }

  /** A fit that continues from a copy of {@code state} (which stays valid). */
  public SviFit<D> start(SviState state) {
    return new SviFit<>(this, java.util.Objects.requireNonNull(state, "state"));
  }

  /** {@link #update}: the loss and gradient, then the optimizer's pure update. */
  Update advance(SviState state, D data) {
    RngKey[] k = state.key().split();
    LossAndGrad lg = lossAndGrad(state, data, k[1]);
    // null when the loss or a gradient is not finite (the optimizer checks as it reads them)
    OptimizerState next = Double.isFinite(lg.loss())
        ? optimizer.updateIfFinite(lg.grads(), state.optimizer()) : null;
    return finish(state, data, k, lg, next);
  }

  /**
   * {@link #update} for a fit that owns its optimizer state ({@link SviFit}): {@code state}'s
   * optimizer part views {@code buffers}, which the optimizer writes in place. The returned
   * state views them too.
   */
  Update advanceInPlace(SviState state, OptimizerBuffers buffers, D data) {
    RngKey[] k = state.key().split();
    LossAndGrad lg = lossAndGrad(state, data, k[1]);
    boolean updated = Double.isFinite(lg.loss())
        && optimizer.updateInPlaceIfFinite(lg.grads(), buffers);
    return finish(state, data, k, lg, updated ? buffers.views() : null);
  }

  /** The state after a step whose optimizer gave {@code next} (null: not finite, skipped). */
  private Update finish(SviState state, D data, RngKey[] k, LossAndGrad lg, OptimizerState next) {
    if (next == null) {
      if (!stableUpdate) {
        throw new ArithmeticException(diagnose(state, data, k[1], lg));
      }
      return new Update(new SviState(state.optimizer(), k[0], state.step() + 1,
          state.skippedSteps() + 1, state.constraints()), lg.loss());
    }
    return new Update(
        new SviState(next, k[0], state.step() + 1, state.skippedSteps(), state.constraints()),
        lg.loss());
  }

  /**
   * {@link #init}, then {@code steps} updates, with a progress bar when enabled. The updates run
   * in a {@link SviFit}, in place; the result is what the same chain of {@link #update}s gives.
   */
  public RunResult run(RngKey key, int steps, D data) {
    if (steps < 0) {
      throw new IllegalArgumentException("run: steps must be >= 0, got " + steps);
    }
    SviFit<D> fit = start(key, data);
    double[] losses = new double[steps];
    ProgressBar bar = progress ? ProgressBar.console(steps, "steps") : ProgressBar.off();
    for (int i = 0; i < steps; i++) {
      losses[i] = fit.step(data);
      bar.update(i + 1, losses[i], 1);
    }
    bar.finish();
    SviState state = fit.release();
    return new RunResult(state, losses, getParams(state));
  }

  /** The loss at the state's params with the key the next step would use, without gradients. */
  public double evaluate(SviState state, D data) {
    RngKey stepKey = state.key().split()[1];
    return Autodiff.noGrad(() -> estimate(constrain(state.optimizer().params(), state), state.step(),
        data, stepKey).value());
  }

  /** The params in constrained space (what the model and guide see). */
  public Map<String, Tensor> getParams(SviState state) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    constrain(state.optimizer().params(), state).forEach((n, v) -> out.put(n, v.detach()));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The loss at {@code key} and its gradient with respect to the unconstrained params: what an
   * update steps on (the distributed engine sums it over shards).
   */
  public LossAndGrad lossAndGrad(SviState state, D data, RngKey key) {
    ElboEstimate[] last = new ElboEstimate[1];
    ValueAndGrad vg = Autodiff.valueAndGrad(u -> {
      last[0] = estimate(constrain(u, state), state.step(), data, key);
      return last[0].loss();
    }, state.optimizer().params());
    return new LossAndGrad(vg.loss(), vg.grad(), last[0]);
  }

  /**
   * The loss at {@code key} split into parts, each with its gradient with respect to the
   * unconstrained params, from one run of guide and model: {@code parts} picks scalar tensors out
   * of the estimate (e.g. the sum of its local and of its global site terms, which a data-parallel
   * engine weights differently).
   */
  public List<ValueAndGrad> lossParts(SviState state, D data, RngKey key,
      java.util.function.Function<ElboEstimate, Tensor[]> parts) {
    return Autodiff.valuesAndGrads(
        u -> parts.apply(estimate(constrain(u, state), state.step(), data, key)),
        state.optimizer().params());
  }

  /** The same SVI with another loss (the optimizer, annealing and options kept). */
  public Svi<D> withLoss(Elbo loss) {
    return new Svi<>(model, guide, optimizer, loss, stableUpdate, progress, annealing,
        annealedSites);
  }

  /** The annealing schedule, or null. */
  public AnnealingSchedule annealingSchedule() {
    return annealing;
  }

  /** Whether non-finite steps are skipped. */
  public boolean isStableUpdate() {
    return stableUpdate;
  }

  private ElboEstimate estimate(Map<String, Tensor> params, long step, D data, RngKey key) {
    Model<D> m = Handlers.substitute(anneal(model, step, "model"), params);
    Model<D> g = Handlers.substitute(anneal(guide, step, "guide"), params);
    return elbo.estimate(m, g, data, key);
  }

  private Model<D> anneal(Model<D> m, long step, String role) {
    return annealing == null ? m
        : Annealing.scaleLatents(m, annealedSites, annealing.beta(step), role);
  }

  private static Map<String, Tensor> constrain(Map<String, Tensor> unconstrained, SviState s) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    unconstrained.forEach((name, u) ->
        out.put(name, Transforms.bijectTo(s.constraints().get(name)).forward(u)));
    return out;
  }

  /** Names the sites whose terms, or whose terms' gradients, are not finite. */
  private String diagnose(SviState state, D data, RngKey key, LossAndGrad lg) {
    StringBuilder msg = new StringBuilder("SVI step " + state.step() + ": ");
    List<String> sites = new ArrayList<>();
    collectNonFinite(lg.estimate().modelTerms(), "model", sites);
    collectNonFinite(lg.estimate().guideTerms(), "guide", sites);
    if (!Double.isFinite(lg.loss())) {
      msg.append("the loss is ").append(lg.loss());
      msg.append(sites.isEmpty() ? "" : "; non-finite log-density at " + String.join(", ", sites));
    } else {
      List<String> params = new ArrayList<>();
      lg.grads().forEach((n, g) -> {
        if (!g.allFinite()) {
          params.add("'" + n + "'");
        }
      });
      msg.append("the gradient is not finite for param(s) ").append(String.join(", ", params));
      List<String> culprits = gradientCulprits(state, data, key, lg.estimate());
      if (!culprits.isEmpty()) {
        msg.append("; it comes from the log-density of ").append(String.join(", ", culprits));
      }
    }
    return msg.append(". Check the site's parameters and support, or use stableUpdate(true) to ")
        .append("skip such steps").toString();
  }

  private static void collectNonFinite(Map<String, Tensor> terms, String role, List<String> out) {
    terms.forEach((name, t) -> {
      if (!t.allFinite()) {
        out.add(role + " site '" + name + "' (" + t.item() + ")");
      }
    });
  }

  /** Differentiates each site term alone (same key, so the same draws) to find the bad ones. */
  private List<String> gradientCulprits(SviState state, D data, RngKey key, ElboEstimate e) {
    List<String> out = new ArrayList<>();
    for (String role : List.of("model", "guide")) {
      Set<String> names = (role.equals("model") ? e.modelTerms() : e.guideTerms()).keySet();
      for (String name : names) {
        ValueAndGrad vg = Autodiff.valueAndGrad(u -> {
          ElboEstimate again = estimate(constrain(u, state), state.step(), data, key);
          return (role.equals("model") ? again.modelTerms() : again.guideTerms()).get(name);
        }, state.optimizer().params());
        for (Tensor g : vg.grad().values()) {
          if (!g.allFinite()) {
            out.add(role + " site '" + name + "'");
            break;
          }
        }
      }
    }
    return out;
  }
}
