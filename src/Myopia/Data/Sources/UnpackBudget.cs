namespace Myopia.Data.Sources;

/// <summary>
/// Counts the bytes coming out of one archive's decompressor and stops reading, with one error line,
/// once they pass the <see cref="UnpackLimit"/>. Counting what is actually produced (not what entry
/// headers declare) also covers skipped entries and padding, which a bomb can fill just as well.
/// </summary>
internal sealed class UnpackBudget(UnpackLimit limit, string archive)
{
    public long Spent { get; private set; }

    public long Remaining => limit.MaxBytes - Spent;

    /// <summary>Refuses an entry whose declared size alone would pass the limit, before its buffer is allocated.</summary>
    public void EnsureRoom(long declaredBytes)
    {
        if (declaredBytes > Remaining) throw limit.Exceeded(archive);
    }

    /// <summary>A read-only view of <paramref name="inner"/> whose reads are charged to this budget.</summary>
    public Stream Watch(Stream inner) => new WatchedStream(inner, this);

    private void Charge(int bytes)
    {
        Spent += bytes;
        if (Spent > limit.MaxBytes) throw limit.Exceeded(archive);
    }

    private sealed class WatchedStream(Stream inner, UnpackBudget budget) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            budget.Charge(n);
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
