// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.Site;
import dev.ember.tensor.Tensor;

/**
 * A site's terms per series: which plate frame of a site is the series plate, and its scaled
 * log-density summed over every axis but that plate's, one value per row of the batch.
 *
 * <pre>{@code
 * PlateFrame f = SeriesSiteTerms.frame(site, "series");     // null for a global site
 * double[] perRow = SeriesSiteTerms.perRow(site, f, b);    // [B]
 * }</pre>
 */
final class SeriesSiteTerms {
  private SeriesSiteTerms() {}

  /** The frame of plate {@code plate} on site {@code s}, or null. */
  static PlateFrame frame(Site s, String plate) {
    for (PlateFrame f : s.plates()) {
      if (f.name().equals(plate)) {
        return f;
      }
    }
    return null;
  }

  /** {@code scale * logProb} of a site in the plate, summed over every axis but the plate's: [B]. */
  static double[] perRow(Site s, PlateFrame f, int b) {
    Tensor lp = s.logProb(); // batch shape
    int axis = lp.rank() + f.dim();
    if (axis < 0 || lp.dim(axis) != b) {
      throw new IllegalStateException("site '" + s.name() + "' in plate '" + f.name()
          + "': its log-density has shape " + lp.shape() + ", without the batch's " + b
          + " rows at dimension " + f.dim() + "; open the plate with the batch's size");
    }
    int inner = 1;
    for (int d = axis + 1; d < lp.rank(); d++) {
      inner *= lp.dim(d);
    }
    double[] v = lp.toArray();
    double[] out = new double[b];
    for (int i = 0; i < v.length; i++) {
      out[(i / inner) % b] += v[i];
    }
    if (s.scale() != 1.0) {
      for (int i = 0; i < b; i++) {
        out[i] *= s.scale();
      }
    }
    return out;
  }
}
