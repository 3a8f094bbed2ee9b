// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import java.io.Serializable;

/**
 * A conditional-independence frame recorded on a site: the plate's name, its (negative) batch
 * dimension, its full size and the size of the current subsample.
 *
 * @param name the plate's name
 * @param dim the batch dimension it occupies, counted from the right (-1 is the last)
 * @param size the full size N
 * @param subsampleSize the size B of the current subsample (N when not subsampled)
 */
public record PlateFrame(String name, int dim, int size, int subsampleSize) implements Serializable {
  /** The factor N / B that keeps a subsampled log-density unbiased. */
  public double scale() {
    return (double) size / subsampleSize;
  }
}
