package looop.io;

import java.lang.reflect.Proxy;

/**
 * A handler of its own for SIGINT. A shutdown hook cannot answer a second
 * Ctrl-C (the JVM ignores signals once it runs one), so a process that wants
 * to say "stopping…" and let a second Ctrl-C force it takes the signal
 * itself. Through reflection, because sun.misc.Signal, named in the source,
 * makes javac warn about an internal API on every build a user sees.
 */
public final class CtrlC {
    private CtrlC() {}

    /** Runs onSignal on each Ctrl-C; returns what puts the former handler back, or null where INT cannot be caught (-Xrs). */
    public static Runnable handle(Runnable onSignal) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object interrupt = signal.getConstructor(String.class).newInstance("INT");
            Object mine = Proxy.newProxyInstance(CtrlC.class.getClassLoader(), new Class<?>[] {handler}, (proxy, method, args) -> {
                return switch (method.getName()) {
                    case "handle" -> {
                        onSignal.run();
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> "CtrlC handler";
                };
            });
            var handle = signal.getMethod("handle", signal, handler);
            Object before = handle.invoke(null, interrupt, mine);
            return () -> {
                try {
                    handle.invoke(null, interrupt, before);
                } catch (ReflectiveOperationException e) {
                    // the process is ending anyway; the former handler mattered only to an embedding program
                }
            };
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
