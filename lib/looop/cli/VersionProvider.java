package looop.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    public String[] getVersion() {
        return new String[] {line()};
    }

    static String line() {
        return "looop " + Main.VERSION + " (Java " + Runtime.version().feature() + ")";
    }
}
