// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The Ember Authors
package dev.ember.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.infer.optim.OptimizerState;
import dev.ember.random.RngKey;
import dev.ember.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checkpoint format, version {@value #VERSION}: one folder {@code step-<12 digits>} per
 * checkpoint, no Java serialization, readable from any language.
 *
 * <pre>
 *   step-000000000100/
 *     series/       per-series params and moments as Parquet ({@link SeriesStateFiles}), only for
 *                   a guide with per-series params; written first, by the executors
 *     arrays.bin    the global params and their optimizer moments as named float64 arrays
 *                   ({@link NamedArrays}): "param/NAME", then "moment/NAME/K" for each of the
 *                   optimizer's K slots (Adam: 0 = m, 1 = v)
 *     header.json   written last, under a temporary name and renamed: its presence commits the
 *                   checkpoint
 * </pre>
 *
 * <p>{@code header.json} is a JSON object with the fields {@code checksum} (first: the CRC-32C of
 * the file's bytes with these 8 hexadecimal digits replaced by '0'), {@code format} ({@value
 * #VERSION}), {@code step}, {@code run} (the {@link RunDefinition}: data with {@code series} and
 * {@code hash}, {@code model}, {@code optimizer}, {@code annealing}, {@code batchSize}, {@code
 * seed}, {@code particles}, {@code steps}), {@code state} ({@code skippedSteps}, {@code
 * optimizerStep}, {@code key}: the two words of the next step's key as unsigned integers, {@code
 * constraints}: each param's constraint as text), {@code arrays} ({@code file}, {@code bytes},
 * {@code crc32c}), {@code series} (null, or {@code folder}, {@code rows}, {@code hash}: {@link
 * SeriesStateFiles.Summary}, {@code files}: each Parquet file's {@code name} and {@code bytes},
 * and {@code layout}: the padded {@code steps} and per param its {@code name}, series {@code
 * axis}, {@code slice} shape, {@code timeAxis} and {@code constraint}) and {@code losses} (every
 * step's loss). Doubles in JSON are written so that they read back bit for bit.
 *
 * <pre>{@code
 * CheckpointFormat.write(fs, folder, checkpoint);               // arrays.bin, then header.json
 * CheckpointContents c = CheckpointFormat.read(fs, folder, 100);
 * Checkpoint resumed = c.attach(initialState, seriesLayout);   // refuses another model
 * }</pre>
 *
 * <p>A folder without {@code header.json} is an interrupted write; a header or arrays file that
 * is empty, truncated or fails its checksum, or a per-series file that is missing or of another
 * length, makes the checkpoint {@linkplain Damaged damaged}: {@link CheckpointStore} then
 * resumes from the previous one. <b>Compatibility:</b> every later version reads this format;
 * whenever the format changes, raise {@link #VERSION}, keep reading the old versions, and commit
 * a checkpoint of the new version as a test fixture next to the old ones
 * ({@code src/test/resources/checkpoints/}, resumed by {@code CheckpointFixtureTest}).
 */
final class CheckpointFormat {
  private CheckpointFormat() {}

  /** The format version this code writes, and the newest it reads. */
  static final int VERSION = 3;

  static final String HEADER = "header.json";
  static final String ARRAYS = "arrays.bin";
  static final String SERIES = "series";

  private static final Pattern CHECKSUM = Pattern.compile("\"checksum\"\\s*:\\s*\"([0-9a-f]{8})\"");

  /** A checkpoint that cannot be used: a file is missing, empty, truncated or fails a check. */
  static final class Damaged extends Exception {
    private static final long serialVersionUID = 1L;

    Damaged(String message) {
      super(message);
    }
  }

  /**
   * Writes {@code c} into {@code folder} (its per-series folder, if any, already written):
   * {@code arrays.bin}, then {@code header.json} under a temporary name, renamed.
   */
  static void write(FileSystem fs, Path folder, Checkpoint c) throws IOException {
    OptimizerState o = c.state().optimizer();
    Map<String, Tensor> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : o.params().entrySet()) {
      arrays.put("param/" + e.getKey(), e.getValue());
      List<Tensor> moments = o.slots().get(e.getKey());
      for (int k = 0; k < moments.size(); k++) {
        arrays.put("moment/" + e.getKey() + "/" + k, moments.get(k));
      }
    }
    byte[] arrayBytes = NamedArrays.write(arrays);
    writeFile(fs, new Path(folder, ARRAYS), arrayBytes);

    ObjectNode h = Json.MAPPER.createObjectNode();
    h.put("checksum", "00000000");
    h.put("format", VERSION);
    h.put("step", c.state().step());
    h.set("run", c.run().toJson());
    ObjectNode state = h.putObject("state");
    state.put("skippedSteps", c.state().skippedSteps());
    state.put("optimizerStep", o.step());
    state.putArray("key").add(Integer.toUnsignedLong(c.state().key().word0()))
        .add(Integer.toUnsignedLong(c.state().key().word1()));
    ObjectNode constraints = state.putObject("constraints");
    c.state().constraints().forEach((name, con) -> constraints.put(name, con.toString()));
    ObjectNode a = h.putObject("arrays");
    a.put("file", ARRAYS);
    a.put("bytes", arrayBytes.length);
    a.put("crc32c", crc(arrayBytes, arrayBytes.length));
    if (c.seriesState() == null) {
      h.putNull("series");
    } else {
      ObjectNode s = h.putObject("series");
      s.put("folder", SERIES);
      s.put("rows", c.seriesState().rows());
      s.put("hash", String.format(Locale.ROOT, "%016x", c.seriesState().hash()));
      ArrayNode files = s.putArray("files");
      for (FileStatus f : dataFiles(fs, new Path(folder, SERIES))) {
        files.addObject().put("name", f.getPath().getName()).put("bytes", f.getLen());
      }
      s.set("layout", layoutJson(c.series()));
    }
    ArrayNode losses = h.putArray("losses");
    for (double l : c.losses()) {
      losses.add(l);
    }
    byte[] header = Json.MAPPER.writeValueAsBytes(h);
    Matcher m = CHECKSUM.matcher(new String(header, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      throw new IllegalStateException("unreachable: the header starts with its checksum");
    }
    byte[] digits = crc(header, header.length).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, header, m.start(1), digits.length);
    Path tmp = new Path(folder, "." + HEADER + "." + UUID.randomUUID() + ".tmp");
    writeFile(fs, tmp, header);
    if (!fs.rename(tmp, new Path(folder, HEADER))) {
      throw new IOException("could not rename " + tmp + " to " + HEADER);
    }
  }

  /**
   * The contents of the checkpoint in {@code folder}, checked against every checksum and length
   * its header records (the per-series folder's rows and hash are checked by the caller, which
   * reads it on the executors).
   *
   * @throws Damaged saying which file is missing, empty, truncated or fails its check
   * @throws IllegalStateException if a newer version of Ember wrote it
   */
  static CheckpointContents read(FileSystem fs, Path folder, long step)
      throws Damaged, IOException {
    byte[] bytes = readFile(fs, new Path(folder, HEADER));
    if (bytes.length == 0) {
      throw new Damaged(HEADER + " is empty");
    }
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    Matcher m = CHECKSUM.matcher(text);
    if (!m.find()) {
      throw new Damaged(HEADER + " has no checksum (truncated?)");
    }
    byte[] zeroed = bytes.clone();
    for (int i = m.start(1); i < m.end(1); i++) {
      zeroed[i] = '0';
    }
    if (!crc(zeroed, zeroed.length).equals(m.group(1))) {
      throw new Damaged(HEADER + " fails its checksum (" + bytes.length + " bytes: truncated "
          + "or altered)");
    }
    JsonNode h;
    try {
      h = Json.parse(bytes);
    } catch (IOException e) {
      throw new Damaged(HEADER + " is not JSON: " + e.getMessage());
    }
    try {
      int format = Json.number(h, "format").intValue();
      if (format > VERSION) {
        throw new IllegalStateException("checkpoint " + folder + " has format " + format
            + ", written by a newer Ember; this version reads formats up to " + VERSION
            + ": resume with that version, or use another checkpoint folder");
      }
      if (Json.number(h, "step").longValue() != step) {
        throw new Damaged(HEADER + " is for step " + h.get("step") + ", not " + step);
      }
      RunDefinition run = RunDefinition.fromJson(Json.field(h, "run"));
      JsonNode a = Json.field(h, "arrays");
      byte[] arrayBytes = readFile(fs, new Path(folder, Json.text(a, "file")));
      if (arrayBytes.length != Json.number(a, "bytes").longValue()
          || !crc(arrayBytes, arrayBytes.length).equals(Json.text(a, "crc32c"))) {
        throw new Damaged(ARRAYS + " has " + arrayBytes.length + " bytes and fails its "
            + "checksum (the header records " + a.get("bytes") + ")");
      }
      Map<String, Tensor> arrays = NamedArrays.read(arrayBytes);
      JsonNode lossNodes = Json.field(h, "losses");
      double[] losses = new double[lossNodes.size()];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = lossNodes.get(i).doubleValue();
      }
      if (losses.length != step) {
        throw new Damaged(HEADER + " holds " + losses.length + " losses for " + step + " steps");
      }
      JsonNode state = Json.field(h, "state");
      JsonNode key = Json.field(state, "key");
      if (key.size() != 2 || !key.get(0).canConvertToLong() || !key.get(1).canConvertToLong()) {
        throw new Damaged(HEADER + ": state.key must be two unsigned integers");
      }
      Map<String, String> constraints = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : Json.field(state, "constraints").properties()) {
        constraints.put(e.getKey(), e.getValue().asText());
      }
      JsonNode series = h.get("series");
      return new CheckpointContents(run, step, Json.number(state, "skippedSteps").longValue(),
          Json.number(state, "optimizerStep").longValue(),
          RngKey.fromWords((int) key.get(0).asLong(), (int) key.get(1).asLong()), constraints,
          arrays, losses, series == null || series.isNull() ? null : Json.field(series, "layout"),
          seriesState(fs, folder, series));
    } catch (IllegalArgumentException e) {
      throw new Damaged(HEADER + ": " + e.getMessage());
    }
  }

  /** The per-series summary the header records, after checking its files' names and lengths. */
  private static SeriesStateFiles.Summary seriesState(FileSystem fs, Path folder, JsonNode s)
      throws Damaged, IOException {
    if (s == null || s.isNull()) {
      return null;
    }
    Path dir = new Path(folder, Json.text(s, "folder"));
    Map<String, Long> found = new LinkedHashMap<>();
    if (fs.exists(dir)) {
      for (FileStatus f : dataFiles(fs, dir)) {
        found.put(f.getPath().getName(), f.getLen());
      }
    }
    for (JsonNode f : Json.field(s, "files")) {
      String name = Json.text(f, "name");
      long bytes = Json.number(f, "bytes").longValue();
      Long len = found.get(name);
      if (len == null || len != bytes) {
        throw new Damaged("per-series file " + SERIES + "/" + name + (len == null ? " is missing"
            : " has " + len + " bytes, not " + bytes));
      }
    }
    String hash = Json.text(s, "hash");
    if (!hash.matches("[0-9a-f]{16}")) {
      throw new Damaged(HEADER + ": series.hash must be 16 hexadecimal digits");
    }
    return new SeriesStateFiles.Summary(Json.number(s, "rows").longValue(),
        Long.parseUnsignedLong(hash, 16));
  }

  /** The per-series layout as the header records it. */
  static JsonNode layoutJson(SeriesParams layout) {
    ObjectNode l = Json.MAPPER.createObjectNode();
    l.put("steps", layout.steps());
    ArrayNode params = l.putArray("params");
    for (SeriesParams.Local p : layout.locals()) {
      ObjectNode o = params.addObject();
      o.put("name", p.name());
      o.put("axis", p.axis());
      ArrayNode slice = o.putArray("slice");
      for (int d : p.slice().toArray()) {
        slice.add(d);
      }
      o.put("timeAxis", p.timeAxis());
      o.put("constraint", p.constraint().toString());
    }
    return l;
  }

  /** The data files of a Parquet folder: not hidden, not Spark's markers. */
  private static List<FileStatus> dataFiles(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(f);
      }
    }
    out.sort((x, y) -> x.getPath().getName().compareTo(y.getPath().getName()));
    return out;
  }

  private static String crc(byte[] bytes, int length) {
    CRC32C c = new CRC32C();
    c.update(bytes, 0, length);
    return String.format(Locale.ROOT, "%08x", c.getValue());
  }

  private static void writeFile(FileSystem fs, Path file, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(bytes);
    }
  }

  private static byte[] readFile(FileSystem fs, Path file) throws Damaged, IOException {
    if (!fs.exists(file)) {
      throw new Damaged(file.getName() + " is missing");
    }
    try (var in = fs.open(file)) {
      return in.readAllBytes();
    } catch (org.apache.hadoop.fs.ChecksumException e) {
      throw new Damaged(file.getName() + " fails the file system's checksum");
    }
  }
}
