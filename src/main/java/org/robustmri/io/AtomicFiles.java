package org.robustmri.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every result file becomes visible in one step: written under a temporary name in the same folder
 * ({@code .NAME.tmp-PID-THREAD}), forced to disk, renamed over the target, and the folder's entry forced too. A
 * process killed at any instant leaves either the old file or the new one, plus perhaps a temporary that
 * {@link #removeStaleTemporaries} recognises by its name and its dead owner.
 */
public final class AtomicFiles {
    private static final Pattern TEMPORARY = Pattern.compile("^\\..+\\.tmp-(\\d+)-(\\d+)$");
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    /** Something that writes a complete file at the path it is given. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path temporary) throws IOException;
    }

    public static void write(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                + "-" + Thread.currentThread().getId());
        IN_FLIGHT.add(tmp);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(tmp);
            writer.writeTo(tmp);
            force(tmp, false);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            force(dir, true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new DataException(target, "write failed: " + reason(e), e);
        } catch (Faults.SimulatedCrash e) {
            throw e; // a crash leaves its temporary behind, as a kill would
        } catch (DataException e) {
            deleteQuietly(tmp);
            throw e;
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            // libraries wrap I/O errors (a full disk while jhdf writes): name the file, keep the cause's words
            IOException io = ioCause(e);
            if (io != null) throw new DataException(target, "write failed: " + reason(io), e);
            throw e;
        } catch (Error e) {
            deleteQuietly(tmp);
            throw e;
        } finally {
            IN_FLIGHT.remove(tmp);
        }
        Faults.step("wrote " + target);
    }

    /**
     * A text file written in many calls (e.g. streamed results): rows go to the temporary; {@link #commit} makes it
     * visible atomically; {@link #close} without a commit deletes the temporary, so a failed run leaves nothing.
     */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final java.io.BufferedWriter out;
        private boolean done;

        private Pending(Path target) {
            this.target = target.toAbsolutePath();
            this.tmp = this.target.getParent().resolve("." + this.target.getFileName() + ".tmp-" + ProcessHandle.current().pid()
                    + "-" + Thread.currentThread().getId());
            IN_FLIGHT.add(tmp);
            try {
                Files.createDirectories(this.target.getParent());
                out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
            } catch (IOException e) {
                IN_FLIGHT.remove(tmp);
                throw new DataException(target, "write failed: " + reason(e), e);
            }
        }

        public java.io.Writer writer() {
            return out;
        }

        /** Flushes, forces and renames the temporary over the target. */
        public void commit() {
            try {
                out.close();
                force(tmp, false);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                force(target.getParent(), true);
                done = true;
            } catch (IOException e) {
                throw new DataException(target, "write failed: " + reason(e), e);
            } finally {
                IN_FLIGHT.remove(tmp);
            }
            Faults.step("wrote " + target);
        }

        @Override
        public void close() {
            if (done) return;
            try {
                out.close();
            } catch (IOException ignored) {
                // the temporary is deleted anyway
            }
            deleteQuietly(tmp);
            IN_FLIGHT.remove(tmp);
        }
    }

    public static Pending open(Path target) {
        return new Pending(target);
    }

    public static void writeString(Path target, String content) {
        write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /** Forces a file's or a directory's contents to disk (directories: where the platform allows). */
    static void force(Path p, boolean directory) throws IOException {
        try (FileChannel ch = FileChannel.open(p, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!directory) throw e; // some file systems cannot open or sync a directory; the rename itself stands
        }
    }

    /**
     * Deletes temporaries under {@code root} (recursively) that this class wrote and whose writer is gone: a dead
     * process, or this process when no thread is writing it. Call it while holding the directory's lock. Returns
     * the deleted paths.
     */
    public static List<Path> removeStaleTemporaries(Path root) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) return removed;
        long self = ProcessHandle.current().pid();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid = Long.parseLong(m.group(1));
                boolean ownerAlive = pid == self ? IN_FLIGHT.contains(p.toAbsolutePath())
                        : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!ownerAlive && Files.deleteIfExists(p)) removed.add(p);
            }
        } catch (IOException e) {
            throw new DataException(root, "cannot clean temporary files: " + reason(e), e);
        }
        return removed;
    }

    /** True for a name this class gives its temporaries. */
    public static boolean isTemporary(String fileName) {
        return TEMPORARY.matcher(fileName).matches();
    }

    static String reason(IOException e) {
        String m = e.getMessage();
        String name = e.getClass().getSimpleName();
        return m == null ? name : (e instanceof java.nio.file.FileSystemException ? name + ": " + m : m);
    }

    private static IOException ioCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof IOException io) return io;
        return null;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the temporary name is hidden and never read
        }
    }
}
