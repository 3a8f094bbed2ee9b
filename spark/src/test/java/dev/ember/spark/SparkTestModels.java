// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import static dev.ember.primitives.Primitives.param;
import static dev.ember.primitives.Primitives.plate;
import static dev.ember.primitives.Primitives.sample;
import static dev.ember.primitives.Primitives.sampleOverTime;
import static dev.ember.primitives.Scan.scan;

import dev.ember.data.SequenceBatch;
import dev.ember.dist.Normal;
import dev.ember.dist.constraints.Constraints;
import dev.ember.handlers.Message;
import dev.ember.handlers.Messenger;
import dev.ember.handlers.Model;
import dev.ember.handlers.Plate;
import dev.ember.handlers.PlateFrame;
import dev.ember.handlers.SiteType;
import dev.ember.primitives.ScanStep;
import dev.ember.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Models, guides and data shared by the Spark tests. */
@SuppressWarnings("try") // plates are entered for their effect
final class SparkTestModels {
  private SparkTestModels() {}

  /**
   * AR(1) state-space model over a batch: a global latent drift mu; per series z_t ~ N(phi z_{t-1}
   * + mu, sigma) in a scan with the series plate inside the body; y_t ~ N(z_t, tau), masked at the
   * padding (z too). phi, sigma, tau are params.
   */
  static final Model<SequenceBatch> MODEL = batch -> {
    Tensor phi = param("phi", Tensor.scalar(0.3), Constraints.interval(-1.0, 1.0));
    Tensor sigma = param("sigma", Tensor.scalar(1.0), Constraints.positive());
    Tensor tau = param("tau", Tensor.scalar(0.5), Constraints.positive());
    Tensor mu = sample("mu", Normal.of(0.0, 1.0));
    int b = batch.size();
    scan((Tensor prev, List<Tensor> x) -> {
      try (Plate p = plate("series", b)) {
        // masked at the padding, latent and observation alike: a batch's loss then does not
        // depend on how far it is padded
        Tensor z = sample("z", Normal.of(prev.mul(phi).add(mu), sigma).mask(x.get(1)));
        sample("y", Normal.of(z, tau).mask(x.get(1)), x.get(0));
        return ScanStep.of(z, (Tensor) null);
      }
    }, Tensor.zeros(b), List.of(batch.values(), batch.observed()));
  };

  /**
   * An amortized guide: mu ~ N(m, s); z ~ N(a y + c, sz) per step and series, with global params
   * only (a, c, sz shared by every series).
   */
  static final Model<SequenceBatch> GUIDE = batch -> {
    Tensor m = param("m", Tensor.scalar(0.0));
    Tensor s = param("s", Tensor.scalar(0.5), Constraints.positive());
    sample("mu", Normal.of(m, s));
    Tensor a = param("a", Tensor.scalar(0.8));
    Tensor c = param("c", Tensor.scalar(0.0));
    Tensor sz = param("sz", Tensor.scalar(0.3), Constraints.positive());
    try (Plate p = plate("series", batch.size())) {
      sampleOverTime("z", Normal.of(batch.values().mul(a).add(c), sz).mask(batch.observed()));
    }
  };

  /**
   * A guide with per-series params: mu ~ N(m, s) as in {@link #GUIDE}; z ~ N(z_loc, z_scale) per
   * step and series, masked at the padding, with {@code z_loc}, {@code z_scale} of shape {@code
   * [T, B]} (loc 0, scale 0.1).
   */
  static final Model<SequenceBatch> SERIES_GUIDE = batch -> {
    Tensor m = param("m", Tensor.scalar(0.0));
    Tensor s = param("s", Tensor.scalar(0.5), Constraints.positive());
    sample("mu", Normal.of(m, s));
    int t = batch.steps();
    int b = batch.size();
    try (Plate p = plate("series", b)) {
      Tensor loc = param("z_loc", Tensor.zeros(t, b));
      Tensor scale = param("z_scale", Tensor.full(0.1, t, b), Constraints.positive());
      sampleOverTime("z", Normal.of(loc, scale).mask(batch.observed()));
    }
  };

  /** Scales the sites inside plate "series" by a factor: the single-JVM form of N / B. */
  static final class LocalScale extends Messenger {
    private final double factor;

    LocalScale(double factor) {
      this.factor = factor;
    }

    @Override
    protected void process(Message msg) {
      if (msg.type() != SiteType.SAMPLE) {
        return;
      }
      for (PlateFrame f : msg.plates()) {
        if (f.name().equals("series")) {
          msg.setScale(msg.scale() * factor);
          return;
        }
      }
    }
  }

  /** {@code m} with its local sites scaled by {@code factor}. */
  static Model<SequenceBatch> scaledLocal(Model<SequenceBatch> m, double factor) {
    return d -> new LocalScale(factor).enter().run(() -> {
      m.run(d);
      return null;
    });
  }

  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, true)
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType, true), true);

  /** N series of varying length (T - id % 3) from a fixed AR(1) recursion. */
  static List<Row> rows(int n, int t) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = t - i % 3;
      List<Double> v = new ArrayList<>();
      double z = 0;
      for (int s = 0; s < len; s++) {
        z = 0.6 * z + Math.sin(1.7 * i + 0.9 * s);
        v.add(z + 0.2 * Math.cos(3.1 * i * s + 1));
      }
      out.add(RowFactory.create((long) (1000 + 7 * i), v));
    }
    return out;
  }

  /**
   * An embedded Spark for a test class: {@code master} such as {@code local[2]}, or {@code
   * local[2,3]} where tasks may fail and be retried; no UI, four shuffle partitions.
   */
  static SparkSession session(String master, String app) {
    return SparkSession.builder().master(master).appName(app)
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  static Dataset<Row> dataset(SparkSession spark, List<Row> rows, int partitions) {
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }
}
