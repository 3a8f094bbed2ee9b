// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.infer.guides;

import dev.ember.dist.Delta;
import dev.ember.dist.Distribution;
import dev.ember.handlers.Model;
import dev.ember.primitives.Primitives;
import dev.ember.tensor.Tensor;
import java.util.List;

/**
 * Guides with one joint distribution over all latent sites: their unconstrained values are
 * flattened into one vector {@code u} of length D (site after site, row-major), drawn as the
 * auxiliary guide site {@code _auto_latent}; each model site is then the point {@code
 * bijectTo(support)(u_site)} with log-density {@code -log|det J|}, so that {@code log q} of the
 * sites is the density of the transformed joint.
 *
 * <pre>{@code
 * AutoMultivariateNormal<Tensor> guide = AutoMultivariateNormal.of(model);
 * }</pre>
 *
 * <p>Subsampled plates are refused: a joint over all local variables cannot be subsampled (use
 * {@link AutoNormal} for local sites).
 *
 * <p>Reference: NumPyro {@code infer.autoguide.AutoContinuous}.
 */
public abstract class AutoContinuous<D> extends AutoGuide<D> {
  private static final long serialVersionUID = 1L;

  /** How the first locations are chosen. */
  protected final InitStrategy init;

  protected AutoContinuous(Model<D> model, String prefix, InitStrategy init) {
    super(model, prefix);
    this.init = java.util.Objects.requireNonNull(init, "init");
  }

  /** The joint distribution of {@code u}, of event shape {@code [D]}, from this run's params. */
  protected abstract Distribution posterior(int latentDim, Tensor initialLoc);

  @Override
  public final void run(D data) {
    List<LatentSite> sites = latentSites(data);
    int dim = 0;
    for (LatentSite s : sites) {
      if (s.subsampled()) {
        throw new IllegalArgumentException(
            getClass().getSimpleName() + ": site '" + s.name() + "' is in a subsampled plate; "
                + "a joint guide cannot be subsampled (use AutoNormal, or do not subsample)");
      }
      dim += s.unconstrainedShape().numel();
    }
    Tensor latent = Primitives.sample("_" + prefix + "_latent", posterior(dim, initialLoc(sites, dim)));
    int offset = 0;
    for (LatentSite s : sites) {
      int n = s.unconstrainedShape().numel();
      Tensor u = latent.slice(0, offset, offset + n).reshape(s.unconstrainedShape());
      offset += n;
      Tensor value = s.transform().forward(u);
      if (s.timeSteps() > 0) {
        // A scanned site needs its time axis as a batch axis (sampleOverTime hands step t its
        // slice): one point mass per step, with that step's Jacobian term.
        int steps = s.timeSteps();
        Tensor logDensity = s.isReal() ? Tensor.zeros(steps)
            : s.transform().logAbsDetJacobian(u, value).reshape(steps, -1).sum(1).neg();
        emit(s, Delta.of(value, logDensity, value.rank() - 1));
        continue;
      }
      Tensor logDensity = s.isReal() ? Tensor.scalar(0.0)
          : s.transform().logAbsDetJacobian(u, value).sum().neg();
      emit(s, Delta.of(value, logDensity, value.rank()));
    }
  }

  /** The init strategy's unconstrained values, concatenated: {@code [D]}. */
  private Tensor initialLoc(List<LatentSite> sites, int dim) {
    double[] loc = new double[dim];
    int offset = 0;
    for (int i = 0; i < sites.size(); i++) {
      double[] u = initialUnconstrained(sites.get(i), init, i).toArray();
      System.arraycopy(u, 0, loc, offset, u.length);
      offset += u.length;
    }
    return Tensor.of(loc, dim);
  }
}
