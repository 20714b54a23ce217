package org.robustmri.io;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A FileChannel that coalesces consecutive small writes into large ones. jhdf 0.13 issues one channel write per
 * innermost array, which for k-space stored as (..., W, 2) means one 8-byte system call per complex value;
 * buffering them makes writing a volume about a hundred times faster. Any non-consecutive write, read,
 * size query or close flushes first, so the file's bytes are exactly what the unbuffered channel would write.
 */
final class BufferedWriteChannel extends FileChannel {
    private final FileChannel delegate;
    private final ByteBuffer buffer;
    private long bufferStart = -1;
    private long position;

    BufferedWriteChannel(FileChannel delegate, int capacity) throws IOException {
        this.delegate = delegate;
        this.buffer = ByteBuffer.allocate(capacity);
        this.position = delegate.position();
    }

    /**
     * Routes every write of a jhdf {@link io.jhdf.WritableHdfFile} through one buffered channel. Returns false
     * (and leaves the file untouched) when jhdf's internals are not as expected, so writing still works, slowly.
     */
    static boolean install(io.jhdf.WritableHdfFile file) {
        try {
            Field fcField = io.jhdf.WritableHdfFile.class.getDeclaredField("fileChannel");
            Field hdfField = io.jhdf.WritableHdfFile.class.getDeclaredField("hdfFileChannel");
            Field innerField = io.jhdf.storage.HdfFileChannel.class.getDeclaredField("fc");
            fcField.setAccessible(true);
            hdfField.setAccessible(true);
            innerField.setAccessible(true);
            FileChannel raw = (FileChannel) fcField.get(file);
            Object hdf = hdfField.get(file);
            if (innerField.get(hdf) != raw) return false;
            BufferedWriteChannel buffered = new BufferedWriteChannel(raw, 1 << 23);
            fcField.set(file, buffered);
            innerField.set(hdf, buffered);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | IOException e) {
            return false;
        }
    }

    /** The channel a jhdf writer writes through (buffered or not), or null when jhdf's internals differ. */
    static FileChannel channelOf(io.jhdf.WritableHdfFile file) {
        try {
            Field fcField = io.jhdf.WritableHdfFile.class.getDeclaredField("fileChannel");
            fcField.setAccessible(true);
            return (FileChannel) fcField.get(file);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private void flush() throws IOException {
        if (bufferStart < 0 || buffer.position() == 0) {
            bufferStart = -1;
            return;
        }
        buffer.flip();
        long p = bufferStart;
        while (buffer.hasRemaining()) p += delegate.write(buffer, p);
        buffer.clear();
        bufferStart = -1;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (n > buffer.capacity()) {
            flush();
            int w = 0;
            while (src.hasRemaining()) w += delegate.write(src, position + w);
            position += w;
            return w;
        }
        if (bufferStart >= 0 && bufferStart + buffer.position() != position) flush();
        if (buffer.remaining() < n) flush();
        if (bufferStart < 0) bufferStart = position;
        buffer.put(src);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src, long pos) throws IOException {
        flush();
        int w = 0;
        while (src.hasRemaining()) w += delegate.write(src, pos + w);
        return w;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
        return n;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        flush();
        int r = delegate.read(dst, position);
        if (r > 0) position += r;
        return r;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            int r = read(dsts[i]);
            if (r < 0) return n == 0 ? -1 : n;
            n += r;
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        flush();
        return delegate.read(dst, pos);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        flush();
        return delegate.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        flush();
        delegate.truncate(size);
        if (position > size) position = size;
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        flush();
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        flush();
        return delegate.transferTo(pos, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) throws IOException {
        flush();
        return delegate.transferFrom(src, pos, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long size) throws IOException {
        flush();
        return delegate.map(mode, pos, size);
    }

    @Override
    public FileLock lock(long pos, long size, boolean shared) throws IOException {
        return delegate.lock(pos, size, shared);
    }

    @Override
    public FileLock tryLock(long pos, long size, boolean shared) throws IOException {
        return delegate.tryLock(pos, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        try {
            flush();
        } finally {
            delegate.close();
        }
    }
}
