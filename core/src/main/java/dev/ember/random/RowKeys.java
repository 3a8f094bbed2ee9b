// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.random;

import dev.ember.tensor.Shape;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * The rows a <em>row-carrying</em> {@link RngKey} carries: the name of a plate, one id per row of
 * that plate's current batch and, once the key is given to a sample site, where the rows lie in
 * the site's draws. A value: immutable, compared by content, serializable.
 *
 * <p>A row-carrying key draws each row from that row's own key, so the values of a row depend on
 * the key, the row's id and the element's position inside the row, never on which other rows
 * share the batch. For a draw of shape {@code S} (sample + batch + event shape), the rows lie on
 * the axis {@code a = rank(S) - eventRank + batchDim}, which must have one entry per id; element
 * {@code (..., r, ...)} (index {@code r} on that axis) is then element {@code j} of a plain draw
 * of the row's sub-tensor under the key {@code base.foldIn(id(r))}, {@code j} being the element's
 * row-major position among the other axes. {@code Handlers.seedRows} makes such keys; {@link
 * Samplers} draw with them.
 *
 * <p>Two stages: a key made by {@link RngKey#withRows} is <em>unplaced</em> (it knows the plate
 * and the ids, and is what a seed handler or a scan carries around); {@link RngKey#placeRows}
 * places it at a site (the plate's batch dimension and the site's event rank). Samplers accept
 * plain and placed keys and refuse unplaced ones.
 *
 * <pre>{@code
 * RngKey site = RngKey.of(7).withRows("series", 17, 3, 40).placeRows(-1, 0);
 * Tensor z = Samplers.normal(site, Shape.of(3));        // z[0] uses the key of row id 17
 * double z17 = Samplers.normal(RngKey.of(7).foldIn(17), Shape.of()).item(); // == z[0]
 * }</pre>
 *
 * <p>References: JAX, {@code jax.random.fold_in} (per-datum keys), and the per-datum keys of
 * DESIGN.md section 7 (local sites keyed by {@code foldIn(stepKey, rowId)}).
 */
public final class RowKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String plate;
  private final long[] ids;
  /** The plate's batch dimension (negative) at a placed site; 0 while unplaced. */
  private final int batchDim;
  /** The site's event rank; 0 while unplaced. */
  private final int eventRank;

  private RowKeys(String plate, long[] ids, int batchDim, int eventRank) {
    this.plate = plate;
    this.ids = ids;
    this.batchDim = batchDim;
    this.eventRank = eventRank;
  }

  /**
   * Unplaced rows of {@code plate} with the given ids (copied).
   *
   * @throws IllegalArgumentException if the plate name is null or empty, or an id appears twice
   */
  static RowKeys of(String plate, long[] ids) {
    if (plate == null || plate.isEmpty()) {
      throw new IllegalArgumentException("row keys: the plate name must be non-empty, got "
          + (plate == null ? "null" : "\"\""));
    }
    long[] copy = ids.clone();
    long[] sorted = ids.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        long dup = sorted[i];
        int first = -1;
        int second = -1;
        for (int r = 0; r < copy.length && second < 0; r++) {
          if (copy[r] == dup) {
            if (first < 0) {
              first = r;
            } else {
              second = r;
            }
          }
        }
        throw new IllegalArgumentException(
            "row keys for plate '" + plate + "': row id " + dup + " appears more than once (at "
                + "positions " + first + " and " + second + "); each row id names one row's "
                + "random stream, so the ids of a batch must be distinct");
      }
    }
    return new RowKeys(plate, copy, 0, 0);
  }

  /** These rows placed at a site: the plate's batch dimension and the site's event rank. */
  RowKeys placed(int dim, int events) {
    if (dim >= 0) {
      throw new IllegalArgumentException(
          "row keys for plate '" + plate + "': the batch dimension must be negative (counted "
              + "from the right), got " + dim);
    }
    if (events < 0) {
      throw new IllegalArgumentException(
          "row keys for plate '" + plate + "': the event rank must be >= 0, got " + events);
    }
    return dim == batchDim && events == eventRank ? this : new RowKeys(plate, ids, dim, events);
  }

  /**
   * The plate whose rows these are.
   *
   * @return the plate's name
   */
  public String plate() {
    return plate;
  }

  /**
   * The number of rows.
   *
   * @return the number of ids
   */
  public int size() {
    return ids.length;
  }

  /**
   * The id of a row.
   *
   * @param r the row's index in the batch, {@code 0 <= r < size()}
   * @return its id
   */
  public long id(int r) {
    return ids[r];
  }

  /**
   * The ids, in batch order.
   *
   * @return a copy of the ids
   */
  public long[] ids() {
    return ids.clone();
  }

  /** The ids themselves, for the samplers of this package (never modified). */
  long[] idsShared() {
    return ids;
  }

  /**
   * Whether the rows are placed at a site ({@link RngKey#placeRows}).
   *
   * @return true once placed
   */
  public boolean isPlaced() {
    return batchDim != 0;
  }

  /**
   * The plate's batch dimension at the site.
   *
   * @return a negative dimension, counted from the right of the batch shape; 0 while unplaced
   */
  public int batchDim() {
    return batchDim;
  }

  /**
   * The site's event rank.
   *
   * @return the number of trailing event axes of the site's draws; 0 while unplaced
   */
  public int eventRank() {
    return eventRank;
  }

  /**
   * The axis of a draw of {@code shape} that holds the rows, checked.
   *
   * @param shape the shape of a sampler's output (sample + batch + event shape)
   * @param sampler the sampler, for the error message
   * @return the axis, {@code rank - eventRank + batchDim}
   * @throws IllegalArgumentException if the rows are unplaced, or that axis does not exist or
   *     does not have one entry per row
   */
  int axis(Shape shape, String sampler) {
    if (!isPlaced()) {
      throw new IllegalArgumentException(
          sampler + ": the key carries the rows of plate '" + plate + "' but is not placed at a "
              + "site; draw with key.placeRows(batchDim, eventRank), or with key.base() for a "
              + "draw that is not row-keyed");
    }
    int axis = shape.rank() - eventRank + batchDim;
    if (axis < 0 || axis >= shape.rank() || shape.dim(axis) != ids.length) {
      throw new IllegalArgumentException(
          sampler + ": the key carries " + ids.length + " rows of plate '" + plate + "' at batch "
              + "dim " + batchDim + " with event rank " + eventRank + ", but the requested shape "
              + shape + (axis < 0 || axis >= shape.rank()
                  ? " has no axis " + axis
                  : " has size " + shape.dim(axis) + " at axis " + axis)
              + "; a row-keyed draw needs one row per id on the plate's axis");
    }
    return axis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowKeys k
        && k.plate.equals(plate)
        && Arrays.equals(k.ids, ids)
        && k.batchDim == batchDim
        && k.eventRank == eventRank;
  }

  @Override
  public int hashCode() {
    return Objects.hash(plate, Arrays.hashCode(ids), batchDim, eventRank);
  }

  /**
   * A short description.
   *
   * @return e.g. {@code rows of plate 'series' (3 ids), batch dim -1, event rank 0}
   */
  @Override
  public String toString() {
    return "rows of plate '" + plate + "' (" + ids.length + " ids)"
        + (isPlaced() ? ", batch dim " + batchDim + ", event rank " + eventRank : ", unplaced");
  }
}
