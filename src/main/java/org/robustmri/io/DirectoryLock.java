package org.robustmri.io;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One writer per directory: an OS lock on {@code DIR/.lock}, whose text names the holder (host, PID, start time).
 * The kernel drops the lock when its process dies, so a lock left by a killed run is stale by construction and the
 * next writer takes it over; a live holder makes a second writer fail at once with a message naming it.
 */
public final class DirectoryLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir} (creating it), or fails with a {@link DataException} naming the holder. */
    public static DirectoryLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this JVM
            }
            if (l == null) {
                String holder = holder(file);
                ch.close();
                throw new DataException(dir, "is in use by another robustmri process (" + holder + "); wait for it to finish"
                        + " or stop it (lock " + file.getFileName() + ")");
            }
            String text = "host=" + host() + " pid=" + ProcessHandle.current().pid() + " since=" + Instant.now() + "\n";
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(true);
            return new DirectoryLock(file, ch, l);
        } catch (IOException e) {
            try {
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // the original error matters
            }
            throw new DataException(file, "cannot take the directory lock: " + e.getMessage(), e);
        }
    }

    private static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /** Releases the lock; the file stays (its text is only informative). */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new DataException(file, "cannot release the directory lock: " + e.getMessage(), e);
        }
    }
}
