package org.robustmri.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code errors.csv} a folder run leaves beside its outputs: one row per input that failed, with its one-line
 * reason; a run without failures removes a stale list.
 */
public final class FailureList {
    /** One input that failed. */
    public record Failure(Path file, String reason) {
        /** The failure of {@code file}, with the first line of the error's message. */
        public static Failure of(Path file, RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Failure(file, m.lines().findFirst().orElse(m));
        }
    }

    private FailureList() {
    }

    /** Writes {@code file,error} rows with each failure's file name (the inputs of one folder). */
    public static void write(Path csv, List<Failure> failures) {
        write(csv, failures, false);
    }

    /** As above; {@code fullPaths}: {@code path,error} rows with the whole path (inputs from many folders). */
    public static void write(Path csv, List<Failure> failures, boolean fullPaths) {
        if (failures.isEmpty()) {
            try {
                Files.deleteIfExists(csv);
            } catch (IOException e) {
                throw new DataException(csv, "cannot delete: " + e.getMessage(), e);
            }
            return;
        }
        StringBuilder sb = new StringBuilder(Csv.format(List.of(fullPaths ? "path" : "file", "error")));
        for (Failure f : failures) sb.append(Csv.format(List.of(fullPaths ? f.file().toString() : f.file().getFileName().toString(), f.reason())));
        AtomicFiles.writeString(csv, sb.toString());
    }
}
