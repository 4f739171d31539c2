///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.21.3
// `looop mcp` only (docs/mcp.md): the official MCP SDK, on our Jackson 2; its classes load only when that verb runs
//DEPS io.modelcontextprotocol.sdk:mcp-core:2.2.0
//DEPS io.modelcontextprotocol.sdk:mcp-json-jackson2:2.2.0
//SOURCES lib/looop/**/*.java
//FILES runners/offline.sh=runners/offline.sh
//FILES runners/OpenAiHttp.java=runners/OpenAiHttp.java
//FILES sensors/today.sh=sensors/today.sh
//MAIN looop.cli.Main
// String concatenation as StringBuilder calls, not invokedynamic: each new
// shape of `a + b` otherwise spins method handles at first use, which a
// one-shot command pays on every start (docs/performance.md).
//JAVAC_OPTIONS -XDstringConcat=inline

// The JBang entry of looop and nothing else: the command surface is
// lib/looop/cli/Main.java, the modules are the packages under lib/looop/.
