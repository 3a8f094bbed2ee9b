// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mergeable result of one step over some partitions: per partition, the unscaled sum of its
 * rows' local loss and gradient and the number of its rows in the minibatch; and the global terms,
 * which every non-empty partition computes identically (same key, same global draws) and which
 * are kept once.
 *
 * <p>The partitions' parts are kept by partition index and summed in index order by {@link
 * #localLoss()} and {@link #localGradient()}: the total is then the same bits however Spark
 * schedules and merges the tasks. Merging is associative and commutative, and {@link #empty()}
 * is its identity.
 *
 * <pre>{@code
 * ShardResult r = ShardResult.empty().add(p0).merge(ShardResult.empty().add(p1));
 * double local = r.localLoss();   // p0 + p1, in partition order
 * }</pre>
 */
public final class ShardResult implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * What one partition computed.
   *
   * @param partition its index
   * @param rows its rows in the minibatch
   * @param localLoss the sum of its rows' local loss terms (unscaled)
   * @param localGradient the gradient of that sum, flattened in the params' layout
   * @param globalLoss the global loss terms
   * @param globalGradient their gradient
   */
  public record Part(int partition, long rows, double localLoss, double[] localGradient,
      double globalLoss, double[] globalGradient) implements Serializable {}

  private final TreeMap<Integer, Part> parts;

  private ShardResult(TreeMap<Integer, Part> parts) {
    this.parts = parts;
  }

  /** No partition. */
  public static ShardResult empty() {
    return new ShardResult(new TreeMap<>());
  }

  /** This and one more partition's part (a new value). */
  public ShardResult add(Part p) {
    TreeMap<Integer, Part> m = new TreeMap<>(parts);
    if (m.put(p.partition(), p) != null) {
      throw new IllegalStateException("partition " + p.partition() + " reported twice");
    }
    return new ShardResult(m);
  }

  /** The union of two results over disjoint partitions (a new value). */
  public ShardResult merge(ShardResult other) {
    ShardResult r = this;
    for (Part p : other.parts.values()) {
      r = r.add(p);
    }
    return r;
  }

  /** The parts, by partition index. */
  public Map<Integer, Part> parts() {
    return java.util.Collections.unmodifiableMap(parts);
  }

  /** The rows in the minibatch, over all partitions: the realized B. */
  public long rows() {
    long n = 0;
    for (Part p : parts.values()) {
      n += p.rows();
    }
    return n;
  }

  /** The sum of the local losses, in partition order. */
  public double localLoss() {
    double s = 0;
    for (Part p : parts.values()) {
      s += p.localLoss();
    }
    return s;
  }

  /** The sum of the local gradients, in partition order. */
  public double[] localGradient(int size) {
    double[] g = new double[size];
    for (Part p : parts.values()) {
      double[] pg = p.localGradient();
      for (int i = 0; i < size; i++) {
        g[i] += pg[i];
      }
    }
    return g;
  }

  /** The global part (from the first partition with rows); null when no partition had rows. */
  public Part global() {
    for (Part p : parts.values()) {
      if (p.rows() > 0) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ShardResult(partitions=" + parts.keySet() + ", rows=" + rows() + ", localLoss="
        + localLoss() + ", global=" + (global() == null ? "none" : global().globalLoss()) + ")";
  }
}
