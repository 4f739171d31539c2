/**
 * The start-up helpers: hand-written versions of JDK idioms for the paths a
 * one-shot command takes on every start, the skip tick and the quick verbs
 * workers call in a loop (`_ flag`, `_ claim`, `_ cost`, `ask`, `ls`, …).
 * There the JDK's own way costs milliseconds of cold code per start: a regex
 * compiles at first use, a stream links a lambda per stage, String.format
 * parses its pattern with a regex, java.time's formatter starts the lambda
 * machinery (docs/performance.md, bench/).
 *
 * <p>Each helper here means exactly what its JDK idiom means, and
 * tests/looop/cli/StartupTest is the contract: it runs each side by side with
 * the JDK's version over edge cases and random inputs, and holds the quick
 * paths to no lambda, stream or regex. Use these only on a quick path;
 * everywhere else write the JDK idiom (String.lines, String.format,
 * Instant.toString, HexFormat). This package is the lowest layer: it uses
 * nothing of looop's.
 *
 * <p>Not here, and held by StartupTest all the same: a check whose meaning is
 * its caller's stays beside it (a run's name in beat/Tick, a sensor header in
 * sense/SensorCache, a runner's first word in profile/Config, a worker id in
 * workers/TmuxSessions), and what reads the system or JSON stays in io
 * (SystemClock's zone offset, Pid, Fs.unique, Controls, FlatJson's Jackson
 * stream, which falls back on Json).
 */
package looop.fast;
