# Sourced by ./cairn, ./test and .ci/run: locates a JDK >= 21.
# find_jdk prints its home (JAVA_HOME if it qualifies, else the newest under
# /usr/lib/jvm) and returns 1 when there is none.

java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)"
  echo "${v:-0}"
}

find_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 v home
  for home in /usr/lib/jvm/*; do
    [[ -x "$home/bin/java" && -x "$home/bin/javac" && ! -L "$home" ]] || continue
    v="$(java_major "$home/bin/java")"
    if (( v >= 21 && v > best_v )); then best="$home"; best_v=$v; fi
  done
  [[ -n "$best" ]] || return 1
  echo "$best"
}

use_jdk() {
  local home
  if ! home="$(find_jdk)"; then
    echo "cairn: no JDK >= 21 found (looked at JAVA_HOME and /usr/lib/jvm/*); install one, e.g. 'apt-get install openjdk-21-jdk-headless'" >&2
    return 1
  fi
  export JAVA_HOME="$home"
}

# The JVM options of every `java -jar cairn.jar` for the JDK at $1 (native access is granted by the jar's
# manifest, Enable-Native-Access): JDK 24+ warns at the first sun.misc.Unsafe memory access (Netty, grpc's
# shaded Netty) unless it is allowed, and JDK 21-22 refuse the option (it came in 23). The processes Cairn
# starts get the same from CairnCommand.JVM_OPTIONS.
cairn_jvm_options() {
  local v
  v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)"
  if (( ${v:-0} >= 23 )); then echo "--sun-misc-unsafe-memory-access=allow"; fi
}
