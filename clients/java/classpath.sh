#!/usr/bin/env bash
# Prints the classpath that compiles and runs the Java client with Debian 12's
# jars (/usr/share/java), or says which package is missing. Usage:
#   javac -cp "$(clients/java/classpath.sh)" ...    java -cp "CLASSES:$(clients/java/classpath.sh)" ...
# Elsewhere use pom.xml instead (the same libraries from Maven Central).
set -euo pipefail
dir=${JAVA_JARS_DIR:-/usr/share/java}
# jar (without .jar) -> the Debian package that installs it.
jars=(
  protobuf:libprotobuf-java
  grpc-api:libgrpc-java grpc-context:libgrpc-java grpc-core:libgrpc-java grpc-stub:libgrpc-java
  grpc-protobuf:libgrpc-java grpc-protobuf-lite:libgrpc-java
  # The transport: grpc-netty with Netty's own jars (Debian has no grpc-netty-shaded).
  # TLS needs netty-tcnative (OpenSSL, with its JNI library): Debian's Netty
  # lacks the JDK's ALPN support, without which gRPC cannot negotiate HTTP/2.
  grpc-netty:libgrpc-java netty-buffer:libnetty-java netty-codec:libnetty-java
  netty-codec-http:libnetty-java netty-codec-http2:libnetty-java netty-codec-socks:libnetty-java
  netty-common:libnetty-java netty-handler:libnetty-java netty-handler-proxy:libnetty-java
  netty-resolver:libnetty-java netty-transport:libnetty-java
  netty-tcnative:libnetty-tcnative-java
  # What grpc-core needs at run time.
  guava:libguava-java perfmark-api:libperfmark-java gson:libgoogle-gson-java
  # Annotations, needed at compile time only: javax.annotation.Generated on the grpc-java
  # stubs (not in the JDK since Java 9), and those gRPC's own classes carry.
  geronimo-annotation-1.3-spec:libgeronimo-annotation-1.3-spec-java
  jsr305:libjsr305-java error_prone_annotations:liberror-prone-java
)
cp=() missing=()
for entry in "${jars[@]}"; do
  jar=$dir/${entry%%:*}.jar
  if [[ -f $jar ]]; then cp+=("$jar"); else missing+=("${entry#*:}"); fi
done
if ((${#missing[@]})); then
  echo "missing jars in $dir: apt-get install $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')(or scripts/install_deps.sh --tests)" >&2
  exit 1
fi
(IFS=:; echo "${cp[*]}")
