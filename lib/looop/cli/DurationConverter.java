package looop.cli;

import java.time.Duration;
import looop.io.Durations;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people type them (looop.io.Durations), in place of picocli's
 * built-in ISO-8601 `PT30S`; picocli reports a bad one as a usage error naming the option.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
