package looop.cli;

import looop.io.UserError;
import looop.workers.SessionView;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A terminal size as typed on the command line: COLSxROWS, e.g. 120x40. */
public record TerminalSize(int cols, int rows) {

    /** Reads COLSxROWS with the workers' own rule (SessionView.size); a bad one is a usage error. */
    public static final class Converter implements ITypeConverter<TerminalSize> {
        @Override
        public TerminalSize convert(String text) {
            try {
                int[] cr = SessionView.size(text);
                return new TerminalSize(cr[0], cr[1]);
            } catch (UserError e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
