// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.handlers;

import dev.ember.dist.Distribution;
import dev.ember.tensor.Shape;
import dev.ember.tensor.Tensor;
import java.util.Arrays;

/**
 * A plate: conditionally independent copies along one batch dimension, optionally subsampled.
 * Create it with {@code Primitives.plate}, which sends its {@link SiteType#PLATE} message (so
 * seed, substitute and replay can give it its indices) and enters it.
 *
 * <p>Inside the plate every sample site is expanded to the plate's size at its dimension, records
 * the plate's frame, and has its log-density weight multiplied by {@code N / B} when the plate is
 * subsampled: the estimate {@code (N / B) sum_batch log p_i} of {@code sum_all log p_i} is then
 * unbiased. {@code subsample(data, eventDim)} gathers data to the current indices.
 *
 * <pre>{@code
 * try (Plate p = plate("series", 1000, 64)) {       // 64 of 1000 series, scaled by 1000 / 64
 *   Tensor y = subsample(allSeries, 1);             // [64, T]
 *   ...
 * }
 * }</pre>
 */
public final class Plate extends Messenger {
  private final String name;
  private final int size;
  private final int dim;
  private final Tensor indices;

  Plate(String name, int size, int dim, Tensor indices) {
    this.name = name;
    this.size = size;
    this.dim = dim;
    this.indices = indices;
  }

  /**
   * Sends the plate's message, then returns the entered plate.
   *
   * @param dim the batch dimension (negative), or 0 to take the rightmost one not in use
   */
  public static Plate create(String name, int size, int subsampleSize, int dim) {
    if (size < 1 || subsampleSize < 1 || subsampleSize > size) {
      throw new IllegalArgumentException(
          "plate '" + name + "': need 1 <= subsampleSize <= size, got size " + size
              + " and subsampleSize " + subsampleSize);
    }
    int used = HandlerStack.plateDims();
    int chosen = dim;
    if (dim > 0) {
      throw new IllegalArgumentException(
          "plate '" + name + "': dim must be negative (counted from the right), got " + dim);
    }
    if (dim == 0) {
      chosen = -1;
      while ((used & (1 << (-chosen - 1))) != 0) {
        chosen--;
      }
    } else if ((used & (1 << (-dim - 1))) != 0) {
      throw new IllegalArgumentException(
          "plate '" + name + "': dim " + dim + " is already used by an enclosing plate");
    }
    Message msg = new Message(SiteType.PLATE, name);
    msg.setPayload(new PlateSpec(size, subsampleSize));
    Tensor idx = HandlerStack.apply(msg).value();
    if (idx.rank() != 1 || idx.dim(0) > size) {
      throw new IllegalArgumentException(
          "plate '" + name + "': indices must be a vector of at most " + size + " entries, got "
              + idx.shape());
    }
    Plate p = new Plate(name, size, chosen, idx);
    p.enter();
    return p;
  }

  /** The indices of the current subsample (all of {@code 0..N-1} when not subsampled). */
  public Tensor indices() {
    return indices;
  }

  /** The full size N. */
  public int size() {
    return size;
  }

  /** The subsample size B. */
  public int subsampleSize() {
    return indices.dim(0);
  }

  /** The batch dimension the plate occupies (negative). */
  public int dim() {
    return dim;
  }

  @Override
  protected void process(Message msg) {
    switch (msg.type()) {
      case SAMPLE:
        msg.plates().add(new PlateFrame(name, dim, size, subsampleSize()));
        msg.setFn(expand(msg.name(), msg.fn()));
        if (subsampleSize() != size) {
          msg.setScale(msg.scale() * size / subsampleSize());
        }
        break;
      case CONTROL_FLOW:
        throw new UnsupportedOperationException(
            "scan inside plate '" + name + "' is not supported: move the plate into the scan "
                + "body (create it outside and enter it inside the body to keep one subsample "
                + "for every step)");
      default:
        break;
    }
  }

  @Override
  protected void postprocess(Message msg) {
    if (msg.type() == SiteType.SUBSAMPLE && subsampleSize() != size) {
      int eventDim = (Integer) msg.payload();
      Tensor data = msg.value();
      int axis = data.rank() + dim - eventDim;
      if (axis < 0 || data.dim(axis) != size) {
        throw new IllegalArgumentException(
            "subsample in plate '" + name + "': data of shape " + data.shape() + " with eventDim "
                + eventDim + " should have size " + size + " at axis " + axis);
      }
      msg.setValue(data.index(axis, indices));
    }
  }

  private Distribution expand(String site, Distribution fn) {
    Shape batch = fn.batchShape();
    int rank = Math.max(batch.rank(), -dim);
    int[] target = new int[rank];
    Arrays.fill(target, 1);
    int[] b = batch.toArray();
    System.arraycopy(b, 0, target, rank - b.length, b.length);
    int at = rank + dim;
    int b0 = subsampleSize();
    if (target[at] != 1 && target[at] != b0) {
      throw new IllegalArgumentException(
          "site '" + site + "': its batch shape " + batch + " has size " + target[at]
              + " at dim " + dim + ", where plate '" + name + "' has size " + b0
              + "; make the distribution's parameters match the plate (or broadcast with 1)");
    }
    target[at] = b0;
    return fn.expand(Shape.of(target));
  }
}
