#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Executes every notebook in notebooks/ headlessly against the freshly built jars, in place (so
# the committed outputs are the ones of the last run), and fails on any cell error.
#
# Installs what is missing first:
#   - Jupyter and nbconvert from Debian's packages (when run as root and missing);
#   - the Java kernel io.github.padreati:rapaio-jupyter-kernel from Maven Central, and XChart for
#     the plots (notebooks/pom.xml), into notebooks/.cache (git-ignored);
#   - the kernel's registration: notebooks/.cache/jupyter/kernels/rapaio-jupyter-kernel/kernel.json,
#     found through JUPYTER_PATH (nothing is written outside the repository);
#   - the project's jars (mvn package of examples and what it needs) and the classpath links
#     the notebooks' %jar lines read: notebooks/.cache/{core-deps,spark-lib,lib}.
#
# Usage: notebooks/run.sh [NOTEBOOK.ipynb ...]   (default: every notebooks/*.ipynb)
# Environment: NOTEBOOK_TIMEOUT (seconds per cell, default 300), SKIP_BUILD=1 (use the jars
# already in */target).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="$here/.cache"
kernel_version=3.0.1
timeout="${NOTEBOOK_TIMEOUT:-300}"
mvn_q=(mvn -B -q -Dstyle.color=never)

log() { printf '[notebooks] %s\n' "$*" >&2; }

# 1. Jupyter, nbconvert, nbclient and the kernel machinery from Debian's packages.
debs=(jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    exit 1
  fi
fi
# Debian's Jupyter runs on Debian's python3, whatever python3 is first on PATH.
jupyter=/usr/bin/jupyter
[[ -x $jupyter ]] || jupyter="$(command -v jupyter)"

# 2. The kernel jar and XChart from Maven Central.
mkdir -p "$cache"
kernel_jar="$cache/kernel/rapaio-jupyter-kernel-$kernel_version.jar"
if [[ ! -f $kernel_jar ]]; then
  log "fetching rapaio-jupyter-kernel $kernel_version"
  (cd "$here" && "${mvn_q[@]}" -f pom.xml dependency:copy \
    -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" \
    -DoutputDirectory="$cache/kernel")
fi
if [[ ! -f $cache/lib/.done ]]; then
  log "fetching XChart"
  rm -rf "$cache/lib"
  (cd "$here" && "${mvn_q[@]}" -f pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DexcludeTransitive=true -DoutputDirectory="$cache/lib")
  touch "$cache/lib/.done"
fi

# 3. The project's jars, and the classpath folders the notebooks add with %jar.
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  log "building the project's jars"
  (cd "$root" && "${mvn_q[@]}" -pl examples -am package -DskipTests)
fi
for f in core/target/ember-core-*.jar spark/target/ember-spark-*.jar \
    examples/target/ember-examples-*.jar examples/target/spark-classpath.txt; do
  compgen -G "$root/$f" >/dev/null || { log "missing $f: build the project first"; exit 1; }
done
# core's own runtime dependencies (commons-numbers, BLAS): the project's versions
rm -rf "$cache/core-deps"
(cd "$root" && "${mvn_q[@]}" -pl core dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$cache/core-deps")
# Spark's classpath, as links in one folder (%jar on a folder adds every jar in it)
rm -rf "$cache/spark-lib"
mkdir -p "$cache/spark-lib"
tr ':' '\n' < "$root/examples/target/spark-classpath.txt" | while read -r jar; do
  [[ -n $jar ]] && ln -sf "$jar" "$cache/spark-lib/"
done
# the project's jars, by a fixed name (the application jar of examples is left out: it bundles
# core and spark again)
rm -rf "$cache/ember"
mkdir -p "$cache/ember"
ln -sf "$root"/core/target/ember-core-*.jar "$cache/ember/ember-core.jar"
ln -sf "$root"/spark/target/ember-spark-*.jar "$cache/ember/ember-spark.jar"
for j in "$root"/examples/target/ember-examples-*.jar; do
  [[ $j == *-app.jar || $j == *-sources.jar || $j == *-javadoc.jar ]] || ln -sf "$j" "$cache/ember/ember-examples.jar"
done

# 4. The kernel's registration, under the default name so that the notebooks' metadata matches
# a kernel installed the usual way; the JVM options are those Spark needs on Java 17.
spec="$cache/jupyter/kernels/rapaio-jupyter-kernel"
mkdir -p "$spec" "$cache/mima"
# Spark's log4j2 at WARN, so that its start-up lines stay out of the notebooks' outputs
cat > "$cache/log4j2.properties" <<'LOG4J'
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
LOG4J
opens=(java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util
  java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs
  sun.security.action sun.util.calendar)
python3_bin=/usr/bin/python3
[[ -x $python3_bin ]] || python3_bin="$(command -v python3)"
"$python3_bin" - "$spec/kernel.json" "$kernel_jar" "$cache/mima" "$cache/log4j2.properties" "${opens[@]}" <<'PY'
import json, sys
out, jar, mima, log4j, *opens = sys.argv[1:]
argv = ["java", "-Xmx3g", "-XX:+IgnoreUnrecognizedVMOptions", "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + log4j]
argv += ["--add-opens=java.base/%s=ALL-UNNAMED" % p for p in opens]
argv += ["-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true",
         "-jar", jar, "{connection_file}"]
spec = {
    "argv": argv,
    "display_name": "Java (rjk 3.0.1)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"RJK_COMPILER_OPTIONS": "", "RJK_TIMEOUT_MILLIS": "-1", "RJK_INIT_SCRIPT": "",
            "RJK_MIMA_CACHE": mima, "SPARK_LOCAL_IP": "127.0.0.1"},
}
with open(out, "w") as f:
    json.dump(spec, f, indent=2)
PY
export JUPYTER_PATH="$cache/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

# 5. Execute.
notebooks=()
if (($#)); then
  for nb in "$@"; do notebooks+=("$(cd "$(dirname "$nb")" && pwd)/$(basename "$nb")"); done
else
  notebooks=("$here"/*.ipynb)
fi
# One notebook; its log (nbconvert's and the kernel's) goes to stderr and to $run_log.
run_log="$(mktemp)"
trap 'rm -f "$run_log"' EXIT
execute() {
  (cd "$here" && "$jupyter" nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout="$timeout" --ExecutePreprocessor.startup_timeout=20 \
    --ExecutePreprocessor.record_timing=False \
    --ExecutePreprocessor.kernel_name=rapaio-jupyter-kernel "$1") 2>&1 | tee "$run_log" >&2
}
status=0
for nb in "${notebooks[@]}"; do
  t0=$(date +%s)
  log "executing $(basename "$nb")"
  ok=0
  for attempt in 1 2 3 4 5 6 7 8; do
    if execute "$nb"; then
      ok=1
      break
    fi
    # Two failures of the kernel's start, before any cell runs, are tried again, seven times at
    # most (three starts in a row have failed on a loaded machine); any other failure is final.
    # Seen often on a loaded machine (every first start of a fresh CI run here): the kernel's
    # JVM up, its sockets bound (the shell socket last), and no request ever answered; it
    # answers within seconds when it starts well, so a start that is not answered in 20 s is
    # tried again. Seen less often: a request reaching the kernel's shell socket before its
    # handlers are set, which kills the kernel (a NullPointerException in its thread Shell-0,
    # "Kernel died before replying to kernel_info").
    grep -q -e "Kernel didn't respond" -e "Kernel died before replying to kernel_info" \
      "$run_log" || break
    if ((attempt < 8)); then
      log "$(basename "$nb"): the kernel did not start; starting it again"
    fi
  done
  if ((ok)); then
    log "$(basename "$nb"): ok in $(($(date +%s) - t0)) s"
  else
    log "$(basename "$nb"): FAILED after $(($(date +%s) - t0)) s"
    status=1
  fi
done
exit $status
