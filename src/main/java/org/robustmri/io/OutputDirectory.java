package org.robustmri.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory a command writes into, and the kind of output it holds. A command may write into a directory that does
 * not exist, is empty, or already holds its own kind (recognised by the marker file {@value #MARKER}, written before
 * anything else, or by the record an older version left there); anything else is a user's folder and is refused
 * before a byte is written. There is deliberately no way to force it.
 */
public final class OutputDirectory {
    public static final String MARKER = ".robustmri-output";

    /** What a directory holds. */
    public enum Kind {
        STUDY("study"),
        RUN("run"),
        EVALUATION("evaluation"),
        RECONSTRUCTIONS("reconstructions"),
        SIMULATION("simulation"),
        CONVERSION("conversion"),
        EXPORT("export");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    private OutputDirectory() {
    }

    /**
     * Makes {@code dir} ready for output of {@code kind}: creates it (and the marker) when absent or empty, accepts it
     * when it already holds this kind, and refuses anything else with an {@link IllegalArgumentException} (a usage
     * error) that names the directory and a few of the entries found there.
     */
    public static Path claim(Path dir, Kind kind) {
        Kind found = kindOf(dir);
        if (found == kind) return dir;
        List<String> entries = visibleEntries(dir);
        if (found != null) {
            throw new IllegalArgumentException(dir + " holds a robustmri " + found.id + ", not a " + kind.id
                    + "; choose a new or empty directory");
        }
        if (!entries.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not empty and holds no robustmri " + kind.id + " (found "
                    + String.join(", ", entries.subList(0, Math.min(3, entries.size())))
                    + (entries.size() > 3 ? " and " + (entries.size() - 3) + " more" : "") + "); choose a new or empty directory");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(dir + " is a file, not a directory");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException(dir, "cannot create: " + AtomicFiles.reason(e), e);
        }
        AtomicFiles.writeString(dir.resolve(MARKER), "kind=" + kind.id + "\n");
        return dir;
    }

    /** The kind of output {@code dir} holds, or null when it is absent, empty or someone else's. */
    public static Kind kindOf(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        Path marker = dir.resolve(MARKER);
        if (Files.isRegularFile(marker)) {
            try {
                String text = Files.readString(marker, StandardCharsets.UTF_8).trim();
                for (Kind k : Kind.values()) if (text.equals("kind=" + k.id)) return k;
            } catch (IOException e) {
                throw new DataException(marker, "cannot read: " + AtomicFiles.reason(e), e);
            }
            throw new DataException(marker, "not a robustmri output marker");
        }
        // written by a version before the marker: a study has its config, a run its config and provenance
        if (Files.isRegularFile(dir.resolve("experiment.yaml")) && Files.isRegularFile(dir.resolve(DirectoryLock.FILE))) return Kind.STUDY;
        if (Files.isRegularFile(dir.resolve("config.yaml")) && Files.isRegularFile(dir.resolve("run.json"))) return Kind.RUN;
        return null;
    }

    /** True when {@code dir} holds output of {@code kind}. */
    public static boolean holds(Path dir, Kind kind) {
        return kindOf(dir) == kind;
    }

    /** Entries of {@code dir} other than what an interrupted claim may leave (a lock, a temporary). */
    private static List<String> visibleEntries(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(DirectoryLock.FILE) && !AtomicFiles.isTemporary(n))
                    .sorted().forEach(out::add);
        } catch (IOException e) {
            throw new DataException(dir, "cannot list: " + AtomicFiles.reason(e), e);
        }
        return out;
    }
}
