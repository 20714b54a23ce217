package org.robustmri.io;

import java.nio.file.Path;

/**
 * A problem with input data (a file that cannot be read, a missing dataset, a wrong shape, NaN values).
 * The CLI maps it to exit code 1; the message always names the file.
 */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    public DataException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
